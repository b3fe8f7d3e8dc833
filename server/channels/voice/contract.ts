// The contract of a voice provider that connects a member to the person they call (patch-through). A provider that can
// place calls offers `voice` in registry.ts. Like the SMS adapters, a client takes its configuration as arguments: no
// process.env, no database. Failures to place a call raise ProviderError (../sms/contract.ts).

/** A call to the member; when they answer, the provider fetches `answerUrl` for what to do. */
export type OutboundVoiceCall = {
  /** E.164: the member. */
  to: string;
  /** E.164: one of the account's numbers, the caller id the member sees. */
  from: string;
  /** Absolute URL of our answer webhook (it returns a `connect` document). */
  answerUrl: string;
  /** Absolute URL the provider posts to when the call has ended. */
  statusUrl: string;
  signal?: AbortSignal;
};

/** A document the provider executes on the live call, as our webhook answers it. */
export type VoiceDocument = { contentType: string; body: string };

/** How the leg to the person called ended, as the provider reports it to the dial result webhook. */
export type DialStatus = 'completed' | 'answered' | 'busy' | 'no-answer' | 'failed' | 'canceled';
export type DialResult = { status: DialStatus; durationSeconds: number };

/** The end of the member's own leg. */
export type CallEnd = { callId: string | null; status: string; durationSeconds: number };

/** What our webhook routes hand to a client: the absolute URL called, lower-cased headers and the form fields. */
export type VoiceWebhook = { url: string; headers: Record<string, string | undefined>; form: Record<string, string> };

export type VoiceClient = {
  /** Places the call; resolves to the provider's id of it once accepted. */
  placeCall(call: OutboundVoiceCall): Promise<{ callId: string }>;
  /** Whether the webhook was signed by the provider for this account. */
  verifyWebhook(request: VoiceWebhook): boolean;
  /** Says `say` to the member in `language` (BCP 47), then dials `number` showing `callerId`; the result goes to `resultUrl`. */
  connect(input: { say: string; language: string; number: string; callerId: string; resultUrl: string }): VoiceDocument;
  /** Says `say`, then hangs up. */
  goodbye(input: { say: string; language: string }): VoiceDocument;
  /** The dial result a webhook carries, or null when it carries none. */
  parseDialResult(request: VoiceWebhook): DialResult | null;
  /** The end of the call a status webhook reports, or null when the call has not ended. */
  parseCallEnd(request: VoiceWebhook): CallEnd | null;
};

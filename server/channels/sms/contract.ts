import type { SenderKind } from '../../db/schema.ts';
import type { Logger } from '../../lib/logger.ts';

// The contract every SMS provider adapter implements (STYLE.md §7). One file per vendor beside this one;
// registry.ts is the only list of vendors. Adapters take their configuration as arguments: no process.env, no
// database, no test-mode branch. The dispatcher (server/modules/messaging/dispatcher.ts) acts on ProviderError.kind.

/** One outbound SMS/MMS as the dispatcher hands it to an adapter. */
export type OutboundSms = {
  /** Our message id. Adapters that take a per-message callback URL use `statusCallbackUrl`, which carries it. */
  messageId: number;
  /** The sender's address: E.164 number, short code, alphanumeric id, or messaging-service id (see senderKind). */
  from: string;
  senderKind: SenderKind;
  /** E.164 */
  to: string;
  body: string;
  /** http(s) URLs of media (MMS); empty for SMS. */
  mediaUrls: string[];
  /** Epoch ms after which the provider must not deliver (the member's quiet hours start); null: no limit. */
  validUntil: number | null;
  /**
   * Sent to many at once (a broadcast, an automation, a P2P initial) rather than an answer inside a conversation.
   * Providers ignore it; the simulator makes up member replies only to these, so a person texting in through the
   * simulator is not interrupted by replies they did not write.
   */
  bulk?: boolean;
  /** Absolute URL the provider should post status callbacks to (PUBLIC_URL based, includes `?m=<messageId>`). */
  statusCallbackUrl: string;
  /** Aborts the request (worker shutdown, timeout). */
  signal?: AbortSignal;
};

export type SendResult = {
  /** The provider's id of the message (Twilio SID, Telnyx id, SMPP message_id, simulator id). */
  providerId: string;
  /** Cost in millionths of the account currency, when the provider says at send time. */
  costMicros?: number;
};

/**
 * What the dispatcher does with a failure:
 * - retryable: the provider did not accept the message (connection refused, 5xx before acceptance): send again later;
 * - rate_limited: 429 / throttled: slow the sender down, send again after `retryAfterMs`;
 * - auth: credentials rejected: stop using the account until a person fixes it, keep the message queued;
 * - permanent: the provider refused this message (invalid number, blocked content): final, recorded with `code`;
 * - opted_out: the recipient has opted out at the carrier/provider (Twilio 21610): final, and recorded as an opt-out;
 * - unknown: the request may have been accepted (timeout after sending, connection lost mid-response): never resent
 *   blindly; the message is marked unknown and reconciled by a later status callback.
 */
export type ProviderErrorKind = 'retryable' | 'rate_limited' | 'auth' | 'permanent' | 'opted_out' | 'unknown';

export class ProviderError extends Error {
  override name = 'ProviderError';
  readonly kind: ProviderErrorKind;
  /** The provider's error code (e.g. Twilio "21211", Telnyx "40300", SMPP command_status "0x0000000B"). */
  readonly code: string | null;
  readonly retryAfterMs: number | null;
  constructor(
    kind: ProviderErrorKind,
    message: string,
    options: { code?: string | null; retryAfterMs?: number | null; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.kind = kind;
    this.code = options.code ?? null;
    this.retryAfterMs = options.retryAfterMs ?? null;
  }
}

/** Our view of a provider status: queued/sending at the provider count as sent (accepted). */
export type DeliveryStatus = 'sent' | 'delivered' | 'failed';

export type StatusUpdate = {
  /** The provider's id of the message; null when only our id is known. */
  providerId: string | null;
  /** Our message id when the callback carries it (the `m` query parameter of the callback URL). */
  messageId: number | null;
  status: DeliveryStatus;
  /** The provider's own word for the status (queued, sent, delivered, undelivered, DELIVRD, …), kept in the history. */
  providerStatus: string;
  errorCode: string | null;
  /** True when the error means the recipient opted out at the carrier (Twilio 21610, Telnyx 40300). */
  optedOut: boolean;
  occurredAt: number;
};

export type InboundSms = {
  providerId: string;
  /** E.164 of the member. */
  from: string;
  /** Our sender's address the member texted. */
  to: string;
  body: string;
  mediaUrls: string[];
  receivedAt: number;
};

/** An incoming webhook request, as the route hands it to an adapter. */
export type WebhookRequest = {
  /** The absolute URL the provider called: PUBLIC_URL + path + query (correct behind a reverse proxy). */
  url: string;
  /** Lower-cased header names. */
  headers: Record<string, string | undefined>;
  /** The body exactly as received (signatures are computed over it). */
  rawBody: string;
  /** Form fields (Twilio) or {} for JSON bodies. */
  form: Record<string, string>;
};

/**
 * Where connection-based providers (SMPP, the simulator) deliver what they receive: delivery receipts and inbound
 * texts. The adapter awaits the sink before acknowledging to the provider, so nothing is acknowledged unwritten.
 */
export type ChannelSink = {
  status: (accountId: number, updates: StatusUpdate[]) => Promise<void>;
  inbound: (accountId: number, messages: InboundSms[]) => Promise<void>;
};

export type AdapterContext = {
  /** The channel account's id, passed back to the sink. */
  accountId: number;
  sink: ChannelSink;
  logger: Pick<Logger, 'info' | 'warn' | 'error' | 'debug'>;
  now: () => number;
};

export type SmsAdapter = {
  readonly provider: string;
  send(message: OutboundSms): Promise<SendResult>;
  /** True when the request really comes from the provider (signature over URL/body with the account's secret). */
  verifyWebhook(request: WebhookRequest): boolean;
  /** Status callbacks in the request (empty when it carries none). */
  parseStatus(request: WebhookRequest): StatusUpdate[];
  /** Inbound texts in the request (empty when it carries none). */
  parseInbound(request: WebhookRequest): InboundSms[];
  /** Closes connections (SMPP binds, keep-alive sockets). */
  close(): Promise<void>;
};

// ── The join page's one-time codes ──────────────────────────────────────────

/** The narrow contract the public join page sends its one-time codes through. */
export type SmsMessage = { workspaceId: number; to: string; body: string };

export type SmsSender = {
  /** `simulated`: the text went to the built-in simulator (the page may show the code, as no phone will get it). */
  send(message: SmsMessage): Promise<{ providerId?: string; simulated?: boolean }>;
  /** True only for the built-in simulator, which delivers nowhere; pages may then show what a phone would receive. */
  readonly isSimulator?: boolean;
};

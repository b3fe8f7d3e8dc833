/**
 * The narrow sending contract the SMS engine (next issue) implements for every provider. Until then the public join
 * page sends its one-time codes through it, with the simulator as the default sender.
 */
export type SmsMessage = { workspaceId: number; to: string; body: string };

export type SmsSender = {
  send(message: SmsMessage): Promise<{ providerId: string }>;
  /** True only for the built-in simulator, which delivers nowhere; pages may then show what a phone would receive. */
  readonly isSimulator?: boolean;
};

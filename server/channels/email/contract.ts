import type { AdapterContext, SendResult } from '../sms/contract.ts';

// Email as a second channel: the same dispatcher, the same ProviderError kinds (see ../sms/contract.ts).

export type OutboundEmail = {
  messageId: number;
  /** The sender's address, e.g. "Groundswell Demo <news@example.org>". */
  from: string;
  to: string;
  subject: string;
  text: string;
  /** Sent as List-Unsubscribe so mail clients offer a one-click opt-out. */
  unsubscribeUrl: string | null;
  signal?: AbortSignal;
};

export type EmailAdapter = {
  readonly provider: string;
  send(message: OutboundEmail): Promise<SendResult>;
  close(): Promise<void>;
};

export type { AdapterContext };

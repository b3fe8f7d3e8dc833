import type { Logger } from '../../lib/logger.ts';
import { maskPhone } from '../../lib/phone.ts';
import { randomToken } from '../../lib/tokens.ts';
import type { SmsMessage, SmsSender } from './contract.ts';

export type SimulatedMessage = SmsMessage & { providerId: string; sentAt: number };

export type SimulatorSender = SmsSender & {
  readonly isSimulator: true;
  /** The most recent messages (at most 200), oldest first. */
  messages(): SimulatedMessage[];
};

const KEEP = 200;

/**
 * The built-in SMS provider for `npm start` and tests: it "delivers" into memory (the last 200 messages) and logs only
 * the masked number, never the body (which may hold a one-time code).
 */
export function createSimulatorSender(options: { logger?: Pick<Logger, 'info'>; now?: () => number } = {}): SimulatorSender {
  const sent: SimulatedMessage[] = [];
  const now = options.now ?? Date.now;
  return {
    isSimulator: true,
    async send(message) {
      const providerId = `sim_${randomToken(12)}`;
      sent.push({ ...message, providerId, sentAt: now() });
      if (sent.length > KEEP) sent.splice(0, sent.length - KEEP);
      options.logger?.info({ to: maskPhone(message.to), providerId, workspaceId: message.workspaceId }, 'simulator: SMS delivered');
      return { providerId };
    },
    messages: () => [...sent],
  };
}

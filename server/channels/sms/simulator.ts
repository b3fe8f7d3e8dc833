import { z } from 'zod';
import { loggable } from '../../lib/logger.ts';
import { randomToken } from '../../lib/tokens.ts';
import type { AdapterContext, InboundSms, SmsAdapter, StatusUpdate } from './contract.ts';

// The built-in provider of `npm start`: it delivers nowhere, but behaves like a carrier — a delivery report after a
// realistic delay, some failures with real carrier error codes, and replies from members, among them STOP and
// plain-words opt-outs — so every screen has live data without an account anywhere.
//
// Some members open the message's first link (a real HTTP visit to the short link, counted as a click).
//
// Scripted numbers (the last four digits of the recipient) make demos and tests predictable:
//   …0001 always fails with 30003 (unreachable), …0002 fails with 21610 (recipient opted out at the carrier),
//   …0003 replies STOP, …0004 replies "please stop texting me", …0005 replies "Count me in!".

export const simulatorCredentials = z.object({});

export const simulatorSettings = z.object({
  /** Delay of the delivery report, uniformly between min and max. */
  minDelayMs: z.coerce.number().int().min(0).max(600_000).default(400),
  maxDelayMs: z.coerce.number().int().min(0).max(600_000).default(3_000),
  /** Share of messages that fail with a carrier error. */
  failureRate: z.coerce.number().min(0).max(1).default(0.03),
  /** Share of delivered messages that get a reply (random words), of which some opt out. */
  replyRate: z.coerce.number().min(0).max(1).default(0.05),
  optOutRate: z.coerce.number().min(0).max(1).default(0.01),
  /** Share of delivered messages with a link whose link the member opens (a GET from a phone's browser). */
  clickRate: z.coerce.number().min(0).max(1).default(0.2),
  /** A fixed seed makes the random behaviour repeatable. */
  seed: z.coerce.number().int().optional(),
});
export type SimulatorSettings = z.output<typeof simulatorSettings>;

const PHONE_BROWSER = 'Mozilla/5.0 (Linux; Android 14; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Mobile Safari/537.36';
const CARRIER_ERRORS = ['30003', '30005', '30006', '30007', '30008'] as const;
const REPLIES = ['Thanks!', 'Count me in', 'What time does it start?', '👍', 'Will do', "Can't make it this time", 'Who is this?', 'Yes!'];
const OPT_OUTS = ['STOP', 'Stop', 'stop.', 'please stop texting me', 'UNSUBSCRIBE', 'remove me from this list'];

/** mulberry32: a small seeded generator, so a seeded simulator repeats itself exactly. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

type Plan = { status: StatusUpdate['status']; errorCode: string | null; reply: string | null };

function plan(to: string, bulk: boolean, settings: SimulatorSettings, random: () => number): Plan {
  const script = to.slice(-4);
  if (script === '0001') return { status: 'failed', errorCode: '30003', reply: null };
  if (script === '0002') return { status: 'failed', errorCode: '21610', reply: null };
  if (script === '0003') return { status: 'delivered', errorCode: null, reply: 'STOP' };
  if (script === '0004') return { status: 'delivered', errorCode: null, reply: 'please stop texting me' };
  if (script === '0005') return { status: 'delivered', errorCode: null, reply: 'Count me in!' };
  if (random() < settings.failureRate) {
    return { status: 'failed', errorCode: CARRIER_ERRORS[Math.floor(random() * CARRIER_ERRORS.length)] ?? '30003', reply: null };
  }
  let reply: string | null = null;
  // Made-up replies answer texts sent to many; an answer inside a conversation is left to the person texting in.
  if (!bulk) return { status: 'delivered', errorCode: null, reply };
  if (random() < settings.optOutRate) reply = OPT_OUTS[Math.floor(random() * OPT_OUTS.length)] ?? 'STOP';
  else if (random() < settings.replyRate) reply = REPLIES[Math.floor(random() * REPLIES.length)] ?? 'Thanks!';
  return { status: 'delivered', errorCode: null, reply };
}

export function createSimulatorAdapter(options: { settings: Record<string, unknown> }, context: AdapterContext): SmsAdapter {
  const settings = simulatorSettings.parse(options.settings ?? {});
  const random = settings.seed === undefined ? Math.random : seeded(settings.seed);
  const timers = new Set<NodeJS.Timeout>();
  let closed = false;

  // Like a carrier whose webhook got no answer, an event that could not be recorded is delivered again later.
  const later = (ms: number, run: () => Promise<void>, tries = 5) => {
    if (closed) return;
    const timer = setTimeout(() => {
      timers.delete(timer);
      run().catch((error: unknown) => {
        if (tries > 1) later(1_000, run, tries - 1);
        else context.logger.warn({ err: loggable(error) }, 'simulator: could not record an event');
      });
    }, ms);
    timer.unref();
    timers.add(timer);
  };
  const delay = () => settings.minDelayMs + Math.floor(random() * Math.max(0, settings.maxDelayMs - settings.minDelayMs));

  return {
    provider: 'simulator',
    async send(message) {
      const providerId = `SIM${randomToken(12)}`;
      const outcome = plan(message.to, message.bulk ?? false, settings, random);
      const at = delay();
      later(at, async () => {
        await context.sink.status(context.accountId, [
          {
            providerId,
            messageId: message.messageId,
            status: outcome.status,
            providerStatus: outcome.status === 'failed' ? 'undelivered' : 'delivered',
            errorCode: outcome.errorCode,
            optedOut: outcome.errorCode === '21610',
            occurredAt: context.now(),
          },
        ]);
      });
      const link = outcome.status === 'delivered' ? /https?:\/\/[^\s]+/.exec(message.body)?.[0] : undefined;
      if (link && random() < settings.clickRate) {
        later(
          at + delay() + 200,
          async () => {
            // The member's phone opens the short link; only the visit matters, not the page.
            await fetch(link, { redirect: 'manual', headers: { 'user-agent': PHONE_BROWSER }, signal: AbortSignal.timeout(5_000) })
              .then((response) => response.body?.cancel())
              .catch(() => undefined);
          },
          1,
        );
      }
      if (outcome.reply !== null) {
        const reply: InboundSms = {
          providerId: `SIMIN${randomToken(12)}`,
          from: message.to,
          to: message.from,
          body: outcome.reply,
          mediaUrls: [],
          receivedAt: 0,
        };
        later(at + delay() + 500, async () => {
          await context.sink.inbound(context.accountId, [{ ...reply, receivedAt: context.now() }]);
        });
      }
      return { providerId };
    },
    verifyWebhook: () => false,
    parseStatus: () => [],
    parseInbound: () => [],
    async close() {
      closed = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
    },
  };
}

import { analyzeSms } from '../common/sms-encoding.ts';
import type { Db } from '../server/db/database.ts';
import { PRIORITY } from '../server/jobs/define.ts';
import { systemClock } from '../server/lib/clock.ts';
import { createLogger } from '../server/lib/logger.ts';
import { insertRows } from '../server/modules/imports/bulk.ts';
import { insertBroadcast } from '../server/modules/messaging/broadcasts.repo.ts';
import { insertAccount } from '../server/modules/messaging/channels.repo.ts';
import { createMessagingRuntime } from '../server/modules/messaging/runtime.ts';
import { type FakeTwilio, startFakeTwilio } from '../test/fakes/twilio.ts';
import { createBenchDatabase } from './database.ts';
import { createBenchWorkspace, insertConsentingMembers } from './fanout.ts';
import type { BenchContext, Benchmark } from './report.ts';

// `dispatch`: one dispatcher (server/modules/messaging/dispatcher.ts, built by createMessagingRuntime) sending the
// outbox to the Twilio fake (test/fakes/twilio.ts, 50 ms per answer) over HTTP on 127.0.0.1.
//
// - dispatch.sends_per_s: --sends queued messages of consenting members through a sender allowed 5,000 segments/s,
//   from start() until the fake has accepted them all and the dispatcher has recorded every outcome (stop()). Each
//   send is claimed under the sender's token bucket, screened again for consent, posted by the Twilio adapter and
//   written back in a batch. Limit: the same requests posted to the fake with plain fetch, as many in flight as the
//   dispatcher allows (its default, 200): the most the fake and the HTTP client allow.
// - dispatch.throttled_sender: a sender configured for 300 segments/s with a backlog it cannot drain (a third of the
//   messages are two segments), for 2 × --duration seconds (at least 5). Value: segments/s the fake received in that
//   window; limit: the configured rate, so the ratio is achieved ÷ configured (target ≤ 1.05). Extra: the most
//   segments in any 1-second window ÷ the rate, over the whole run and from the second second on (the token bucket
//   allows a burst of a quarter second at the start).
//
// The fake runs in this process: its share of the CPU is in both figures.

export const DEFAULT_SENDS = 20_000;

const APP_SECRET = 'bench-secret-bench-secret-bench-secret-0123456789';
const PUBLIC_URL = 'https://act.example.org';
const LATENCY_MS = 50;
const IN_FLIGHT = 200;
const FAST_RATE = 5_000;
const THROTTLED_RATE = 300;
const WARM_UP = 1_000;

const ONE_SEGMENT = 'Clean water rally Saturday 10am at City Hall. RSVP: https://act.example.org/l/Ab3dE9xQ Reply STOP to opt out';
const TWO_SEGMENTS = `${ONE_SEGMENT}. Bring a friend, a sign and water for the march; we walk to the Capitol at 11 and the speakers start at noon.`;

/** --sends (main.ts), else the default. */
function sendsOf(context: BenchContext): number {
  return context.sends ?? DEFAULT_SENDS;
}

/** A Twilio channel account (credentials sealed as the channels service seals them), pointed at `baseUrl`. */
export async function createTwilioAccount(
  db: Db,
  input: { workspaceId: number; appSecret: string; baseUrl: string; accountSid: string; authToken: string; now: number },
): Promise<{ accountId: number; webhookKey: string }> {
  const accountId = await insertAccount(db, {
    workspaceId: input.workspaceId,
    provider: 'twilio',
    name: 'Twilio',
    baseUrl: input.baseUrl,
    credentials: { accountSid: input.accountSid, authToken: input.authToken },
    settings: {},
    appSecret: input.appSecret,
    now: input.now,
  });
  const { webhook_key: webhookKey } = await db
    .selectFrom('channel_accounts')
    .select('webhook_key')
    .where('id', '=', accountId)
    .executeTakeFirstOrThrow();
  return { accountId, webhookKey };
}

export async function createSender(
  db: Db,
  input: { workspaceId: number; accountId: number; address: string; throughput: number; now: number },
): Promise<{ id: number; address: string }> {
  const row = await db
    .insertInto('senders')
    .values({
      workspace_id: input.workspaceId,
      channel_account_id: input.accountId,
      channel: 'sms',
      kind: 'long_code',
      address: input.address,
      label: `Long code ${input.address}`,
      throughput: input.throughput,
      supports_mms: 1,
      is_default: 0,
      price_micros: 7_900,
      mms_price_micros: 0,
      paused_until: null,
      archived_at: null,
      created_at: input.now,
      updated_at: input.now,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { id: Number(row.id), address: input.address };
}

/** A broadcast in 'sending' state with `count` messages queued through `sender`, as the expansion leaves them. */
async function queueBroadcast(
  db: Db,
  input: { workspaceId: number; sender: { id: number; address: string }; members: { id: number; phone: string }[]; name: string },
): Promise<number> {
  const now = Date.now();
  const broadcast = await insertBroadcast(db, {
    workspace_id: input.workspaceId,
    name: input.name,
    channel: 'sms',
    status: 'sending',
    audience: JSON.stringify({ communityIds: [], tags: [] }),
    sender_id: input.sender.id,
    templates: JSON.stringify({ en: ONE_SEGMENT }),
    default_language: 'en',
    schedule_kind: 'now',
    created_at: now,
    updated_at: now,
    launched_at: now,
  });
  const rows = input.members.map((member, i) => {
    const body = i % 3 === 2 ? TWO_SEGMENTS : ONE_SEGMENT;
    const analysis = analyzeSms(body);
    return [
      input.workspaceId,
      'out',
      'sms',
      'broadcast',
      member.id,
      broadcast.id,
      input.sender.id,
      member.phone,
      input.sender.address,
      null,
      body,
      null,
      Math.max(1, analysis.segments),
      analysis.encoding,
      PRIORITY.bulk,
      'queued',
      now,
      null,
      now,
      now,
    ];
  });
  await db.transaction().execute(async (trx) => {
    for (let i = 0; i < rows.length; i += 10_000) {
      await insertRows(
        trx,
        'messages',
        [
          'workspace_id',
          'direction',
          'channel',
          'kind',
          'member_id',
          'broadcast_id',
          'sender_id',
          'to_address',
          'from_address',
          'subject',
          'body',
          'media_urls',
          'segments',
          'encoding',
          'priority',
          'state',
          'send_at',
          'expires_at',
          'created_at',
          'updated_at',
        ],
        rows.slice(i, i + 10_000),
      );
    }
    await trx
      .insertInto('broadcast_stats')
      .values({ broadcast_id: broadcast.id, workspace_id: input.workspaceId, key: 'queued', value: rows.length })
      .execute();
  });
  return broadcast.id;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until `done()`; throws when nothing moved for 30 s. */
async function waitFor(done: () => boolean, progress: () => number, what: string): Promise<void> {
  let last = progress();
  let movedAt = performance.now();
  while (!done()) {
    await sleep(5);
    const now = progress();
    if (now !== last) {
      last = now;
      movedAt = performance.now();
    } else if (performance.now() - movedAt > 30_000) {
      throw new Error(`dispatch: ${what} stalled at ${now}`);
    }
  }
}

/** The limit: the same sends posted to the fake with fetch, `concurrency` in flight. Returns seconds. */
async function rawFetchSeconds(
  fake: FakeTwilio,
  input: { members: { phone: string }[]; from: string; webhookKey: string; concurrency: number },
): Promise<number> {
  const { members, concurrency } = input;
  const url = `${fake.url}/2010-04-01/Accounts/${fake.accountSid}/Messages.json`;
  const headers = {
    authorization: `Basic ${Buffer.from(`${fake.accountSid}:${fake.authToken}`).toString('base64')}`,
    'content-type': 'application/x-www-form-urlencoded',
    accept: 'application/json',
  };
  let next = 0;
  const worker = async () => {
    while (next < members.length) {
      const i = next++;
      const form = new URLSearchParams({
        To: (members[i] as { phone: string }).phone,
        From: input.from,
        Body: i % 3 === 2 ? TWO_SEGMENTS : ONE_SEGMENT,
        StatusCallback: `${PUBLIC_URL}/webhooks/sms/${input.webhookKey}?m=${i + 1}`,
      });
      const response = await fetch(url, { method: 'POST', headers, body: form.toString() });
      const text = await response.text();
      if (response.status !== 201) throw new Error(`dispatch: the fake answered ${response.status}: ${text}`);
    }
  };
  const start = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  return (performance.now() - start) / 1000;
}

/** Segments in the busiest 1-second window of `arrivals` (sorted by time) that starts at or after `from`. */
function busiestSecond(arrivals: { at: number; segments: number }[], from: number): number {
  let best = 0;
  let end = 0;
  let sum = 0;
  for (let start = 0; start < arrivals.length; start++) {
    const first = arrivals[start] as { at: number; segments: number };
    while (end < arrivals.length && (arrivals[end] as { at: number }).at < first.at + 1_000) {
      sum += (arrivals[end] as { segments: number }).segments;
      end++;
    }
    if (first.at >= from) best = Math.max(best, sum);
    sum -= first.segments;
  }
  return best;
}

async function run(context: BenchContext): Promise<void> {
  const { dialect, seed } = context;
  const sends = sendsOf(context);
  const throttledS = Math.max(5, 2 * context.durationS);
  const throttledCount = Math.ceil(THROTTLED_RATE * throttledS * 1.5) + 100;
  const database = await createBenchDatabase(dialect, context.databaseUrl);
  const fake = await startFakeTwilio({ latencyMs: LATENCY_MS, keep: 2 * WARM_UP + 2 * sends + throttledCount + 1_000 });
  const logger = createLogger({ level: 'silent' });
  const runtime = createMessagingRuntime({ db: database.db, clock: systemClock, logger, appSecret: APP_SECRET, publicUrl: PUBLIC_URL });
  try {
    const { db } = database;
    const now = Date.now();
    const workspaceId = await createBenchWorkspace(db, now);
    const { accountId, webhookKey } = await createTwilioAccount(db, {
      workspaceId,
      appSecret: APP_SECRET,
      baseUrl: fake.url,
      accountSid: fake.accountSid,
      authToken: fake.authToken,
      now,
    });
    const memberCount = Math.max(sends, throttledCount, WARM_UP);
    context.log(`dispatch (${dialect}): ${memberCount.toLocaleString('en-US')} members with SMS consent`);
    await insertConsentingMembers(db, { workspaceId, count: memberCount, seed, now });
    const members = (
      await db.selectFrom('members').select(['id', 'phone']).where('workspace_id', '=', workspaceId).orderBy('id').execute()
    ).map((m) => ({ id: Number(m.id), phone: m.phone ?? '' }));

    // Unthrottled: the dispatcher's own pace.
    const fast = await createSender(db, { workspaceId, accountId, address: '+12025550101', throughput: FAST_RATE, now });
    const timeSends = async (count: number, name: string) => {
      const broadcastId = await queueBroadcast(db, { workspaceId, sender: fast, members: members.slice(0, count), name });
      const target = fake.stats.accepted + count;
      const dispatcher = runtime.createDispatcher({ maxInFlight: IN_FLIGHT });
      const start = performance.now();
      dispatcher.start();
      try {
        await waitFor(
          () => fake.stats.accepted >= target,
          () => fake.stats.accepted,
          'sending',
        );
      } finally {
        await dispatcher.stop();
      }
      const seconds = (performance.now() - start) / 1000;
      const sent = await db
        .selectFrom('messages')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('broadcast_id', '=', broadcastId)
        .where('state', '=', 'sent')
        .executeTakeFirstOrThrow();
      if (Number(sent.n) !== count) throw new Error(`dispatch: ${sent.n} of ${count} messages recorded as sent`);
      return seconds;
    };
    context.log(
      `dispatch (${dialect}): warming up, then ${sends.toLocaleString('en-US')} sends, ${IN_FLIGHT} in flight, ${LATENCY_MS} ms per answer`,
    );
    await timeSends(WARM_UP, 'Warm-up');
    const raw = (count: number) =>
      rawFetchSeconds(fake, { members: members.slice(0, count), from: fast.address, webhookKey, concurrency: IN_FLIGHT });
    await raw(WARM_UP);
    const dispatchS = await timeSends(sends, 'Rally reminder');
    context.log(`dispatch (${dialect}): the same sends with plain fetch (the limit)`);
    const rawS = await raw(sends);

    // Throttled: a backlog the sender's rate cannot drain in the window.
    context.log(`dispatch (${dialect}): a sender limited to ${THROTTLED_RATE} segments/s, for ${throttledS} s`);
    const slow = await createSender(db, { workspaceId, accountId, address: '+12025550102', throughput: THROTTLED_RATE, now: Date.now() });
    await queueBroadcast(db, { workspaceId, sender: slow, members: members.slice(0, throttledCount), name: 'Throttled' });
    const dispatcher = runtime.createDispatcher({ maxInFlight: IN_FLIGHT });
    const windowStart = Date.now();
    dispatcher.start();
    await sleep(throttledS * 1_000);
    const windowEnd = Date.now();
    await dispatcher.stop();
    const arrivals = fake.messages
      .filter((m) => m.from === slow.address && m.receivedAt >= windowStart && m.receivedAt < windowEnd)
      .map((m) => ({ at: m.receivedAt, segments: Math.max(1, analyzeSms(m.body).segments) }))
      .sort((a, b) => a.at - b.at);
    const segments = arrivals.reduce((sum, a) => sum + a.segments, 0);
    const achieved = segments / ((windowEnd - windowStart) / 1_000);

    context.emit({
      name: 'dispatch.sends_per_s',
      value: sends / dispatchS,
      unit: 'sends/s',
      target: 1_000,
      limit: sends / rawS,
      extra: { sends, in_flight: IN_FLIGHT, provider_latency_ms: LATENCY_MS, seconds: Math.round(dispatchS * 100) / 100 },
    });
    context.emit({
      name: 'dispatch.raw_fetch',
      value: sends / rawS,
      unit: 'sends/s',
      target: null,
      limit: sends / rawS,
      extra: { sends, in_flight: IN_FLIGHT, provider_latency_ms: LATENCY_MS },
    });
    const round3 = (n: number) => Math.round(n * 1_000) / 1_000;
    context.emit({
      name: 'dispatch.throttled_sender',
      value: achieved,
      unit: 'segments/s',
      target: THROTTLED_RATE * 1.05,
      limit: THROTTLED_RATE,
      extra: {
        configured_rate: THROTTLED_RATE,
        max_over_rate: round3(achieved / THROTTLED_RATE),
        max_1s_over_rate: round3(busiestSecond(arrivals, windowStart) / THROTTLED_RATE),
        steady_1s_over_rate: round3(busiestSecond(arrivals, windowStart + 1_000) / THROTTLED_RATE),
        messages: arrivals.length,
        segments,
        seconds: Math.round((windowEnd - windowStart) / 10) / 100,
      },
    });
  } finally {
    await runtime.close();
    await fake.close();
    await database.destroy();
  }
}

export const dispatchBenchmark: Benchmark = {
  describe: 'sends/s from one dispatcher to the Twilio fake vs plain fetch; a throttled sender’s achieved ÷ configured rate',
  run,
};

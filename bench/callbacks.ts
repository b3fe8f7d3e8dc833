import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import Fastify, { type FastifyInstance } from 'fastify';
import pino from 'pino';
import { buildApp } from '../server/app.ts';
import { loadConfig } from '../server/config.ts';
import type { Db } from '../server/db/database.ts';
import { PRIORITY } from '../server/jobs/define.ts';
import { randomToken } from '../server/lib/tokens.ts';
import { insertRows } from '../server/modules/imports/bulk.ts';
import { insertBroadcast } from '../server/modules/messaging/broadcasts.repo.ts';
import { twilioSignature } from '../test/fakes/twilio.ts';
import { createBenchDatabase } from './database.ts';
import { createSender, createTwilioAccount } from './dispatch.ts';
import { createBenchWorkspace } from './fanout.ts';
import type { BenchContext, Benchmark } from './report.ts';

// `callbacks`: Twilio status callbacks (MessageStatus=delivered) posted to the real app, against a bare Fastify route.
//
// - callbacks.status_callbacks: POST /webhooks/sms/<account key>?m=<message id> on buildApp over a fresh database,
//   each with a valid X-Twilio-Signature, one request per sent message of a broadcast still sending: the account
//   lookup, the signature check, the group-committed status write (message, history event, report counters) and the
//   broadcast check after each commit, acknowledged only once durable. Afterwards every message whose callback was
//   answered 200 must be 'delivered': `lost` counts those that are not.
// - callbacks.bare_route (the limit): a Fastify app with no plugins and logging off, one route taking the same
//   form body and answering the same empty TwiML.
//
// The requests are built and signed before the run; autocannon fires them from a worker thread (this file starts
// it), each request taking the next message in turn. Same connections and duration for both, bare route first, after
// a warm-up of each.

const PUBLIC_URL = 'https://act.example.org';
const TWIML_EMPTY = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>';
/** Messages prepared per second of load: more than the app answers, so no message is reported twice. */
const POOL_PER_SECOND = 20_000;

type LoadJob = { url: string; connections: number; durationS: number; record: boolean };
type LoadResult = {
  duration: number;
  ok: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  p50: number;
  p99: number;
  /** Messages of the pool taken by this run (app runs only). */
  used: number;
};

// The load generator, run in a worker thread (CommonJS, evaluated): it holds the pre-built requests and marks which
// messages were answered 200. App runs walk the pool in order; bare runs walk it with their own counter.
const LOAD_SCRIPT = `
const { parentPort, workerData } = require('node:worker_threads');
const autocannon = require(workerData.autocannon);
const { paths, signatures, bodies } = workerData;
const n = paths.length;
const answered = new Uint8Array(n);
let next = 0;
let bareNext = 0;
parentPort.on('message', (job) => {
  if (job.cmd === 'answered') return parentPort.postMessage({ answered });
  const before = next;
  autocannon({
    url: job.url,
    connections: job.connections,
    duration: job.durationS,
    requests: [{
      method: 'POST',
      setupRequest: (request, context) => {
        const i = job.record ? next++ % n : bareNext++ % n;
        context.i = i;
        return {
          ...request,
          method: 'POST',
          path: paths[i],
          headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signatures[i] },
          body: bodies[i],
        };
      },
      onResponse: (status, _body, context) => {
        if (job.record && status === 200 && typeof context.i === 'number') answered[context.i] = 1;
      },
    }],
  }, (error, raw) => {
    if (error) return parentPort.postMessage({ error: String(error) });
    // Off the main thread autocannon leaves its histograms encoded.
    const r = raw.latency ? raw : autocannon.aggregateResult([raw], { url: job.url, connections: job.connections, duration: job.durationS });
    parentPort.postMessage({ result: {
      duration: r.duration, ok: r['2xx'], non2xx: r.non2xx, errors: r.errors, timeouts: r.timeouts,
      p50: r.latency.p50, p99: r.latency.p99, used: next - before,
    } });
  });
});
`;

function startLoadWorker(requests: { paths: string[]; signatures: string[]; bodies: string[] }) {
  const worker = new Worker(LOAD_SCRIPT, {
    eval: true,
    workerData: { autocannon: createRequire(import.meta.url).resolve('autocannon'), ...requests },
  });
  const ask = async (message: LoadJob | { cmd: 'answered' }) => {
    worker.postMessage(message);
    const [answer] = (await once(worker, 'message')) as [{ error?: string; result?: LoadResult; answered?: Uint8Array }];
    if (answer.error) throw new Error(`callbacks: the load generator failed: ${answer.error}`);
    return answer;
  };
  return {
    async load(job: LoadJob): Promise<LoadResult> {
      const { result } = await ask(job);
      if (!result) throw new Error('callbacks: the load generator sent no result');
      return result;
    },
    async answered(): Promise<Uint8Array> {
      const { answered } = await ask({ cmd: 'answered' });
      if (!answered) throw new Error('callbacks: the load generator sent no answers');
      return answered;
    },
    close: () => worker.terminate(),
  };
}

async function listen(app: FastifyInstance): Promise<string> {
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (!address || typeof address === 'string') throw new Error('server has no TCP address');
  return `http://127.0.0.1:${address.port}`;
}

/** `count` messages of a broadcast still sending, accepted by Twilio (state 'sent', a message SID each). */
async function sentMessages(db: Db, input: { workspaceId: number; senderId: number; from: string; count: number }) {
  const now = Date.now();
  const broadcast = await insertBroadcast(db, {
    workspace_id: input.workspaceId,
    name: 'Rally reminder',
    channel: 'sms',
    status: 'sending',
    audience: JSON.stringify({ communityIds: [], tags: [] }),
    sender_id: input.senderId,
    templates: JSON.stringify({ en: 'Rally Saturday at 10. Reply STOP to opt out' }),
    default_language: 'en',
    schedule_kind: 'now',
    created_at: now,
    updated_at: now,
    launched_at: now,
  });
  const columns = [
    'workspace_id',
    'direction',
    'channel',
    'kind',
    'member_id',
    'broadcast_id',
    'sender_id',
    'to_address',
    'from_address',
    'body',
    'segments',
    'encoding',
    'priority',
    'state',
    'send_at',
    'attempts',
    'provider',
    'provider_id',
    'cost_micros',
    'created_at',
    'updated_at',
    'sent_at',
  ];
  const sidPrefix = randomToken(12).replace(/[^a-zA-Z0-9]/g, '0');
  const out: { id: number; sid: string; to: string }[] = [];
  for (let start = 0; start < input.count; start += 10_000) {
    const rows: unknown[][] = [];
    for (let i = start; i < Math.min(input.count, start + 10_000); i++) {
      const sid = `SM${sidPrefix}${i.toString(16).padStart(16, '0')}`;
      // 555-0100 to 555-0199: reserved for fiction.
      const to = `+1202555${String(100 + (i % 100)).padStart(4, '0')}`;
      rows.push([
        input.workspaceId,
        'out',
        'sms',
        'broadcast',
        null,
        broadcast.id,
        input.senderId,
        to,
        input.from,
        'Rally Saturday at 10. Reply STOP to opt out',
        1,
        'gsm7',
        PRIORITY.bulk,
        'sent',
        now,
        1,
        'twilio',
        sid,
        7_900,
        now,
        now,
        now,
      ]);
    }
    const ids = await db
      .transaction()
      .execute((trx) => insertRows<{ id: number; provider_id: string }>(trx, 'messages', columns, rows, 'returning id, provider_id'));
    const toOf = new Map(rows.map((row) => [row[17] as string, row[7] as string]));
    for (const row of ids) out.push({ id: Number(row.id), sid: row.provider_id, to: toOf.get(row.provider_id) ?? '' });
  }
  // Half of the broadcast is still to be sent: every commit runs the broadcast's health check.
  const stats = { queued: 2 * input.count, sent: input.count, finished: input.count };
  await db
    .insertInto('broadcast_stats')
    .values(Object.entries(stats).map(([key, value]) => ({ broadcast_id: broadcast.id, workspace_id: input.workspaceId, key, value })))
    .execute();
  return { broadcastId: broadcast.id, messages: out };
}

async function run(context: BenchContext): Promise<void> {
  const { dialect } = context;
  const warmUpS = Math.max(1, Math.min(2, Math.round(context.durationS / 3)));
  const poolSize = Math.ceil(POOL_PER_SECOND * (warmUpS + context.durationS));
  const database = await createBenchDatabase(dialect, context.databaseUrl);
  let app: FastifyInstance | undefined;
  let bare: FastifyInstance | undefined;
  let loader: ReturnType<typeof startLoadWorker> | undefined;
  try {
    const { db } = database;
    const appSecret = randomToken(48);
    const config = loadConfig({ LOG_LEVEL: 'silent', WEB_DIST: 'web/dist', PUBLIC_URL });
    const now = Date.now();
    const workspaceId = await createBenchWorkspace(db, now);
    const accountSid = `AC${randomBytes(16).toString('hex')}`;
    const authToken = randomBytes(16).toString('hex');
    const { accountId, webhookKey } = await createTwilioAccount(db, {
      workspaceId,
      appSecret,
      baseUrl: 'http://127.0.0.1:9',
      accountSid,
      authToken,
      now,
    });
    const sender = await createSender(db, { workspaceId, accountId, address: '+12025550101', throughput: 100, now });
    context.log(`callbacks (${dialect}): ${poolSize.toLocaleString('en-US')} sent messages, requests signed in advance`);
    const { broadcastId, messages } = await sentMessages(db, { workspaceId, senderId: sender.id, from: sender.address, count: poolSize });

    const paths: string[] = [];
    const signatures: string[] = [];
    const bodies: string[] = [];
    for (const message of messages) {
      const path = `/webhooks/sms/${webhookKey}?m=${message.id}`;
      const params: Record<string, string> = {
        AccountSid: accountSid,
        ApiVersion: '2010-04-01',
        From: sender.address,
        MessageSid: message.sid,
        MessageStatus: 'delivered',
        SmsSid: message.sid,
        SmsStatus: 'delivered',
        To: message.to,
      };
      paths.push(path);
      signatures.push(twilioSignature(authToken, `${PUBLIC_URL}${path}`, params));
      bodies.push(new URLSearchParams(params).toString());
    }

    // Routes may raise their own log level (the webhook route logs warnings): to stderr, stdout is for results.
    app = await buildApp({ config, database, appSecret, logger: pino({ level: 'silent' }, process.stderr) });
    const appUrl = await listen(app);
    bare = Fastify({ logger: false });
    bare.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => done(null, body));
    bare.post('/webhooks/sms/:key', async (_request, reply) => reply.type('text/xml').send(TWIML_EMPTY));
    const bareUrl = await listen(bare);

    loader = startLoadWorker({ paths, signatures, bodies });
    const job = (url: string, durationS: number, record: boolean): LoadJob => ({
      url,
      connections: context.connections,
      durationS,
      record,
    });
    context.log(
      `callbacks (${dialect}): warming up ${warmUpS} s per route, then ${context.durationS} s per route at ${context.connections} connections`,
    );
    await loader.load(job(bareUrl, warmUpS, false));
    const warm = await loader.load(job(appUrl, warmUpS, true));
    const bareResult = await loader.load(job(bareUrl, context.durationS, false));
    const appResult = await loader.load(job(appUrl, context.durationS, true));

    // Requests the load generator gave up on at the end may still be writing: wait until the count settles.
    const deliveredIds = async () =>
      (await db.selectFrom('messages').select('id').where('broadcast_id', '=', broadcastId).where('state', '=', 'delivered').execute()).map(
        (row) => Number(row.id),
      );
    let ids = await deliveredIds();
    for (let settled = 0; settled < 2; ) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      const again = await deliveredIds();
      settled = again.length === ids.length ? settled + 1 : 0;
      ids = again;
    }
    // None lost: every message whose callback was answered 200 is delivered.
    const answered = await loader.answered();
    const delivered = new Set(ids);
    let acknowledged = 0;
    let lost = 0;
    answered.forEach((flag, i) => {
      if (flag !== 1) return;
      acknowledged++;
      if (!delivered.has((messages[i] as { id: number }).id)) lost++;
    });
    const repeated = Math.max(0, warm.used + appResult.used - poolSize);
    if (lost > 0) context.log(`callbacks (${dialect}): ${lost} callbacks answered 200 but their message is not delivered`);
    if (repeated > 0) context.log(`callbacks (${dialect}): ${repeated} callbacks repeated an earlier message (the pool ran out)`);

    const failed = (r: LoadResult) => r.non2xx + r.errors + r.timeouts;
    for (const [name, r] of [
      ['bare', bareResult],
      ['app', appResult],
    ] as const) {
      if (failed(r) > 0) context.log(`callbacks (${dialect}): ${failed(r)} ${name} requests failed or were not 2xx`);
    }
    const bareRate = bareResult.ok / bareResult.duration;
    context.emit({
      name: 'callbacks.status_callbacks',
      value: appResult.ok / appResult.duration,
      unit: 'req/s',
      target: 10_000,
      limit: bareRate,
      extra: {
        p50_ms: appResult.p50,
        p99_ms: appResult.p99,
        connections: context.connections,
        limit_p99_ms: bareResult.p99,
        acknowledged,
        delivered: delivered.size,
        lost,
        ...(repeated > 0 ? { repeated } : {}),
        ...(failed(appResult) > 0 ? { failed: failed(appResult) } : {}),
      },
    });
    context.emit({
      name: 'callbacks.bare_route',
      value: bareRate,
      unit: 'req/s',
      target: null,
      limit: bareRate,
      extra: {
        p50_ms: bareResult.p50,
        p99_ms: bareResult.p99,
        connections: context.connections,
        ...(failed(bareResult) > 0 ? { failed: failed(bareResult) } : {}),
      },
    });
  } finally {
    await loader?.close();
    await bare?.close();
    await app?.close();
    await database.destroy();
  }
}

export const callbacksBenchmark: Benchmark = {
  describe: 'signed Twilio status callbacks on the real app vs a bare Fastify route (req/s, p99, none lost)',
  run,
};

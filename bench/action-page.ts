import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../server/app.ts';
import { loadConfig } from '../server/config.ts';
import { seedDemoIfEmpty } from '../server/db/seed.ts';
import { systemClock } from '../server/lib/clock.ts';
import { createLogger } from '../server/lib/logger.ts';
import { normalizePhone } from '../server/lib/phone.ts';
import { randomToken } from '../server/lib/tokens.ts';
import { createBenchDatabase } from './database.ts';
import type { BenchContext, Benchmark } from './report.ts';

// `action-page`: a petition's public page on the real app, against a static file served by the same server.
//
// - action_page.get: GET /p/<workspace>/petition/<slug> (the petition, its count, the public signer list, the form).
// - action_page.sign: POST of the form, each request a new signer (its own mobile number, spread over many number
//   prefixes, and its own client address through X-Forwarded-For, so the per-address and per-prefix limits against
//   abuse stay armed but are not what is measured): the member created, the signature, the activity, the counter,
//   the community membership, all in one committed transaction (durable: WAL on SQLite, a commit on PostgreSQL).
// - action_page.static_file (the limit of both): GET of an HTML file of the same size from the dashboard's static
//   folder, through the same server (helmet, request ids, metrics).
//
// autocannon runs in a worker thread; same connections and duration for each, static file first, after a warm-up.

const AREA_CODES = ['206', '212', '213', '303', '305', '312', '404', '415', '512', '617', '702', '718', '720', '737', '773'];
/** Sign-ups prepared per second of load: more than the app can take, so every POST is a new signer. */
const POOL_PER_SECOND = 8_000;

type LoadJob = { url: string; connections: number; durationS: number; post: boolean };
type LoadResult = { duration: number; ok: number; non2xx: number; errors: number; timeouts: number; p50: number; p99: number };

// The load generator (CommonJS, evaluated in a worker thread): GETs, or POSTs taking the next prepared signer.
const LOAD_SCRIPT = `
const { parentPort, workerData } = require('node:worker_threads');
const autocannon = require(workerData.autocannon);
const { bodies, ips } = workerData;
let next = 0;
parentPort.on('message', (job) => {
  const requests = job.post ? [{
    method: 'POST',
    setupRequest: (request) => {
      const i = next++ % bodies.length;
      return { ...request, method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': ips[i], 'user-agent': 'bench' }, body: bodies[i] };
    },
  }] : undefined;
  autocannon({ url: job.url, connections: job.connections, duration: job.durationS, ...(requests ? { requests } : {}) }, (error, raw) => {
    if (error) return parentPort.postMessage({ error: String(error) });
    const r = raw.latency ? raw : autocannon.aggregateResult([raw], { url: job.url, connections: job.connections, duration: job.durationS });
    parentPort.postMessage({ result: { duration: r.duration, ok: r['2xx'], non2xx: r.non2xx, errors: r.errors, timeouts: r.timeouts, p50: r.latency.p50, p99: r.latency.p99 } });
  });
});
`;

/** `count` distinct valid US mobile-or-fixed numbers, at most 50 per 7-digit prefix (below the per-prefix limit). */
function phoneNumbers(count: number): string[] {
  const out: string[] = [];
  for (let i = 0; out.length < count; i++) {
    const area = AREA_CODES[Math.floor(i / 40_000) % AREA_CODES.length] ?? '512';
    const exchange = 200 + (Math.floor(i / 50) % 800);
    if (exchange % 100 === 11 || exchange === 555) continue;
    const number = `${area}${exchange}${String(i % 50).padStart(4, '0')}`;
    const parsed = normalizePhone(number, 'US');
    if (parsed.ok && parsed.type !== 'landline') out.push(number);
    if (i > count * 20) throw new Error('action-page: could not generate enough valid phone numbers');
  }
  return out;
}

async function listen(app: FastifyInstance): Promise<string> {
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (!address || typeof address === 'string') throw new Error('server has no TCP address');
  return `http://127.0.0.1:${address.port}`;
}

async function run(context: BenchContext): Promise<void> {
  const database = await createBenchDatabase(context.dialect, context.databaseUrl);
  const webDist = mkdtempSync(join(tmpdir(), 'groundswell-bench-web-'));
  let app: FastifyInstance | undefined;
  let worker: Worker | undefined;
  try {
    writeFileSync(join(webDist, 'index.html'), '<!doctype html><title>Groundswell</title>');
    // @fastify/static (wildcard off) serves the files present when the app is built: the page's copy is written later.
    writeFileSync(join(webDist, 'static-page.html'), '');
    const config = loadConfig({ LOG_LEVEL: 'silent', API_RATE_LIMIT_PER_MINUTE: '1000000000', WEB_DIST: webDist, TRUST_PROXY: 'true' });
    const seeded = await seedDemoIfEmpty(database.db, systemClock, config);
    const workspaceId = seeded.workspaceId;
    if (workspaceId === null) throw new Error('the demo workspace was not seeded on a fresh database');
    app = await buildApp({ config, database, appSecret: randomToken(48), logger: createLogger({ level: 'silent' }) });
    const appUrl = await listen(app);

    // A petition as an organizer makes one: sign in, create with a community and a goal, publish.
    const login = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: config.demoEmail, password: config.demoPassword },
    });
    const session = login.cookies.find((cookie) => cookie.name === 'gs_session');
    if (login.statusCode !== 200 || !session) throw new Error(`sign-in failed: ${login.statusCode} ${login.body}`);
    const headers = { cookie: `gs_session=${session.value}`, 'x-csrf-token': (login.json() as { csrfToken: string }).csrfToken };
    const api = async (url: string, payload?: object) => {
      const response = await app?.inject({
        method: 'POST',
        url: `/api/workspaces/${workspaceId}${url}`,
        headers,
        ...(payload ? { payload } : {}),
      });
      if (!response || response.statusCode >= 300) throw new Error(`POST ${url} failed: ${response?.statusCode} ${response?.body}`);
      return response.json() as { id: number; url: string };
    };
    const community = await api('/communities', { name: 'Oak Street Neighbors', visibility: 'public' });
    const petition = await api('/petitions', {
      title: 'Save the Oak Street trees',
      target: 'Austin City Council',
      description: 'The city plans to cut down 40 old oaks.\n\nAsk the council to redesign the project.',
      goal: 100_000,
      communityId: community.id,
    });
    await api(`/petitions/${petition.id}/publish`);
    const pagePath = new URL(petition.url).pathname;

    const shown = await fetch(`${appUrl}${pagePath}`);
    const pageHtml = await shown.text();
    if (shown.status !== 200) throw new Error(`GET ${pagePath} answered ${shown.status}`);
    writeFileSync(join(webDist, 'static-page.html'), pageHtml);
    const w = /name="w" value="([^"]+)"/.exec(pageHtml)?.[1] ?? '';

    const pool = Math.ceil(POOL_PER_SECOND * (context.durationS + 2));
    const phones = phoneNumbers(pool);
    const bodies = phones.map((phone, i) =>
      new URLSearchParams({
        lang: 'en',
        w,
        firstName: `Signer${i}`,
        lastName: 'Bench',
        phone,
        postalCode: '78701',
        showName: '1',
      }).toString(),
    );
    const ips = phones.map((_p, i) => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`);
    worker = new Worker(LOAD_SCRIPT, {
      eval: true,
      workerData: { autocannon: createRequire(import.meta.url).resolve('autocannon'), bodies, ips },
    });
    const load = async (job: LoadJob): Promise<LoadResult> => {
      worker?.postMessage(job);
      const [answer] = (await once(worker as Worker, 'message')) as [{ error?: string; result?: LoadResult }];
      if (!answer.result) throw new Error(`action-page: the load generator failed: ${answer.error ?? 'no result'}`);
      return answer.result;
    };

    const staticUrl = `${appUrl}/static-page.html`;
    const pageUrl = `${appUrl}${pagePath}`;
    const warmUpS = Math.max(1, Math.min(2, Math.round(context.durationS / 3)));
    const job = (url: string, durationS: number, post = false): LoadJob => ({ url, connections: context.connections, durationS, post });
    context.log(
      `action-page (${context.dialect}): ${Buffer.byteLength(pageHtml)} bytes per page; warming up ${warmUpS} s, then ${context.durationS} s per measurement at ${context.connections} connections`,
    );
    await load(job(staticUrl, warmUpS));
    await load(job(pageUrl, warmUpS));
    const statics = await load(job(staticUrl, context.durationS));
    const gets = await load(job(pageUrl, context.durationS));
    const signs = await load(job(pageUrl, context.durationS, true));

    const signatures = await database.db
      .selectFrom('petition_signatures')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('action_id', '=', petition.id)
      .executeTakeFirstOrThrow();
    const counter = await database.db.selectFrom('actions').select('taken_count').where('id', '=', petition.id).executeTakeFirstOrThrow();
    if (Number(signatures.n) !== counter.taken_count) {
      context.log(`action-page (${context.dialect}): the counter says ${counter.taken_count} but ${signatures.n} signatures are stored`);
    }

    const rate = (r: LoadResult) => r.ok / r.duration;
    const extra = (r: LoadResult) => ({
      p50_ms: r.p50,
      p99_ms: r.p99,
      connections: context.connections,
      ...(r.non2xx + r.errors + r.timeouts > 0 ? { failed: r.non2xx + r.errors + r.timeouts } : {}),
    });
    context.emit({
      name: 'action_page.get',
      value: rate(gets),
      unit: 'req/s',
      target: 5000,
      limit: rate(statics),
      extra: { ...extra(gets), bytes: Buffer.byteLength(pageHtml), limit_p99_ms: statics.p99 },
    });
    context.emit({
      name: 'action_page.sign',
      value: rate(signs),
      unit: 'signups/s',
      target: 2000,
      limit: rate(statics),
      extra: { ...extra(signs), stored: Number(signatures.n), limit_p99_ms: statics.p99 },
    });
    context.emit({
      name: 'action_page.static_file',
      value: rate(statics),
      unit: 'req/s',
      target: null,
      limit: rate(statics),
      extra: extra(statics),
    });
  } finally {
    await worker?.terminate();
    await app?.close();
    await database.destroy();
    rmSync(webDist, { recursive: true, force: true });
  }
}

export const actionPageBenchmark: Benchmark = {
  describe: 'a petition page: GET/s and sign-ups/s (durable writes) vs a static file from the same server',
  run,
};

import autocannon, { type Result } from 'autocannon';
import Fastify, { type FastifyInstance } from 'fastify';
import { buildApp } from '../server/app.ts';
import { loadConfig } from '../server/config.ts';
import { seedDemoIfEmpty } from '../server/db/seed.ts';
import { systemClock } from '../server/lib/clock.ts';
import { createLogger } from '../server/lib/logger.ts';
import { randomToken } from '../server/lib/tokens.ts';
import { createBenchDatabase } from './database.ts';
import type { BenchContext, Benchmark } from './report.ts';

// `http`: what our HTTP stack costs on an authenticated API route, against a bare Fastify route.
//
// - http.authenticated_route: GET /api/workspaces/:id on the real app (helmet, cookies, rate limiter, metrics, request
//   ids, zod serialization, API key lookup by hash, tenancy check, one workspace query) with `Authorization: Bearer`.
// - http.bare_route: a Fastify app with no plugins and logging off, one route returning the same JSON body.
//   Its own limit (ratio 1): the ceiling of Node + Fastify on this machine.
//
// Both servers listen on 127.0.0.1 in this process; autocannon fires from a worker thread, same connections and
// duration, after a short warm-up of each. The API rate limit is raised for the run (it would answer 429 after 6,000
// requests a minute from one key) but the limiter still counts every request.

type Target = { url: string; headers?: Record<string, string> };

async function measure(target: Target, context: BenchContext, durationS: number): Promise<Result> {
  return autocannon({
    url: target.url,
    connections: context.connections,
    duration: durationS,
    workers: 1,
    ...(target.headers ? { headers: target.headers } : {}),
  });
}

function figures(result: Result) {
  const rate = result['2xx'] / result.duration;
  return {
    rate,
    extra: {
      p50_ms: result.latency.p50,
      p99_ms: result.latency.p99,
      ...(result.non2xx + result.errors + result.timeouts > 0 ? { failed: result.non2xx + result.errors + result.timeouts } : {}),
    },
  };
}

async function listen(app: FastifyInstance): Promise<string> {
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (!address || typeof address === 'string') throw new Error('server has no TCP address');
  return `http://127.0.0.1:${address.port}`;
}

async function run(context: BenchContext): Promise<void> {
  const database = await createBenchDatabase(context.dialect, context.databaseUrl);
  let app: FastifyInstance | undefined;
  let bare: FastifyInstance | undefined;
  try {
    const config = loadConfig({ LOG_LEVEL: 'silent', API_RATE_LIMIT_PER_MINUTE: '1000000000', WEB_DIST: 'web/dist' });
    const seeded = await seedDemoIfEmpty(database.db, systemClock, config);
    const workspaceId = seeded.workspaceId;
    if (workspaceId === null) throw new Error('the demo workspace was not seeded on a fresh database');
    app = await buildApp({ config, database, appSecret: randomToken(48), logger: createLogger({ level: 'silent' }) });
    const appUrl = await listen(app);

    // An API key, made the way an admin makes one: sign in, then POST /api/workspaces/:id/api-keys.
    const login = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: config.demoEmail, password: config.demoPassword },
    });
    const session = login.cookies.find((cookie) => cookie.name === 'gs_session');
    if (login.statusCode !== 200 || !session) throw new Error(`sign-in failed: ${login.statusCode} ${login.body}`);
    const { csrfToken } = login.json() as { csrfToken: string };
    const created = await app.inject({
      method: 'POST',
      url: `/api/workspaces/${workspaceId}/api-keys`,
      headers: { cookie: `gs_session=${session.value}`, 'x-csrf-token': csrfToken },
      payload: { name: 'Benchmark', role: 'analyst' },
    });
    if (created.statusCode !== 201) throw new Error(`creating an API key failed: ${created.statusCode} ${created.body}`);
    const { secret } = created.json() as { secret: string };

    const path = `/api/workspaces/${workspaceId}`;
    const authenticated: Target = { url: `${appUrl}${path}`, headers: { authorization: `Bearer ${secret}` } };
    const check = await fetch(authenticated.url, { headers: authenticated.headers ?? {} });
    const body = await check.text();
    if (check.status !== 200) throw new Error(`GET ${path} with the API key answered ${check.status}: ${body}`);

    bare = Fastify({ logger: false });
    const payload = JSON.parse(body) as unknown;
    bare.get('/api/workspaces/:workspaceId', async () => payload);
    const bareTarget: Target = { url: `${await listen(bare)}${path}` };

    const warmUpS = Math.max(1, Math.min(2, Math.round(context.durationS / 3)));
    context.log(
      `http (${context.dialect}): warming up ${warmUpS} s per route, then ${context.durationS} s per route at ${context.connections} connections`,
    );
    await measure(bareTarget, context, warmUpS);
    await measure(authenticated, context, warmUpS);

    const bareResult = figures(await measure(bareTarget, context, context.durationS));
    const appResult = figures(await measure(authenticated, context, context.durationS));
    for (const [name, result] of [
      ['bare', bareResult],
      ['authenticated', appResult],
    ] as const) {
      if (result.extra.failed) context.log(`http (${context.dialect}): ${result.extra.failed} ${name} requests failed or were not 2xx`);
    }

    context.emit({
      name: 'http.authenticated_route',
      value: appResult.rate,
      unit: 'req/s',
      target: null,
      limit: bareResult.rate,
      extra: { ...appResult.extra, connections: context.connections, limit_p99_ms: bareResult.extra.p99_ms },
    });
    context.emit({
      name: 'http.bare_route',
      value: bareResult.rate,
      unit: 'req/s',
      target: null,
      limit: bareResult.rate,
      extra: { ...bareResult.extra, connections: context.connections },
    });
  } finally {
    await bare?.close();
    await app?.close();
    await database.destroy();
  }
}

export const httpBenchmark: Benchmark = {
  describe: 'an API-key-authenticated API route vs a bare Fastify route (req/s, p99)',
  run,
};

import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { buildApp } from '../../server/app.ts';
import type { SmsSender } from '../../server/channels/sms/contract.ts';
import { type Config, loadConfig } from '../../server/config.ts';
import type { Dialect } from '../../server/db/database.ts';
import { seedDemoIfEmpty } from '../../server/db/seed.ts';
import { createAppJobRegistry } from '../../server/jobs/definitions.ts';
import { createWorker } from '../../server/jobs/worker.ts';
import { createLogger } from '../../server/lib/logger.ts';
import { createMessagingRuntime, type MessagingRuntime } from '../../server/modules/messaging/runtime.ts';
import { createTestClock, type TestClock } from './clock.ts';
import { createTestDatabase, type TestDatabase } from './db.ts';

/** A simulator that delivers everything at once and never replies unless told to, so tests are predictable. */
export const QUIET_SIMULATOR = { failureRate: 0, replyRate: 0, optOutRate: 0, clickRate: 0, minDelayMs: 0, maxDelayMs: 0 };

/** The secret test apps key their hashes with. */
export const TEST_APP_SECRET = 'test-secret-test-secret-test-secret-0123456789';

export type TestApp = {
  app: FastifyInstance;
  database: TestDatabase;
  clock: TestClock;
  config: Config;
  demo: { email: string; password: string; workspaceId: number };
  /** The app's channel adapters and status writer; `messaging.createDispatcher()` sends what is queued. */
  messaging: MessagingRuntime;
  /** Runs due jobs the way a worker does until none is left (at most `rounds` batches). */
  runJobs: (rounds?: number) => Promise<number>;
  close: () => Promise<void>;
};

/** A real app over a fresh migrated database (SQLite by default) with the demo workspace seeded. */
export async function buildTestApp(
  /** `sms`: a sender the test reads sent messages from (the built-in simulator otherwise). */
  options: {
    dialect?: Dialect;
    env?: Record<string, string>;
    sms?: SmsSender;
    simulator?: Record<string, unknown>;
    /** Receives every log line (JSON) the app writes, for tests that read the logs. */
    logs?: { write: (line: string) => void };
  } = {},
): Promise<TestApp> {
  const database = await createTestDatabase(options.dialect ?? 'sqlite');
  const config = loadConfig({ LOG_LEVEL: 'silent', WEB_DIST: 'web/dist', ...options.env });
  const clock = createTestClock();
  const seeded = await seedDemoIfEmpty(database.db, clock, config, {
    simulator: { appSecret: TEST_APP_SECRET, settings: { ...QUIET_SIMULATOR, ...options.simulator } },
  });
  if (seeded.workspaceId === null) throw new Error('demo seed did not run on a fresh database');
  const logger = createLogger({ level: config.logLevel, ...(options.logs ? { destination: options.logs } : {}) });
  const messaging = createMessagingRuntime({ db: database.db, clock, logger, appSecret: TEST_APP_SECRET, publicUrl: config.publicUrl });
  const app = await buildApp({
    config,
    database,
    clock,
    appSecret: TEST_APP_SECRET,
    logger,
    messaging,
    ...(options.sms ? { sms: options.sms } : {}),
  });
  await app.ready();
  const registry = createAppJobRegistry({ db: database.db, clock, appSecret: TEST_APP_SECRET, config });
  const runJobs = async (rounds = 50) => {
    const worker = createWorker({
      db: database.db,
      registry,
      clock,
      logger,
      concurrency: 4,
      pollMs: 10,
      leaseMs: 60_000,
      random: () => 0.5,
    });
    let ran = 0;
    for (let i = 0; i < rounds; i++) {
      const n = await worker.runOnce();
      if (n === 0) break;
      ran += n;
    }
    return ran;
  };
  return {
    app,
    database,
    clock,
    config,
    demo: { email: config.demoEmail, password: config.demoPassword, workspaceId: seeded.workspaceId },
    messaging,
    runJobs,
    close: async () => {
      await app.close();
      await messaging.close();
      await database.destroy();
    },
  };
}

/** A signed-in browser-like client: keeps the session cookie and sends the CSRF header on writes. */
export type Client = {
  request: (options: InjectOptions) => Promise<LightMyRequestResponse>;
  csrfToken: string;
  cookie: string;
  userId: number;
};

export async function signIn(app: FastifyInstance, email: string, password: string): Promise<Client> {
  const response = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { email, password } });
  if (response.statusCode !== 200) throw new Error(`sign-in failed: ${response.statusCode} ${response.body}`);
  const body = response.json() as { csrfToken: string; user: { id: number } };
  const setCookie = response.cookies.find((c) => c.name === 'gs_session');
  if (!setCookie) throw new Error('no session cookie');
  const cookie = `gs_session=${setCookie.value}`;
  return {
    csrfToken: body.csrfToken,
    cookie,
    userId: body.user.id,
    request: (options) =>
      app.inject({
        ...options,
        headers: { cookie, 'x-csrf-token': body.csrfToken, ...(options.headers ?? {}) },
      }),
  };
}

import { z } from 'zod';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], {
    error: 'must be true or false',
  })
  .transform((value) => value === 'true' || value === '1' || value === 'yes');

const positiveInt = (what: string) =>
  z.coerce
    .number({ error: `must be a number (${what})` })
    .int(`must be a whole number (${what})`)
    .positive(`must be greater than 0 (${what})`);

const schema = z
  .object({
    HOST: z.string().min(1).default('127.0.0.1'),
    PORT: z.coerce
      .number({ error: 'must be a port number' })
      .int('must be a whole number')
      .min(0, 'must be between 0 and 65535')
      .max(65535, 'must be between 0 and 65535')
      .default(3000),
    PUBLIC_URL: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL such as https://act.example.org' }).optional(),
    DATABASE_URL: z
      .string()
      .min(1)
      .default('sqlite:./data/groundswell.db')
      .refine((value) => /^(sqlite:|postgres(ql)?:\/\/)/.test(value), {
        message:
          'must start with sqlite: (a file, e.g. sqlite:./data/groundswell.db) or postgres:// (e.g. postgres://user@host:5432/groundswell)',
      }),
    DATABASE_POOL_SIZE: positiveInt('PostgreSQL connections per process').default(10),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    LOG_PRETTY: bool.optional(),
    TRUST_PROXY: z.string().default('false'),
    COOKIE_SECURE: bool.optional(),
    SESSION_TTL_HOURS: positiveInt('hours a session lasts without use').default(24 * 7),
    SESSION_MAX_HOURS: positiveInt('hours a session lasts at most').default(24 * 30),
    LOGIN_MAX_FAILURES: positiveInt('failed sign-ins per account before a pause').default(5),
    LOGIN_LOCK_MINUTES: positiveInt('minutes an account is paused after too many failed sign-ins').default(15),
    API_RATE_LIMIT_PER_MINUTE: positiveInt('API requests per minute per caller').default(6000),
    SEED_DEMO: bool.default(true),
    DEMO_EMAIL: z.email('must be an email address').default('organizer@example.org'),
    DEMO_PASSWORD: z.string().min(8, 'must be at least 8 characters').default('groundswell-demo'),
    WORKER_CONCURRENCY: positiveInt('jobs a worker runs at once').default(8),
    WORKER_POLL_MS: positiveInt('milliseconds between polls when idle').default(500),
    JOB_LEASE_MS: positiveInt('milliseconds a claimed job is leased').default(60_000),
    SHUTDOWN_TIMEOUT_MS: positiveInt('milliseconds to finish running jobs on shutdown').default(15_000),
    WEB_DIST: z.string().min(1).default('web/dist'),
    APP_SECRET: z.string().min(32, 'must be at least 32 characters (e.g. `openssl rand -base64 48`)').optional(),
  })
  .transform((env) => {
    const publicUrl = (env.PUBLIC_URL ?? `http://localhost:${env.PORT}`).replace(/\/+$/, '');
    return {
      host: env.HOST,
      port: env.PORT,
      publicUrl,
      databaseUrl: env.DATABASE_URL,
      databasePoolSize: env.DATABASE_POOL_SIZE,
      logLevel: env.LOG_LEVEL,
      logPretty: env.LOG_PRETTY ?? false,
      trustProxy: parseTrustProxy(env.TRUST_PROXY),
      cookieSecure: env.COOKIE_SECURE ?? publicUrl.startsWith('https:'),
      sessionTtlMs: env.SESSION_TTL_HOURS * 3_600_000,
      sessionMaxMs: env.SESSION_MAX_HOURS * 3_600_000,
      loginMaxFailures: env.LOGIN_MAX_FAILURES,
      loginLockMs: env.LOGIN_LOCK_MINUTES * 60_000,
      apiRateLimitPerMinute: env.API_RATE_LIMIT_PER_MINUTE,
      seedDemo: env.SEED_DEMO,
      demoEmail: env.DEMO_EMAIL.toLowerCase(),
      demoPassword: env.DEMO_PASSWORD,
      workerConcurrency: env.WORKER_CONCURRENCY,
      workerPollMs: env.WORKER_POLL_MS,
      jobLeaseMs: env.JOB_LEASE_MS,
      shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS,
      webDist: env.WEB_DIST,
      appSecret: env.APP_SECRET,
    };
  });

export type Config = Readonly<z.output<typeof schema>>;

/** `true` trusts every proxy; otherwise a comma-separated list of proxy addresses or CIDR ranges. */
function parseTrustProxy(value: string): boolean | string[] {
  if (value === 'true') return true;
  if (value === 'false' || value === '') return false;
  return value
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean);
}

export class ConfigError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(`Groundswell cannot start; fix the configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

/** Parses the environment once; every problem is reported at once, naming the variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const relevant: Record<string, string> = {};
  for (const key of Object.keys(schema.in.shape)) {
    const value = env[key];
    if (value !== undefined && value !== '') relevant[key] = value;
  }
  const parsed = schema.safeParse(relevant);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => {
        const key = String(issue.path[0] ?? 'environment');
        const given = relevant[key];
        const shown = given === undefined || /PASSWORD|SECRET|TOKEN|KEY/.test(key) ? '' : ` (got "${given}")`;
        return `${key} ${issue.message}${shown}`;
      }),
    );
  }
  return Object.freeze(parsed.data);
}

import { verify } from '@node-rs/argon2';
import { Command, InvalidArgumentError } from 'commander';
import { z } from 'zod';
import { ROLES, type Role } from '../common/roles.ts';
import { buildApp } from './app.ts';
import { type Config, ConfigError, loadConfig } from './config.ts';
import { type DatabaseHandle, openDatabase } from './db/database.ts';
import { migrateToLatest } from './db/migrate.ts';
import { DEMO_TEXTER_EMAIL, seedDemoIfEmpty } from './db/seed.ts';
import { createAppJobRegistry } from './jobs/definitions.ts';
import { createWorker } from './jobs/worker.ts';
import { resolveAppSecret } from './lib/app-secret.ts';
import { systemClock } from './lib/clock.ts';
import { createLogger, type Logger } from './lib/logger.ts';
import { randomToken } from './lib/tokens.ts';
import { email as emailSchema, password as passwordSchema } from './modules/accounts/accounts.schema.ts';
import { createAccountsService } from './modules/accounts/accounts.service.ts';
import { type ExportCliOptions, exportCommand, type ImportCliOptions, importCommand } from './modules/imports/imports.cli.ts';
import { createMessagingRuntime } from './modules/messaging/runtime.ts';

type Runtime = { config: Config; logger: Logger; database: DatabaseHandle; appSecret: string };

function runtime(): Runtime {
  const config = loadConfig();
  const logger = createLogger({ level: config.logLevel });
  const appSecret = resolveAppSecret(config);
  const database = openDatabase(config.databaseUrl, { poolSize: config.databasePoolSize });
  return { config, logger, database, appSecret };
}

async function migrate({ database, logger }: Runtime) {
  const applied = await migrateToLatest(database.db);
  if (applied.length > 0) logger.info({ migrations: applied }, `applied ${applied.length} migration(s)`);
}

/** Closes everything within the configured bound, then exits; a second signal exits at once. */
function onShutdown(logger: Logger, timeoutMs: number, close: () => Promise<void>) {
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) process.exit(1);
    stopping = true;
    logger.info(`${signal} received: finishing running work (at most ${Math.round(timeoutMs / 1000)} s)`);
    const timer = setTimeout(() => {
      logger.warn('shutdown took too long; exiting');
      process.exit(1);
    }, timeoutMs + 5_000);
    timer.unref();
    close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'error during shutdown');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

async function run(mode: { http: boolean; worker: boolean; seed: boolean }) {
  const rt = runtime();
  const { config, logger, database } = rt;
  await migrate(rt);
  let demoReady = false;
  let texterReady = false;
  if (mode.seed && config.seedDemo) {
    const seeded = await seedDemoIfEmpty(database.db, systemClock, config, { sampleData: { appSecret: rt.appSecret } });
    if (seeded.seeded) logger.info('seeded the demo workspace');
    const demo = await database.db.selectFrom('users').select('password_hash').where('email', '=', config.demoEmail).executeTakeFirst();
    demoReady = demo ? await verify(demo.password_hash, config.demoPassword) : false;
    const texter = await database.db.selectFrom('users').select('password_hash').where('email', '=', DEMO_TEXTER_EMAIL).executeTakeFirst();
    texterReady = texter ? await verify(texter.password_hash, config.demoPassword) : false;
  }
  const messaging = createMessagingRuntime({
    db: database.db,
    clock: systemClock,
    logger,
    appSecret: rt.appSecret,
    publicUrl: config.publicUrl,
  });
  const app = mode.http ? await buildApp({ config, database, logger, appSecret: rt.appSecret, messaging, defaultMetrics: true }) : null;
  // The dispatcher sends the outbox; it lives with the job worker (`start` and `worker`).
  const dispatcher = mode.worker ? messaging.createDispatcher() : null;
  const worker = mode.worker
    ? createWorker({
        db: database.db,
        registry: createAppJobRegistry({ db: database.db, clock: systemClock, appSecret: rt.appSecret, config }),
        logger,
        concurrency: config.workerConcurrency,
        pollMs: config.workerPollMs,
        leaseMs: config.jobLeaseMs,
      })
    : null;
  worker?.start();
  dispatcher?.start();
  if (app) await app.listen({ host: config.host, port: config.port });

  onShutdown(logger, config.shutdownTimeoutMs, async () => {
    await app?.close();
    await dispatcher?.stop(config.shutdownTimeoutMs);
    const result = await worker?.stop(config.shutdownTimeoutMs);
    await messaging.close();
    if (result && result.abandoned > 0) logger.warn(`${result.abandoned} job(s) left to be retried after their lease expires`);
    await database.close();
  });

  const lines = [''];
  if (app) {
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    const url = config.publicUrl.includes(`:${config.port}`) ? config.publicUrl.replace(`:${config.port}`, `:${port}`) : config.publicUrl;
    lines.push(`  Groundswell is running at ${url}`);
    lines.push(demoReady ? `  Sign in as ${config.demoEmail} with the password ${config.demoPassword}` : '  Sign in with your account.');
    if (texterReady) lines.push(`  A volunteer texter signs in as ${DEMO_TEXTER_EMAIL} with the same password`);
    lines.push(`  API reference: ${url}/api/docs`);
  }
  if (worker) lines.push(`  Worker: ${config.workerConcurrency} jobs at a time, sending the outbox`);
  lines.push(`  Database: ${database.description}`, '  Stop with Ctrl-C.', '');
  process.stdout.write(`${lines.join('\n')}\n`);
}

async function createUserCommand(options: { email: string; name: string; password?: string; workspace?: string; role: Role }) {
  const rt = runtime();
  try {
    await migrate(rt);
    const email = emailSchema.safeParse(options.email);
    if (!email.success) throw new InvalidArgumentError(`--email ${email.error.issues[0]?.message ?? 'is invalid'}`);
    const generated = options.password === undefined;
    const password = options.password ?? randomToken(12);
    const pw = passwordSchema.safeParse(password);
    if (!pw.success) throw new InvalidArgumentError(`--password ${pw.error.issues[0]?.message ?? 'is invalid'}`);
    const accounts = createAccountsService({ db: rt.database.db, clock: systemClock, config: rt.config });
    const userId = await accounts.createUser({ email: email.data, name: options.name, password });
    let where = '';
    if (options.workspace) {
      const ref = options.workspace;
      const ws = await rt.database.db
        .selectFrom('workspaces')
        .select(['id', 'name'])
        .where(/^\d+$/.test(ref) ? 'id' : 'slug', '=', /^\d+$/.test(ref) ? Number(ref) : ref)
        .executeTakeFirst();
      if (!ws) throw new InvalidArgumentError(`--workspace: there is no workspace with the id or slug "${ref}"`);
      await accounts.addMember(ws.id, userId, options.role);
      where = ` as ${options.role} of "${ws.name}"`;
    } else {
      const ws = await accounts.createWorkspace(userId, { name: `${options.name}'s workspace` });
      where = ` as owner of the new workspace "${ws.name}"`;
    }
    process.stdout.write(
      `Created ${email.data}${where}.${generated ? `\nPassword: ${password}  (shown once; change it after signing in)` : ''}\n`,
    );
  } finally {
    await rt.database.close();
  }
}

const program = new Command()
  .name('groundswell')
  .description('Advocacy micro-communities with SMS and social media. Configuration comes from the environment (see README).')
  .showHelpAfterError();

program
  .command('start')
  .description('migrate, seed the demo workspace when the database is empty, then serve HTTP and run the worker in one process')
  .action(() => run({ http: true, worker: true, seed: true }));
program
  .command('serve')
  .description('serve the API, dashboard and public pages (stateless; run as many as you like)')
  .action(() => run({ http: true, worker: false, seed: false }));
program
  .command('worker')
  .description('run background jobs (broadcasts, workflows, webhooks); run as many as you like')
  .action(() => run({ http: false, worker: true, seed: false }));
program
  .command('migrate')
  .description('bring the database schema up to date')
  .action(async () => {
    const rt = runtime();
    const applied = await migrateToLatest(rt.database.db);
    process.stdout.write(applied.length ? `Applied: ${applied.join(', ')}\n` : 'The schema is up to date.\n');
    await rt.database.close();
  });
program
  .command('seed')
  .description('create the demo workspace and login if the database has no user yet')
  .action(async () => {
    const rt = runtime();
    await migrate(rt);
    const result = await seedDemoIfEmpty(rt.database.db, systemClock, rt.config, { sampleData: { appSecret: rt.appSecret } });
    process.stdout.write(
      result.seeded
        ? `Seeded the demo workspace. Sign in as ${rt.config.demoEmail} with the password ${rt.config.demoPassword}\n`
        : 'The database already has users; nothing seeded.\n',
    );
    await rt.database.close();
  });

const roleArg = (value: string): Role => {
  const parsed = z.enum(ROLES).safeParse(value);
  if (!parsed.success) throw new InvalidArgumentError(`must be one of ${ROLES.join(', ')}`);
  return parsed.data;
};
program
  .command('user')
  .description('manage staff accounts')
  .command('create')
  .description('create a staff account (and a workspace for it unless --workspace is given)')
  .requiredOption('--email <email>', 'sign-in email')
  .requiredOption('--name <name>', 'full name')
  .option('--password <password>', 'at least 10 characters; a random one is generated and printed when omitted')
  .option('--workspace <id-or-slug>', 'add the user to this existing workspace')
  .option('--role <role>', `role in --workspace (${ROLES.join(', ')})`, roleArg, 'organizer' as Role)
  .action(createUserCommand);

const collect = (value: string, previous: string[]) => [...previous, value];
program
  .command('import')
  .description('import members from a CSV file (Action Network, Mobilize, Spoke, EveryAction exports, or any spreadsheet saved as CSV)')
  .argument('<file>', 'the CSV file (UTF-8 or UTF-16; commas, semicolons or tabs; a header row)')
  .requiredOption('--workspace <id-or-slug>', 'the workspace to import into')
  .option(
    '--map <column=field>',
    'map a column, overriding the suggestion (repeatable); field: firstName, lastName, fullName, phone, email, postalCode, language, timezone, source, tags, custom:<key> or ignore',
    collect,
    [],
  )
  .option('--community <id-or-slug>', 'add everyone imported to this community (repeatable)', collect, [])
  .option('--tag <tag>', 'tag everyone imported (repeatable)', collect, [])
  .option('--source <source>', 'where these members come from (default "import: <file name>")')
  .option('--consent-column <column>', "the column holding each member's SMS consent (yes/no, subscribed/unsubscribed, opted in/out …)")
  .option('--email-consent-column <column>', "the column holding each member's email consent")
  .option('--consent-wording <words>', 'the exact words members agreed to (required with a consent column)')
  .option('--dedupe <mode>', 'members who already exist: update (fill their empty fields, never overwrite) or skip', 'update')
  .option('--dry-run', 'check the file and count what would happen, without importing anything')
  .action(async (file: string, options: ImportCliOptions) => {
    const rt = runtime();
    try {
      await migrate(rt);
      await importCommand({ db: rt.database.db, appSecret: rt.appSecret }, file, options);
    } finally {
      await rt.database.close();
    }
  });
program
  .command('export')
  .description('export members to CSV (the members list filters; recorded in the audit log)')
  .requiredOption('--workspace <id-or-slug>', 'the workspace to export from')
  .option('--tag <tag>', 'only members with this tag')
  .option('--community <id-or-slug>', 'only active members of this community')
  .option('--consent <state>', 'only members whose SMS consent is sms_granted, sms_revoked or sms_none')
  .option('--search <text>', 'only members whose name, email or phone starts with this')
  .option('--out <file>', 'write to this file (default: standard output)')
  .action(async (options: ExportCliOptions) => {
    const rt = runtime();
    try {
      await migrate(rt);
      await exportCommand({ db: rt.database.db }, options);
    } finally {
      await rt.database.close();
    }
  });

program.parseAsync(process.argv).catch((error: unknown) => {
  if (error instanceof ConfigError || error instanceof InvalidArgumentError) {
    process.stderr.write(`${error.message}\n`);
  } else if (error instanceof Error && 'code' in error && error.code === 'user.email_taken') {
    process.stderr.write(`${error.message}\n`);
  } else {
    process.stderr.write(`Groundswell stopped: ${error instanceof Error ? error.message : String(error)}\n`);
  }
  process.exit(1);
});

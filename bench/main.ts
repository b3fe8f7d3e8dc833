import { parseArgs } from 'node:util';
import type { Dialect } from '../server/db/database.ts';
import { actionPageBenchmark } from './action-page.ts';
import { callbacksBenchmark } from './callbacks.ts';
import { DatabaseUnreachableError, describeUrl, dropAllBenchDatabases } from './database.ts';
import { DEFAULT_SENDS, dispatchBenchmark } from './dispatch.ts';
import { DEFAULT_RECIPIENTS, fanoutBenchmark } from './fanout.ts';
import { httpBenchmark } from './http.ts';
import { importBenchmark } from './import.ts';
import { jobsBenchmark } from './jobs.ts';
import { type BenchContext, type Benchmark, type BenchOptions, formatMeasurement } from './report.ts';
import { segmentBenchmark } from './segment.ts';
import { workflowBenchmark } from './workflow.ts';

// `npm run bench -- [names…] [options]`: runs the named benchmarks (default: all) and prints one JSON line per figure
// on stdout; progress goes to stderr. See bench/README.md.

const BENCHMARKS: Record<string, Benchmark> = {
  http: httpBenchmark,
  import: importBenchmark,
  jobs: jobsBenchmark,
  fanout: fanoutBenchmark,
  dispatch: dispatchBenchmark,
  callbacks: callbacksBenchmark,
  'action-page': actionPageBenchmark,
  segment: segmentBenchmark,
  workflow: workflowBenchmark,
};

const USAGE = `Usage: npm run bench -- [names…] [options]

Benchmarks (default: all):
${Object.entries(BENCHMARKS)
  .map(([name, b]) => `  ${name.padEnd(11)} ${b.describe}`)
  .join('\n')}

Options:
  --db sqlite|postgres|both   database(s) to run on (default sqlite)
  --database-url URL          PostgreSQL server; each run works in a fresh schema bench_<random>, dropped afterwards
                              (default $BENCH_DATABASE_URL, $TEST_DATABASE_URL, postgres://postgres@127.0.0.1:5432/postgres)
  --duration S                seconds of load per HTTP measurement (default 5)
  --connections N             concurrent HTTP connections (default 50)
  --jobs N                    jobs per queue measurement (default 20000)
  --members N                 generated members, for data benchmarks (default 100000)
  --activities N              generated activities, for data benchmarks (default 1000000)
  --seed N                    data generator seed (default 1)
  --recipients N              fanout: members in the broadcast's audience (default 1000000)
  --sends N                   dispatch: messages per throughput measurement (default 20000)

Output: one JSON object per line: {"name","value","unit","target","limit","ratio","db",…}`;

class UsageError extends Error {}

const DIALECTS: Record<string, Dialect[]> = { sqlite: ['sqlite'], postgres: ['postgres'], both: ['sqlite', 'postgres'] };

function positive(name: string, value: string | undefined, fallback: number, integer = true): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n))) {
    throw new UsageError(`--${name} must be a positive ${integer ? 'whole ' : ''}number (got "${value}")`);
  }
  return n;
}

const SPEC = {
  db: { type: 'string' },
  'database-url': { type: 'string' },
  duration: { type: 'string' },
  connections: { type: 'string' },
  jobs: { type: 'string' },
  members: { type: 'string' },
  activities: { type: 'string' },
  seed: { type: 'string' },
  recipients: { type: 'string' },
  sends: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

function parseStrict(argv: string[]) {
  try {
    return parseArgs({ args: argv, options: SPEC, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

/** Sizes of the messaging benchmarks, read from the context by fanout.ts and dispatch.ts. */

function parse(argv: string[]): { names: string[]; dialects: Dialect[]; options: BenchOptions; help: boolean } {
  const parsed = parseStrict(argv);
  const { values, positionals } = parsed;
  const unknown = positionals.filter((name) => !(name in BENCHMARKS));
  if (unknown.length > 0) {
    throw new UsageError(
      `Unknown benchmark${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}. Known: ${Object.keys(BENCHMARKS).join(', ')}.`,
    );
  }
  const dialects = DIALECTS[values.db ?? 'sqlite'];
  if (!dialects) throw new UsageError(`--db must be sqlite, postgres or both (got "${values.db}")`);
  return {
    names: positionals.length > 0 ? [...new Set(positionals)] : Object.keys(BENCHMARKS),
    dialects,
    help: values.help ?? false,
    options: {
      members: positive('members', values.members, 100_000),
      activities: positive('activities', values.activities, 1_000_000),
      durationS: positive('duration', values.duration, 5, false),
      connections: positive('connections', values.connections, 50),
      jobs: positive('jobs', values.jobs, 20_000),
      seed: positive('seed', values.seed, 1),
      recipients: positive('recipients', values.recipients, DEFAULT_RECIPIENTS),
      sends: positive('sends', values.sends, DEFAULT_SENDS),
      databaseUrl:
        values['database-url'] ??
        process.env.BENCH_DATABASE_URL ??
        process.env.TEST_DATABASE_URL ??
        'postgres://postgres@127.0.0.1:5432/postgres',
    },
  };
}

/** Ctrl-C: drop the databases still open, then exit. */
let interrupted = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (interrupted) process.exit(130);
    interrupted = true;
    process.stderr.write(`${signal}: dropping benchmark databases…\n`);
    void dropAllBenchDatabases().finally(() => process.exit(130));
  });
}

async function main(argv: string[]): Promise<number> {
  let args: ReturnType<typeof parse>;
  try {
    args = parse(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`${error.message}\n\n${USAGE}\n`);
    return 2;
  }
  if (args.help) {
    process.stderr.write(`${USAGE}\n`);
    return 0;
  }

  const log = (message: string) => process.stderr.write(`${message}\n`);
  if (argv.some((a) => /^--(members|activities)\b/.test(a)) && !args.names.some((name) => BENCHMARKS[name]?.usesGeneratedData)) {
    log('note: --members and --activities size the generated data; none of the selected benchmarks uses it yet.');
  }
  if (args.dialects.includes('postgres')) log(`PostgreSQL: ${describeUrl(args.options.databaseUrl)}`);
  let failures = 0;
  for (const dialect of args.dialects) {
    for (const name of args.names) {
      const benchmark = BENCHMARKS[name];
      if (!benchmark) continue;
      const context: BenchContext = {
        ...args.options,
        dialect,
        log,
        emit: (measurement) => process.stdout.write(`${formatMeasurement(measurement, dialect)}\n`),
      };
      try {
        await benchmark.run(context);
      } catch (error) {
        if (interrupted) return 130;
        failures++;
        log(`${name} (${dialect}) failed: ${error instanceof Error ? error.message : String(error)}`);
        if (error instanceof Error && !(error instanceof DatabaseUnreachableError) && error.stack) log(error.stack);
      }
    }
  }
  return failures > 0 ? 1 : 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`bench stopped: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  },
);

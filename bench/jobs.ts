import { type Insertable, sql } from 'kysely';
import { z } from 'zod';
import type { Db } from '../server/db/database.ts';
import { dialectOf, forUpdateSkipLocked } from '../server/db/dialect.ts';
import type { JobsTable } from '../server/db/schema.ts';
import { defineJob, PRIORITY } from '../server/jobs/define.ts';
import { createJobQueue, type EnqueueInput } from '../server/jobs/queue.ts';
import { createJobRegistry } from '../server/jobs/registry.ts';
import { createWorker } from '../server/jobs/worker.ts';
import { createLogger } from '../server/lib/logger.ts';
import { createBenchDatabase } from './database.ts';
import { generateMembers } from './generate.ts';
import type { BenchContext, Benchmark } from './report.ts';

// `jobs`: the job queue (server/jobs) against the same work done with raw Kysely statements.
//
// - jobs.enqueue: queue.enqueueMany in transactions of 1,000 jobs (payload validation, defaults, ON CONFLICT for
//   idempotency keys). Limit: raw INSERTs of the same rows, 1,000 per transaction.
// - jobs.claim_complete: a worker (concurrency 8, a no-op handler) draining the queue: each claim also reclaims
//   expired leases and schedules recurring jobs, each job gets a parsed payload, a timeout, a lease heartbeat and a
//   conditional completion. Limit: a loop of the bare statements, UPDATE … RETURNING to claim 8 (FOR UPDATE SKIP
//   LOCKED on PostgreSQL) then one UPDATE per job to mark it done, 8 at a time.
//
// Payloads look like a broadcast send (member id and phone from the data generator).

const CHUNK = 1_000;
const CONCURRENCY = 8;
const WARM_UP_JOBS = 2_000;
const ENQUEUE_ROUNDS = 3;

const sendJob = defineJob({
  type: 'bench.send',
  payload: z.object({ broadcastId: z.number().int(), memberId: z.number().int(), phone: z.string() }),
  priority: PRIORITY.bulk,
  handler: async () => {},
});

function* inputChunks(count: number, seed: number, workspaceId: number): Generator<EnqueueInput[]> {
  let chunk: EnqueueInput[] = [];
  for (const members of generateMembers({ count, seed, workspaceId, batchSize: CHUNK })) {
    for (const member of members) {
      chunk.push({ type: sendJob.type, workspaceId, payload: { broadcastId: 1, memberId: member.id, phone: member.phone } });
      if (chunk.length === CHUNK) {
        yield chunk;
        chunk = [];
      }
    }
  }
  if (chunk.length > 0) yield chunk;
}

/** The row the queue would write, built without its checks. */
function rawRow(input: EnqueueInput, now: number): Insertable<JobsTable> {
  return {
    workspace_id: input.workspaceId ?? null,
    type: input.type,
    payload: JSON.stringify(input.payload),
    state: 'queued',
    priority: PRIORITY.bulk,
    run_at: now,
    attempts: 0,
    max_attempts: 5,
    lease_expires_at: null,
    locked_by: null,
    idempotency_key: null,
    last_error: null,
    created_at: now,
    updated_at: now,
    finished_at: null,
  };
}

async function emptyJobs(db: Db): Promise<void> {
  if (dialectOf(db) === 'postgres') await sql`truncate table jobs`.execute(db);
  else await db.deleteFrom('jobs').execute();
}

async function countDone(db: Db): Promise<number> {
  const row = await db
    .selectFrom('jobs')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('state', '=', 'done')
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Seconds to insert `count` jobs with `insert(trx, chunk)`, one transaction per chunk of 1,000. */
async function timeInserts(
  db: Db,
  count: number,
  seed: number,
  workspaceId: number,
  insert: (trx: Db, chunk: EnqueueInput[]) => Promise<unknown>,
) {
  const chunks = [...inputChunks(count, seed, workspaceId)];
  const start = performance.now();
  for (const chunk of chunks) await db.transaction().execute((trx) => insert(trx, chunk));
  return (performance.now() - start) / 1000;
}

/** Drains every queued job with a real worker; seconds from start() until all are done. */
async function timeWorker(db: Db, count: number): Promise<number> {
  let handled = 0;
  const counting = defineJob({ ...sendJob, handler: async () => void handled++ });
  const worker = createWorker({
    db,
    registry: createJobRegistry([counting]),
    logger: createLogger({ level: 'silent' }),
    concurrency: CONCURRENCY,
    pollMs: 20,
    leaseMs: 60_000,
  });
  const start = performance.now();
  worker.start();
  try {
    while (handled < count) await sleep(2);
    while ((await countDone(db)) < count) await sleep(5);
    return (performance.now() - start) / 1000;
  } finally {
    await worker.stop(10_000);
  }
}

/** The limit: the bare claim and complete statements, no queue logic around them. */
async function timeRawClaimComplete(db: Db, count: number): Promise<number> {
  const lockRows = forUpdateSkipLocked(dialectOf(db));
  const start = performance.now();
  let completed = 0;
  for (;;) {
    const now = Date.now();
    const claimed = await db
      .updateTable('jobs')
      .set((eb) => ({
        state: 'running',
        attempts: eb('attempts', '+', 1),
        lease_expires_at: now + 60_000,
        locked_by: 'raw',
        updated_at: now,
      }))
      .where('id', 'in', (eb) =>
        eb
          .selectFrom('jobs')
          .select('id')
          .where('state', '=', 'queued')
          .where('run_at', '<=', now)
          .orderBy('priority')
          .orderBy('run_at')
          .orderBy('id')
          .limit(CONCURRENCY)
          .$call(lockRows),
      )
      .returning('id')
      .execute();
    if (claimed.length === 0) break;
    await Promise.all(
      claimed.map((job) =>
        db
          .updateTable('jobs')
          .set({ state: 'done', finished_at: Date.now(), lease_expires_at: null, updated_at: Date.now() })
          .where('id', '=', job.id)
          .execute(),
      ),
    );
    completed += claimed.length;
  }
  if (completed !== count) throw new Error(`raw claim loop completed ${completed} jobs, expected ${count}`);
  return (performance.now() - start) / 1000;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function run(context: BenchContext): Promise<void> {
  const { jobs: count, seed, dialect } = context;
  const database = await createBenchDatabase(dialect, context.databaseUrl);
  try {
    const { db } = database;
    const workspace = await db
      .insertInto('workspaces')
      .values({
        name: 'Bench',
        slug: 'bench',
        timezone: 'America/Chicago',
        default_country: 'US',
        quiet_hours_start: '08:00',
        quiet_hours_end: '21:00',
        created_at: Date.now(),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const workspaceId = workspace.id;
    const queue = createJobQueue({ db, registry: createJobRegistry([sendJob]) });
    const enqueueMany = (trx: Db, chunk: EnqueueInput[]) => queue.enqueueMany(trx, chunk);
    const rawInsert = (trx: Db, chunk: EnqueueInput[]) => {
      const now = Date.now();
      return trx
        .insertInto('jobs')
        .values(chunk.map((input) => rawRow(input, now)))
        .execute();
    };

    context.log(`jobs (${dialect}): warming up, then ${count} jobs per measurement`);
    await timeInserts(db, WARM_UP_JOBS, seed, workspaceId, rawInsert);
    await timeRawClaimComplete(db, WARM_UP_JOBS);
    await emptyJobs(db);
    await timeInserts(db, WARM_UP_JOBS, seed, workspaceId, enqueueMany);
    await timeWorker(db, WARM_UP_JOBS);
    await emptyJobs(db);

    // Inserts are quick and noisy: the best of three rounds each, alternating, into an empty table every time. The
    // queue's last round stays in the table for the claim measurement.
    context.log(`jobs (${dialect}): enqueue, best of ${ENQUEUE_ROUNDS} rounds`);
    let rawInsertS = Number.POSITIVE_INFINITY;
    let enqueueS = Number.POSITIVE_INFINITY;
    for (let round = 0; round < ENQUEUE_ROUNDS; round++) {
      await emptyJobs(db);
      rawInsertS = Math.min(rawInsertS, await timeInserts(db, count, seed, workspaceId, rawInsert));
      await emptyJobs(db);
      enqueueS = Math.min(enqueueS, await timeInserts(db, count, seed, workspaceId, enqueueMany));
    }
    context.emit({
      name: 'jobs.enqueue',
      value: count / enqueueS,
      unit: 'jobs/s',
      target: null,
      limit: count / rawInsertS,
      extra: { jobs: count, per_transaction: CHUNK, rounds: ENQUEUE_ROUNDS },
    });

    context.log(`jobs (${dialect}): claim and complete`);
    const workerS = await timeWorker(db, count);
    await emptyJobs(db);
    await timeInserts(db, count, seed, workspaceId, rawInsert);
    const rawClaimS = await timeRawClaimComplete(db, count);
    context.emit({
      name: 'jobs.claim_complete',
      value: count / workerS,
      unit: 'jobs/s',
      target: null,
      limit: count / rawClaimS,
      extra: { jobs: count, concurrency: CONCURRENCY },
    });
  } finally {
    await database.destroy();
  }
}

export const jobsBenchmark: Benchmark = {
  describe: 'job queue enqueue and claim/complete rates vs raw inserts and raw UPDATE … RETURNING',
  run,
};

import { sql } from 'kysely';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createTestDatabase, type TestDatabase, testDialects } from '../../test/helpers/db.ts';
import type { Db } from '../db/database.ts';
import { defineJob, type JobContext, type JobDefinition, PermanentJobError, PRIORITY } from './define.ts';
import { countJobsByState, createJobQueue, type EnqueueInput, listJobs, retryDeadJob } from './queue.ts';
import { createJobRegistry } from './registry.ts';
import { createWorker, type WorkerDeps } from './worker.ts';

// Workers against a real database, on SQLite and (with TEST_DATABASE_URL) PostgreSQL. Delays and leases run on a
// fake clock; only timeouts, heartbeats and stop() bounds use real time, with generous margins.

const START = Date.UTC(2026, 10, 22, 12, 0, 0);
const LEASE_MS = 30_000;
const silent = pino({ level: 'silent' });

function fakeClock(start = START) {
  let now = start;
  return {
    now: () => now,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

async function createWorkspace(db: Db, slug: string): Promise<number> {
  const row = await db
    .insertInto('workspaces')
    .values({
      name: slug,
      slug,
      timezone: 'UTC',
      default_country: 'US',
      quiet_hours_start: '08:00',
      quiet_hours_end: '21:00',
      created_at: START,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

const getJob = (db: Db, id: number) => db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out waiting for a condition');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

function deferred() {
  let resolve: () => void = () => {};
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

/** A side-effect table with a unique job_id: a job that ran twice would fail its second insert. */
async function createRunsTable(db: Db) {
  await db.schema
    .createTable('test_job_runs')
    .addColumn('job_id', 'integer', (c) => c.notNull().unique())
    .addColumn('worker_id', 'text', (c) => c.notNull())
    .execute();
}
const recordRun = (db: Db, jobId: number, workerId: string) =>
  sql`insert into test_job_runs (job_id, worker_id) values (${jobId}, ${workerId})`.execute(db);
const runsOf = async (db: Db) =>
  (await sql<{ job_id: number; worker_id: string }>`select job_id, worker_id from test_job_runs order by job_id`.execute(db)).rows.map(
    (r) => ({
      job_id: Number(r.job_id),
      worker_id: r.worker_id,
    }),
  );

describe.each(testDialects())('job worker on %s', (dialect) => {
  let t: TestDatabase;
  let clock: ReturnType<typeof fakeClock>;
  let workspaceId: number;
  const extraHandles: { close: () => Promise<void> }[] = [];
  const toStop: { stop: (ms: number) => Promise<unknown> }[] = [];

  beforeEach(async () => {
    t = await createTestDatabase(dialect);
    clock = fakeClock();
    workspaceId = await createWorkspace(t.db, 'climate-austin');
  });
  afterEach(async () => {
    await Promise.all(toStop.splice(0).map((w) => w.stop(0)));
    await Promise.all(extraHandles.splice(0).map((h) => h.close()));
    await t.destroy();
  });

  function worker(definitions: JobDefinition[], overrides: Partial<WorkerDeps> = {}) {
    const w = createWorker({
      db: t.db,
      registry: createJobRegistry(definitions),
      clock,
      logger: silent,
      concurrency: 4,
      pollMs: 20,
      leaseMs: LEASE_MS,
      random: () => 0.5,
      ...overrides,
    });
    toStop.push(w);
    return w;
  }
  function open() {
    const handle = t.open();
    extraHandles.push(handle);
    return handle.db;
  }
  /** Enqueues like the app does: through a queue that knows the definitions (their defaults apply). */
  const enqueue = (input: EnqueueInput, definitions: JobDefinition[] = []) =>
    createJobQueue({ db: t.db, clock, registry: createJobRegistry(definitions) }).enqueue(t.db, input);

  it('runs a job with its payload and context, then marks it done', async () => {
    const seen: { payload: unknown; context: Omit<JobContext, 'logger' | 'signal'>; aborted: boolean }[] = [];
    const echo = defineJob({
      type: 'test.echo',
      payload: z.object({ text: z.string() }),
      handler: async (payload, { jobId, attempt, workspaceId: ws, signal }) => {
        seen.push({ payload, context: { jobId, attempt, workspaceId: ws }, aborted: signal.aborted });
      },
    });
    const { id } = await enqueue({ type: 'test.echo', payload: { text: 'hello' }, workspaceId });
    const w = worker([echo], { workerId: 'worker-1' });
    expect(await w.runOnce()).toBe(1);
    expect(seen).toEqual([{ payload: { text: 'hello' }, context: { jobId: id, attempt: 1, workspaceId }, aborted: false }]);
    expect(await getJob(t.db, id)).toMatchObject({ state: 'done', attempts: 1, locked_by: 'worker-1', finished_at: START });
    expect(await w.runOnce()).toBe(0);
  });

  it('retries with backoff, goes dead after maxAttempts, and runs again after retryDeadJob', async () => {
    let failing = true;
    let runs = 0;
    const flaky = defineJob({
      type: 'test.flaky',
      payload: z.object({ phone: z.string() }),
      maxAttempts: 3,
      backoff: { baseMs: 1_000, capMs: 10_000 },
      handler: async () => {
        runs++;
        if (failing) throw new Error('provider unavailable');
      },
    });
    const { id } = await enqueue({ type: 'test.flaky', payload: { phone: '+15125550100' }, workspaceId }, [flaky]);
    const w = worker([flaky]);

    expect(await w.runOnce()).toBe(1);
    // random() = 0.5: the first retry waits 500 ms, the second 1,000 ms.
    expect(await getJob(t.db, id)).toMatchObject({ state: 'queued', attempts: 1, run_at: START + 500, last_error: 'provider unavailable' });
    expect(await w.runOnce()).toBe(0);
    clock.advance(500);
    expect(await w.runOnce()).toBe(1);
    expect(await getJob(t.db, id)).toMatchObject({ state: 'queued', attempts: 2, run_at: START + 1_500 });
    clock.advance(999);
    expect(await w.runOnce()).toBe(0);
    clock.advance(1);
    expect(await w.runOnce()).toBe(1);
    expect(runs).toBe(3);
    expect(await getJob(t.db, id)).toMatchObject({
      state: 'dead',
      attempts: 3,
      last_error: 'provider unavailable',
      finished_at: START + 1_500,
    });
    clock.advance(60 * 60_000);
    expect(await w.runOnce()).toBe(0);

    expect(await countJobsByState(t.db, workspaceId)).toEqual({ queued: 0, running: 0, done: 0, dead: 1 });
    expect(await listJobs(t.db, { workspaceId, state: 'dead', limit: 10 })).toMatchObject([{ id, type: 'test.flaky', attempts: 3 }]);

    expect(await retryDeadJob(t.db, { workspaceId, jobId: id }, clock)).toBe(true);
    failing = false;
    expect(await w.runOnce()).toBe(1);
    expect(runs).toBe(4);
    expect(await getJob(t.db, id)).toMatchObject({ state: 'done', attempts: 1 });
    expect(await countJobsByState(t.db, workspaceId)).toEqual({ queued: 0, running: 0, done: 1, dead: 0 });
  });

  it('sends a job to dead at once on PermanentJobError', async () => {
    const landline = defineJob({
      type: 'test.landline',
      payload: z.object({}),
      handler: async () => {
        throw new PermanentJobError('the number is a landline');
      },
    });
    const { id } = await enqueue({ type: 'test.landline', payload: {} });
    await worker([landline]).runOnce();
    expect(await getJob(t.db, id)).toMatchObject({ state: 'dead', attempts: 1, last_error: 'the number is a landline' });
  });

  it('aborts and fails (as retryable) a handler that exceeds its timeout', async () => {
    let signal: AbortSignal | undefined;
    const slow = defineJob({
      type: 'test.slow',
      payload: z.object({}),
      timeoutMs: 50,
      handler: (_payload, context) => {
        signal = context.signal;
        return new Promise(() => {}); // never settles, ignores its signal
      },
    });
    const { id } = await enqueue({ type: 'test.slow', payload: {} });
    const started = Date.now();
    expect(await worker([slow]).runOnce()).toBe(1);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(signal?.aborted).toBe(true);
    expect(await getJob(t.db, id)).toMatchObject({ state: 'queued', attempts: 1, last_error: 'timed out after 50 ms', locked_by: null });
  });

  it('sends unknown types and invalid payloads to dead without storing the payload', async () => {
    const strict = defineJob({ type: 'test.strict', payload: z.object({ count: z.number() }), handler: async () => {} });
    const unknown = await enqueue({ type: 'test.removed_type', payload: {} });
    const invalid = await enqueue({ type: 'test.strict', payload: { count: '+15125550100' } }); // enqueued without validation
    const w = worker([strict]);
    expect(await w.runOnce()).toBe(2);
    const unknownRow = await getJob(t.db, unknown.id);
    expect(unknownRow).toMatchObject({ state: 'dead', attempts: 1 });
    expect(unknownRow.last_error).toContain('unknown job type "test.removed_type"');
    const invalidRow = await getJob(t.db, invalid.id);
    expect(invalidRow.state).toBe('dead');
    expect(invalidRow.last_error).toMatch(/^invalid payload: /);
    expect(invalidRow.last_error).not.toContain('5550100');

    await t.db.updateTable('jobs').set({ state: 'queued', payload: '{"count": +15125550100' }).where('id', '=', invalid.id).execute();
    expect(await w.runOnce()).toBe(1);
    expect(await getJob(t.db, invalid.id)).toMatchObject({ state: 'dead', last_error: 'invalid payload: not valid JSON' });
  });

  it('logs failures with the job id, type and attempt, never the payload', async () => {
    const lines: string[] = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(line) });
    const failing = defineJob({
      type: 'test.failing',
      payload: z.object({ phone: z.string() }),
      handler: async () => {
        throw new Error('carrier rejected the message');
      },
    });
    const { id } = await enqueue({ type: 'test.failing', payload: { phone: '+15125550100' } });
    await worker([failing], { logger }).runOnce();
    const entries = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(entries).toContainEqual(
      expect.objectContaining({ level: 40, jobId: id, jobType: 'test.failing', attempt: 1, error: 'carrier rejected the message' }),
    );
    expect(lines.join('\n')).not.toContain('5550100');
  });

  it('runs a job again, exactly once, when its worker died mid-job', async () => {
    await createRunsTable(t.db);
    const send = defineJob({
      type: 'test.send',
      payload: z.object({}),
      handler: async (_payload, { jobId }) => {
        await recordRun(t.db, jobId, 'B');
      },
    });
    const { id } = await enqueue({ type: 'test.send', payload: {} });
    // Worker A claims the job and dies: no completion, no heartbeat, no stop().
    const dead = createJobQueue({ db: t.db, clock });
    expect(await dead.claim({ workerId: 'A', limit: 1, leaseMs: LEASE_MS })).toHaveLength(1);

    const b = worker([send], { workerId: 'B' });
    expect(await b.runOnce()).toBe(0); // the lease still holds
    clock.advance(LEASE_MS + 1);
    expect(await b.runOnce()).toBe(1);
    expect(await b.runOnce()).toBe(0);

    // A comes back from the dead and reports: ignored.
    expect(await dead.complete({ jobId: id, workerId: 'A' })).toBe(false);
    expect(await runsOf(t.db)).toEqual([{ job_id: id, worker_id: 'B' }]);
    expect(await getJob(t.db, id)).toMatchObject({ state: 'done', attempts: 2, locked_by: 'B' });
  });

  it('aborts a handler whose lease was taken over and ignores its outcome', async () => {
    let aSignal: AbortSignal | undefined;
    const gate = deferred();
    const slowOnA = defineJob({
      type: 'test.slow_on_a',
      payload: z.object({}),
      handler: async (_payload, { signal }) => {
        aSignal = signal;
        await gate.promise; // finishes "successfully" after losing the lease
      },
    });
    const { id } = await enqueue({ type: 'test.slow_on_a', payload: {} });
    // A short real lease so that A's heartbeat (every leaseMs/3) runs during the test.
    const a = worker([slowOnA], { workerId: 'A', leaseMs: 300 });
    const aRun = a.runOnce();
    await waitFor(() => aSignal !== undefined);

    // A stalls past its lease (on the fake clock) and B takes the job over. (Should A's heartbeat land between
    // the clock moving and the reclaim, the lease is valid again: move the clock once more.)
    const b = createJobQueue({ db: open(), clock });
    await waitFor(async () => {
      clock.advance(60_000);
      return (await b.reclaimExpired()).requeued === 1;
    });
    expect(await b.claim({ workerId: 'B', limit: 1, leaseMs: LEASE_MS })).toMatchObject([{ id, attempts: 2 }]);

    // A's next heartbeat finds the lease gone and aborts the handler.
    await waitFor(() => aSignal?.aborted === true);
    gate.resolve();
    expect(await aRun).toBe(1);
    expect(await getJob(t.db, id)).toMatchObject({ state: 'running', locked_by: 'B' });
    expect(await b.complete({ jobId: id, workerId: 'B' })).toBe(true);
    expect(await getJob(t.db, id)).toMatchObject({ state: 'done', locked_by: 'B', attempts: 2 });
  });

  it('lets several workers, each with its own connections, run 400 jobs exactly once', async () => {
    await createRunsTable(t.db);
    const counts = new Map<number, number>();
    const running = new Map<string, number>();
    let overConcurrency = false;
    const concurrency = 5;
    const workers = ['w1', 'w2', 'w3', 'w4'].map((workerId) => {
      const db = open();
      const send = defineJob({
        type: 'test.send',
        payload: z.object({ n: z.number() }),
        handler: async (_payload, { jobId }) => {
          const now = (running.get(workerId) ?? 0) + 1;
          running.set(workerId, now);
          if (now > concurrency) overConcurrency = true;
          counts.set(jobId, (counts.get(jobId) ?? 0) + 1);
          await new Promise((resolve) => setTimeout(resolve, jobId % 3));
          await recordRun(db, jobId, workerId);
          running.set(workerId, (running.get(workerId) ?? 1) - 1);
        },
      });
      return worker([send], { db, workerId, concurrency, pollMs: 5 });
    });
    const queue = createJobQueue({ db: t.db, clock });
    const jobs = Array.from({ length: 400 }, (_, n) => ({ type: 'test.send', payload: { n }, workspaceId }));
    expect(await t.db.transaction().execute((trx) => queue.enqueueMany(trx, jobs))).toBe(400);

    for (const w of workers) w.start();
    // Stop waiting early if a job ran twice (the assertions below then say so).
    const ranTwice = () => [...counts.values()].some((n) => n > 1);
    await waitFor(async () => ranTwice() || (await countJobsByState(t.db, workspaceId)).done === 400, 25_000);
    const stopped = await Promise.all(workers.map((w) => w.stop(10_000)));
    expect(stopped.every((s) => s.abandoned === 0)).toBe(true);

    expect([...counts].filter(([, n]) => n > 1).map(([jobId]) => jobId)).toEqual([]); // no job ran twice
    expect(counts.size).toBe(400);
    expect(overConcurrency).toBe(false);
    const runs = await runsOf(t.db);
    expect(runs).toHaveLength(400);
    const byWorker = new Map<string, number>();
    for (const run of runs) byWorker.set(run.worker_id, (byWorker.get(run.worker_id) ?? 0) + 1);
    expect([...byWorker.values()].reduce((a, b) => a + b, 0)).toBe(400);
    const rows = await t.db.selectFrom('jobs').select(['state', 'attempts', 'last_error']).distinct().execute();
    expect(rows).toEqual([{ state: 'done', attempts: 1, last_error: null }]);
  });

  it('creates and runs a recurring job once across 3 workers', async () => {
    let runs = 0;
    const tick = defineJob({
      type: 'test.tick',
      payload: z.object({}),
      priority: PRIORITY.maintenance,
      recurring: { everyMs: 60_000, payload: {} },
      handler: async () => {
        runs++;
      },
    });
    const workers = [1, 2, 3].map((n) => worker([tick], { db: open(), workerId: `w${n}` }));
    expect(await Promise.all(workers.map((w) => w.runOnce()))).toEqual([0, 0, 0]);
    const slot = Math.floor(START / 60_000) * 60_000 + 60_000;
    const keys = async () =>
      (await t.db.selectFrom('jobs').select('idempotency_key').orderBy('id').execute()).map((r) => r.idempotency_key);
    expect(await keys()).toEqual([`recurring:test.tick:${slot}`]);

    clock.advance(slot - START);
    const claimed = await Promise.all(workers.map((w) => w.runOnce()));
    expect(claimed.reduce((a, b) => a + b, 0)).toBe(1);
    expect(runs).toBe(1);
    expect(await keys()).toEqual([`recurring:test.tick:${slot}`, `recurring:test.tick:${slot + 60_000}`]);
  });

  it('stop() waits for a running handler within its bound', async () => {
    const gate = deferred();
    let started = false;
    const slow = defineJob({
      type: 'test.slow',
      payload: z.object({}),
      handler: async () => {
        started = true;
        await gate.promise;
      },
    });
    const { id } = await enqueue({ type: 'test.slow', payload: {} });
    const w = worker([slow]);
    w.start();
    await waitFor(() => started);
    const stopping = w.stop(20_000);
    setTimeout(gate.resolve, 50);
    expect(await stopping).toEqual({ finished: 1, abandoned: 0 });
    expect(await getJob(t.db, id)).toMatchObject({ state: 'done' });
    // A stopped worker claims nothing more.
    await enqueue({ type: 'test.slow', payload: {}, workspaceId });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await countJobsByState(t.db, workspaceId)).toMatchObject({ queued: 1, running: 0 });
  });

  it('stop() returns promptly when the bound is exceeded and leaves the job to lease expiry', async () => {
    let signal: AbortSignal | undefined;
    let completions = 0;
    const hanging = defineJob({
      type: 'test.hanging',
      payload: z.object({}),
      handler: async (_payload, context) => {
        if (context.attempt === 1) {
          signal = context.signal;
          return new Promise(() => {}); // never settles
        }
        completions++;
      },
    });
    const { id } = await enqueue({ type: 'test.hanging', payload: {} });
    const a = worker([hanging], { workerId: 'A' });
    a.start();
    await waitFor(() => signal !== undefined);
    const before = Date.now();
    expect(await a.stop(100)).toEqual({ finished: 0, abandoned: 1 });
    expect(Date.now() - before).toBeLessThan(5_000);
    expect(signal?.aborted).toBe(true);
    // Not marked failed: still running under A's lease, until it expires.
    expect(await getJob(t.db, id)).toMatchObject({ state: 'running', locked_by: 'A', attempts: 1, last_error: null });

    const b = worker([hanging], { workerId: 'B' });
    expect(await b.runOnce()).toBe(0);
    clock.advance(LEASE_MS + 1);
    expect(await b.runOnce()).toBe(1);
    expect(completions).toBe(1);
    expect(await getJob(t.db, id)).toMatchObject({ state: 'done', locked_by: 'B', attempts: 2 });
  });
});

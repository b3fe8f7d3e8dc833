import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createTestDatabase, type TestDatabase, testDialects } from '../../test/helpers/db.ts';
import type { Db } from '../db/database.ts';
import { backoffDelay, DEFAULT_BACKOFF, defineJob, PRIORITY } from './define.ts';
import { countJobsByState, createJobQueue, type JobQueue, listJobs, MAX_ERROR_LENGTH, retryDeadJob } from './queue.ts';
import { createJobRegistry } from './registry.ts';

// The JobQueue contract, on SQLite and (with TEST_DATABASE_URL) PostgreSQL. Times come from a fake clock.

const START = Date.UTC(2026, 10, 22, 12, 0, 0);
const LEASE_MS = 30_000;

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
const countJobs = async (db: Db) =>
  Number(
    (
      await db
        .selectFrom('jobs')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );

const sendReply = defineJob({
  type: 'test.send_reply',
  payload: z.object({ conversationId: z.number().int() }),
  priority: PRIORITY.reply,
  maxAttempts: 7,
  handler: async () => {},
});

describe.each(testDialects())('job queue on %s', (dialect) => {
  let t: TestDatabase;
  let clock: ReturnType<typeof fakeClock>;
  let queue: JobQueue;
  let workspaceId: number;

  beforeEach(async () => {
    t = await createTestDatabase(dialect);
    clock = fakeClock();
    queue = createJobQueue({ db: t.db, clock, registry: createJobRegistry([sendReply]), random: () => 0.5 });
    workspaceId = await createWorkspace(t.db, 'climate-austin');
  });
  afterEach(async () => {
    await t.destroy();
  });

  it('enqueues, claims and completes a job', async () => {
    const { id, created } = await queue.enqueue(t.db, { type: 'test.echo', payload: { n: 1 }, workspaceId });
    expect(created).toBe(true);
    expect(await getJob(t.db, id)).toMatchObject({
      state: 'queued',
      attempts: 0,
      max_attempts: 5,
      run_at: START,
      workspace_id: workspaceId,
    });

    const [job, ...rest] = await queue.claim({ workerId: 'A', limit: 10, leaseMs: LEASE_MS });
    expect(rest).toEqual([]);
    expect(job).toMatchObject({ id, state: 'running', attempts: 1, locked_by: 'A', lease_expires_at: START + LEASE_MS });
    expect(JSON.parse(job?.payload ?? '')).toEqual({ n: 1 });
    expect(await queue.claim({ workerId: 'B', limit: 10, leaseMs: LEASE_MS })).toEqual([]);

    clock.advance(1_234);
    expect(await queue.complete({ jobId: id, workerId: 'A' })).toBe(true);
    expect(await getJob(t.db, id)).toMatchObject({ state: 'done', finished_at: START + 1_234, lease_expires_at: null });
    expect(await queue.claim({ workerId: 'A', limit: 10, leaseMs: LEASE_MS })).toEqual([]);
  });

  it('does not claim a delayed job before its time', async () => {
    const delayed = await queue.enqueue(t.db, { type: 'test.echo', payload: {}, delayMs: 60_000 });
    const scheduled = await queue.enqueue(t.db, { type: 'test.echo', payload: {}, runAt: START + 120_000 });
    expect(await queue.claim({ workerId: 'A', limit: 10, leaseMs: LEASE_MS })).toEqual([]);
    clock.advance(59_999);
    expect(await queue.claim({ workerId: 'A', limit: 10, leaseMs: LEASE_MS })).toEqual([]);
    clock.advance(1);
    expect((await queue.claim({ workerId: 'A', limit: 10, leaseMs: LEASE_MS })).map((j) => j.id)).toEqual([delayed.id]);
    clock.advance(60_000);
    expect((await queue.claim({ workerId: 'A', limit: 10, leaseMs: LEASE_MS })).map((j) => j.id)).toEqual([scheduled.id]);
  });

  it('claims by priority, then run_at, then id, up to the limit', async () => {
    const bulk = await queue.enqueue(t.db, { type: 'test.echo', payload: {}, priority: PRIORITY.bulk });
    const maintenance = await queue.enqueue(t.db, { type: 'test.echo', payload: {}, priority: PRIORITY.maintenance });
    const automationLater = await queue.enqueue(t.db, { type: 'test.echo', payload: {}, priority: PRIORITY.automation });
    const automationEarlier = await queue.enqueue(t.db, {
      type: 'test.echo',
      payload: {},
      priority: PRIORITY.automation,
      runAt: START - 1_000,
    });
    const reply = await queue.enqueue(t.db, { type: 'test.send_reply', payload: { conversationId: 1 } }); // the definition's priority

    const first = await queue.claim({ workerId: 'A', limit: 3, leaseMs: LEASE_MS });
    expect(first.map((j) => j.id)).toEqual([reply.id, automationEarlier.id, automationLater.id]);
    const second = await queue.claim({ workerId: 'A', limit: 3, leaseMs: LEASE_MS });
    expect(second.map((j) => j.id)).toEqual([bulk.id, maintenance.id]);
  });

  it('enqueues a job with an idempotency key once', async () => {
    const first = await queue.enqueue(t.db, { type: 'test.echo', payload: { v: 1 }, idempotencyKey: 'member:7:welcome' });
    const again = await queue.enqueue(t.db, { type: 'test.echo', payload: { v: 2 }, idempotencyKey: 'member:7:welcome' });
    expect(first.created).toBe(true);
    expect(again).toEqual({ id: first.id, created: false });
    expect(JSON.parse((await getJob(t.db, first.id)).payload)).toEqual({ v: 1 });

    // Still deduplicated once the job has run; unique per type; jobs without a key never collide.
    await queue.claim({ workerId: 'A', limit: 1, leaseMs: LEASE_MS });
    await queue.complete({ jobId: first.id, workerId: 'A' });
    expect(await queue.enqueue(t.db, { type: 'test.echo', payload: {}, idempotencyKey: 'member:7:welcome' })).toEqual({
      id: first.id,
      created: false,
    });
    const otherType = await queue.enqueue(t.db, { type: 'test.other', payload: {}, idempotencyKey: 'member:7:welcome' });
    expect(otherType.created).toBe(true);
    await queue.enqueue(t.db, { type: 'test.echo', payload: {} });
    await queue.enqueue(t.db, { type: 'test.echo', payload: {} });
    expect(await countJobs(t.db)).toBe(4);

    // Inside a transaction, and in bulk.
    const inTrx = await t.db
      .transaction()
      .execute((trx) => queue.enqueue(trx, { type: 'test.echo', payload: {}, idempotencyKey: 'member:7:welcome' }));
    expect(inTrx).toEqual({ id: first.id, created: false });
    const created = await queue.enqueueMany(t.db, [
      { type: 'test.echo', payload: {}, idempotencyKey: 'member:7:welcome' },
      { type: 'test.echo', payload: {}, idempotencyKey: 'member:8:welcome' },
      { type: 'test.echo', payload: {}, idempotencyKey: 'member:8:welcome' },
      { type: 'test.echo', payload: {} },
    ]);
    expect(created).toBe(2);
    expect(await countJobs(t.db)).toBe(6);
  });

  it('leaves no job behind when the enqueuing transaction rolls back', async () => {
    await expect(
      t.db.transaction().execute(async (trx) => {
        const other = await createWorkspace(trx, 'fearful-flyers');
        await queue.enqueue(trx, { type: 'test.echo', payload: { welcome: true }, workspaceId: other });
        await queue.enqueueMany(trx, [{ type: 'test.echo', payload: {} }]);
        throw new Error('the write failed');
      }),
    ).rejects.toThrow('the write failed');
    expect(await countJobs(t.db)).toBe(0);
    expect(await t.db.selectFrom('workspaces').select('slug').execute()).toEqual([{ slug: 'climate-austin' }]);

    const { id } = await t.db.transaction().execute(async (trx) => {
      const other = await createWorkspace(trx, 'fearful-flyers');
      return queue.enqueue(trx, { type: 'test.echo', payload: { welcome: true }, workspaceId: other });
    });
    expect(await countJobs(t.db)).toBe(1);
    expect((await queue.claim({ workerId: 'A', limit: 1, leaseMs: LEASE_MS }))[0]?.id).toBe(id);
  });

  it('validates payloads of known types at enqueue time and takes their defaults', async () => {
    await expect(queue.enqueue(t.db, { type: 'test.send_reply', payload: { conversationId: 'x' } })).rejects.toThrow(
      /Invalid payload for job "test.send_reply"/,
    );
    await expect(queue.enqueueMany(t.db, [{ type: 'test.send_reply', payload: {} }])).rejects.toThrow(/Invalid payload/);
    expect(await countJobs(t.db)).toBe(0);

    const known = await queue.enqueue(t.db, { type: 'test.send_reply', payload: { conversationId: 3 } });
    expect(await getJob(t.db, known.id)).toMatchObject({ priority: PRIORITY.reply, max_attempts: 7 });
    const overridden = await queue.enqueue(t.db, { type: 'test.send_reply', payload: { conversationId: 3 }, priority: 5, maxAttempts: 2 });
    expect(await getJob(t.db, overridden.id)).toMatchObject({ priority: 5, max_attempts: 2 });
    // A type this process does not know (another deployment's) is stored as is.
    const unknown = await queue.enqueue(t.db, { type: 'test.elsewhere', payload: { anything: [1, 2] } });
    expect(await getJob(t.db, unknown.id)).toMatchObject({ priority: PRIORITY.automation, max_attempts: 5 });
    await expect(queue.enqueue(t.db, { type: 'test.echo', payload: {}, runAt: START, delayMs: 5 })).rejects.toThrow(/not both/);
  });

  it('reclaims a job whose lease expired, and ignores the first worker afterwards', async () => {
    const { id } = await queue.enqueue(t.db, { type: 'test.echo', payload: {} });
    await queue.claim({ workerId: 'A', limit: 1, leaseMs: LEASE_MS });

    clock.advance(LEASE_MS - 1);
    expect(await queue.reclaimExpired()).toEqual({ requeued: 0, dead: 0 });
    expect(await queue.renewLease({ jobId: id, workerId: 'A', leaseMs: LEASE_MS })).toBe(true);
    clock.advance(LEASE_MS - 1);
    expect(await queue.reclaimExpired()).toEqual({ requeued: 0, dead: 0 }); // renewed in time
    clock.advance(2);
    expect(await queue.reclaimExpired()).toEqual({ requeued: 1, dead: 0 });

    const [again] = await queue.claim({ workerId: 'B', limit: 1, leaseMs: LEASE_MS });
    expect(again).toMatchObject({ id, attempts: 2, locked_by: 'B', last_error: 'lease expired' });

    expect(await queue.renewLease({ jobId: id, workerId: 'A', leaseMs: LEASE_MS })).toBe(false);
    expect(await queue.complete({ jobId: id, workerId: 'A' })).toBe(false);
    expect(await queue.fail({ job: { id, attempts: 1, max_attempts: 5 }, workerId: 'A', error: new Error('late') })).toEqual({
      recorded: false,
    });
    expect(await getJob(t.db, id)).toMatchObject({ state: 'running', locked_by: 'B' });
    expect(await queue.complete({ jobId: id, workerId: 'B' })).toBe(true);
    expect(await queue.complete({ jobId: id, workerId: 'B' })).toBe(false);
    expect(await getJob(t.db, id)).toMatchObject({ state: 'done', locked_by: 'B', attempts: 2 });
  });

  it('sends a job whose lease expired on its last attempt to dead', async () => {
    const { id } = await queue.enqueue(t.db, { type: 'test.echo', payload: {}, maxAttempts: 1 });
    await queue.claim({ workerId: 'A', limit: 1, leaseMs: LEASE_MS });
    clock.advance(LEASE_MS + 1);
    expect(await queue.reclaimExpired()).toEqual({ requeued: 0, dead: 1 });
    expect(await getJob(t.db, id)).toMatchObject({ state: 'dead', last_error: 'lease expired', finished_at: START + LEASE_MS + 1 });
    expect(await queue.claim({ workerId: 'B', limit: 1, leaseMs: LEASE_MS })).toEqual([]);
  });

  it('retries a failed job after a backoff, then sends it to dead', async () => {
    const { id } = await queue.enqueue(t.db, { type: 'test.echo', payload: {}, maxAttempts: 2, workspaceId });
    const [job] = await queue.claim({ workerId: 'A', limit: 1, leaseMs: LEASE_MS });
    if (!job) throw new Error('not claimed');
    const retry = await queue.fail({ job, workerId: 'A', error: new Error('provider timeout') });
    // random() = 0.5, first retry: half of baseMs.
    expect(retry).toEqual({ recorded: true, state: 'queued', runAt: START + 500, error: 'provider timeout' });
    expect(await getJob(t.db, id)).toMatchObject({ state: 'queued', run_at: START + 500, last_error: 'provider timeout', locked_by: null });
    expect(await queue.claim({ workerId: 'A', limit: 1, leaseMs: LEASE_MS })).toEqual([]);

    clock.advance(500);
    const [second] = await queue.claim({ workerId: 'A', limit: 1, leaseMs: LEASE_MS });
    if (!second) throw new Error('not claimed');
    expect(second.attempts).toBe(2);
    const long = 'x'.repeat(5_000);
    const dead = await queue.fail({ job: second, workerId: 'A', error: new Error(long) });
    expect(dead).toMatchObject({ recorded: true, state: 'dead' });
    const row = await getJob(t.db, id);
    expect(row).toMatchObject({ state: 'dead', finished_at: START + 500 });
    expect(row.last_error?.length).toBe(MAX_ERROR_LENGTH);
  });

  it('sends a permanently failed job to dead at once', async () => {
    const { id } = await queue.enqueue(t.db, { type: 'test.echo', payload: {} });
    const [job] = await queue.claim({ workerId: 'A', limit: 1, leaseMs: LEASE_MS });
    if (!job) throw new Error('not claimed');
    expect(await queue.fail({ job, workerId: 'A', error: new Error('number is a landline'), permanent: true })).toEqual({
      recorded: true,
      state: 'dead',
      error: 'number is a landline',
    });
    expect(await getJob(t.db, id)).toMatchObject({ state: 'dead', attempts: 1, last_error: 'number is a landline' });
  });

  it('lists, counts and retries a workspace’s jobs, and no other workspace’s', async () => {
    const other = await createWorkspace(t.db, 'parents-for-safe-streets');
    const ids: number[] = [];
    for (let i = 0; i < 5; i++)
      ids.push((await queue.enqueue(t.db, { type: 'test.echo', payload: { secret: '+15125550100' }, workspaceId })).id);
    const foreign = await queue.enqueue(t.db, { type: 'test.echo', payload: {}, workspaceId: other, maxAttempts: 1 });
    await queue.enqueue(t.db, { type: 'test.echo', payload: {} }); // a system job
    // Make ids[0] dead, ids[1] done, ids[2] running.
    const claimed = await queue.claim({ workerId: 'A', limit: 3, leaseMs: LEASE_MS });
    const [a, b] = claimed;
    if (!a || !b) throw new Error('not claimed');
    await queue.fail({ job: a, workerId: 'A', error: new Error('gone'), permanent: true });
    await queue.complete({ jobId: b.id, workerId: 'A' });

    expect(await countJobsByState(t.db, workspaceId)).toEqual({ queued: 2, running: 1, done: 1, dead: 1 });
    expect(await countJobsByState(t.db, other)).toEqual({ queued: 1, running: 0, done: 0, dead: 0 });

    const page1 = await listJobs(t.db, { workspaceId, limit: 3 });
    expect(page1.map((j) => j.id)).toEqual([ids[4], ids[3], ids[2]]);
    const page2 = await listJobs(t.db, { workspaceId, limit: 3, before: page1.at(-1)?.id });
    expect(page2.map((j) => j.id)).toEqual([ids[1], ids[0]]);
    expect(page2[1]).toMatchObject({ state: 'dead', last_error: 'gone', attempts: 1 });
    expect(page2[1]).not.toHaveProperty('payload');
    expect((await listJobs(t.db, { workspaceId, state: 'dead', limit: 10 })).map((j) => j.id)).toEqual([ids[0]]);

    const deadId = ids[0] as number;
    expect(await retryDeadJob(t.db, { workspaceId: other, jobId: deadId }, clock)).toBe(false); // another workspace
    expect(await retryDeadJob(t.db, { workspaceId, jobId: ids[3] as number }, clock)).toBe(false); // not dead
    expect(await retryDeadJob(t.db, { workspaceId, jobId: foreign.id }, clock)).toBe(false);
    clock.advance(10);
    expect(await retryDeadJob(t.db, { workspaceId, jobId: deadId }, clock)).toBe(true);
    expect(await getJob(t.db, deadId)).toMatchObject({ state: 'queued', attempts: 0, run_at: START + 10, finished_at: null });
    expect(await retryDeadJob(t.db, { workspaceId, jobId: deadId }, clock)).toBe(false);
    expect(await countJobsByState(t.db, workspaceId)).toEqual({ queued: 3, running: 1, done: 1, dead: 0 });
  });

  it('enqueues many jobs in one transaction and claims them in batches', async () => {
    const jobs = Array.from({ length: 2_500 }, (_, i) => ({ type: 'test.echo', payload: { i }, workspaceId, priority: PRIORITY.bulk }));
    expect(await queue.enqueueMany(t.db, jobs)).toBe(2_500);
    expect(await countJobs(t.db)).toBe(2_500);
    const seen = new Set<number>();
    for (;;) {
      const batch = await queue.claim({ workerId: 'A', limit: 1_000, leaseMs: LEASE_MS });
      if (batch.length === 0) break;
      for (const job of batch) {
        seen.add(job.id);
        await queue.complete({ jobId: job.id, workerId: 'A' });
      }
    }
    expect(seen.size).toBe(2_500);
    expect(await countJobsByState(t.db, workspaceId)).toMatchObject({ done: 2_500, queued: 0 });
  });

  it('creates each occurrence of a recurring job once, however many workers schedule it', async () => {
    const recurring = defineJob({
      type: 'test.tick',
      payload: z.object({ scope: z.string() }),
      priority: PRIORITY.maintenance,
      recurring: { everyMs: 60_000, payload: { scope: 'all' } },
      handler: async () => {},
    });
    const registry = createJobRegistry([recurring, sendReply]);
    const handles = [t.open(), t.open(), t.open()];
    try {
      const queues = handles.map((h) => createJobQueue({ db: h.db, clock, registry }));
      const created = await Promise.all(queues.map((q) => q.scheduleRecurring(registry)));
      expect(created.reduce((a, b) => a + b, 0)).toBe(1);
      await Promise.all(queues.map((q) => q.scheduleRecurring(registry)));
      clock.advance(30_000); // same slot
      await Promise.all(queues.map((q) => q.scheduleRecurring(registry)));
      clock.advance(30_000); // the next slot starts: its successor is created
      const again = await Promise.all(queues.map((q) => q.scheduleRecurring(registry)));
      expect(again.reduce((a, b) => a + b, 0)).toBe(1);

      const rows = await t.db
        .selectFrom('jobs')
        .select(['type', 'idempotency_key', 'run_at', 'priority', 'payload'])
        .orderBy('run_at')
        .execute();
      const firstSlot = Math.floor(START / 60_000) * 60_000 + 60_000;
      expect(rows).toEqual([
        {
          type: 'test.tick',
          idempotency_key: `recurring:test.tick:${firstSlot}`,
          run_at: firstSlot,
          priority: PRIORITY.maintenance,
          payload: '{"scope":"all"}',
        },
        {
          type: 'test.tick',
          idempotency_key: `recurring:test.tick:${firstSlot + 60_000}`,
          run_at: firstSlot + 60_000,
          priority: PRIORITY.maintenance,
          payload: '{"scope":"all"}',
        },
      ]);
    } finally {
      await Promise.all(handles.map((h) => h.close()));
    }
  });

  it('serves the claim, admin and retention queries from indexes', async () => {
    // A guard against a schema or query change that would turn them into table scans.
    const plan = async (query: string) => {
      if (dialect === 'sqlite') {
        const { rows } = await sql<{ detail: string }>`explain query plan ${sql.raw(query)}`.execute(t.db);
        return rows.map((r) => r.detail).join('\n');
      }
      return t.db.transaction().execute(async (trx) => {
        await sql`set local enable_seqscan = off`.execute(trx);
        const { rows } = await sql<Record<string, string>>`explain ${sql.raw(query)}`.execute(trx);
        return rows.map((r) => Object.values(r).join(' ')).join('\n');
      });
    };
    expect(
      await plan(`select id from jobs where state = 'queued' and run_at <= ${START} order by priority, run_at, id limit 10`),
    ).toContain('jobs_claim_idx');
    expect(await plan(`select id from jobs where state = 'running' and lease_expires_at < ${START} order by id limit 10`)).toContain(
      'jobs_claim_idx',
    );
    expect(await plan(`select id from jobs where workspace_id = ${workspaceId} and state = 'dead' order by id desc limit 10`)).toContain(
      'jobs_workspace_idx',
    );
    expect(await plan(`select id from jobs where state = 'done' and finished_at < ${START} limit 10`)).toContain('jobs_done_idx');
  });
});

describe('backoffDelay', () => {
  it('grows exponentially with full jitter, up to the cap', () => {
    expect(backoffDelay(1, DEFAULT_BACKOFF, () => 0)).toBe(0);
    expect(backoffDelay(1, DEFAULT_BACKOFF, () => 0.999_999)).toBe(999);
    expect(backoffDelay(4, DEFAULT_BACKOFF, () => 0.5)).toBe(4_000);
    expect(backoffDelay(40, DEFAULT_BACKOFF, () => 0.5)).toBe(30 * 60_000);
    expect(backoffDelay(10_000, { baseMs: 10, capMs: 1_000 }, () => 0.999_999)).toBe(999);
  });
});

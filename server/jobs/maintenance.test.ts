import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase, testDialects } from '../../test/helpers/db.ts';
import { PRIORITY } from './define.ts';
import { createJobsMaintenanceJob, DONE_JOB_RETENTION_MS, JOBS_MAINTENANCE_TYPE } from './maintenance.ts';
import { createJobQueue } from './queue.ts';
import { createJobRegistry } from './registry.ts';
import { createWorker } from './worker.ts';

const START = Date.UTC(2026, 10, 22, 12, 0, 0);
const HOUR = 60 * 60_000;
const DAY = 24 * HOUR;

function fakeClock(start = START) {
  let now = start;
  return {
    now: () => now,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

describe.each(testDialects())('jobs maintenance on %s', (dialect) => {
  let t: TestDatabase;
  let clock: ReturnType<typeof fakeClock>;

  beforeEach(async () => {
    t = await createTestDatabase(dialect);
    clock = fakeClock();
  });
  afterEach(async () => {
    await t.destroy();
  });

  it('is scheduled hourly and deletes done jobs older than 7 days, in batches, keeping everything else', async () => {
    const maintenance = createJobsMaintenanceJob({ db: t.db, clock, batchSize: 10 });
    const registry = createJobRegistry([maintenance]);
    expect(registry.recurring()).toEqual([
      { type: JOBS_MAINTENANCE_TYPE, everyMs: HOUR, offsetMs: 0, payload: {}, priority: PRIORITY.maintenance, maxAttempts: 3 },
    ]);
    const queue = createJobQueue({ db: t.db, clock, registry });

    // 25 done jobs finished 8 days ago, 3 finished 6 days ago, 4 dead and 2 queued jobs from 8 days ago.
    const make = async (count: number, state: 'done' | 'dead' | 'queued', finishedAt: number | null) => {
      await queue.enqueueMany(
        t.db,
        Array.from({ length: count }, () => ({ type: 'test.old', payload: {} })),
      );
      await t.db
        .updateTable('jobs')
        .set({ state, finished_at: finishedAt, run_at: START - 8 * DAY })
        .where('type', '=', 'test.old')
        .where('run_at', '=', START)
        .execute();
    };
    await make(25, 'done', START - DONE_JOB_RETENTION_MS - DAY);
    await make(3, 'done', START - DONE_JOB_RETENTION_MS + DAY);
    await make(4, 'dead', START - 8 * DAY);
    await make(2, 'queued', null);
    // Park the old queued jobs in the future so the worker below only claims the maintenance job.
    await t.db
      .updateTable('jobs')
      .set({ run_at: START + 100 * DAY })
      .where('state', '=', 'queued')
      .execute();

    const worker = createWorker({
      db: t.db,
      registry,
      clock,
      logger: pino({ level: 'silent' }),
      concurrency: 2,
      pollMs: 20,
      leaseMs: 60_000,
    });
    expect(await worker.runOnce()).toBe(0); // schedules the next occurrence, at the top of the hour
    clock.advance(HOUR);
    expect(await worker.runOnce()).toBe(1);

    const left = await t.db
      .selectFrom('jobs')
      .select(['type', 'state', (eb) => eb.fn.countAll<number>().as('count')])
      .groupBy(['type', 'state'])
      .orderBy('type')
      .orderBy('state')
      .execute();
    expect(left.map((r) => ({ ...r, count: Number(r.count) }))).toEqual([
      { type: JOBS_MAINTENANCE_TYPE, state: 'done', count: 1 },
      { type: JOBS_MAINTENANCE_TYPE, state: 'queued', count: 1 }, // the next occurrence
      { type: 'test.old', state: 'dead', count: 4 },
      { type: 'test.old', state: 'done', count: 3 },
      { type: 'test.old', state: 'queued', count: 2 },
    ]);

    // Idempotent: the next run finds nothing more to delete.
    clock.advance(HOUR);
    expect(await worker.runOnce()).toBe(1);
    const counts = await t.db
      .selectFrom('jobs')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('type', '=', 'test.old')
      .executeTakeFirstOrThrow();
    expect(Number(counts.n)).toBe(9);
  });
});

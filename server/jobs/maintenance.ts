import { type Kysely, sql } from 'kysely';
import { z } from 'zod';
import type { Database } from '../db/schema.ts';
import type { Clock } from '../lib/clock.ts';
import { defineJob, PRIORITY } from './define.ts';

// Keeps the jobs table small: deletes 'done' jobs finished more than 7 days ago, a batch at a time so no statement
// holds the SQLite write lock (or a large PostgreSQL row lock set) for long. Dead jobs are kept for the admin view.
// Idempotent: a second run finds nothing to delete.

export const JOBS_MAINTENANCE_TYPE = 'jobs.delete_done';
export const DONE_JOB_RETENTION_MS = 7 * 24 * 60 * 60_000;
const HOUR = 60 * 60_000;

export function createJobsMaintenanceJob(deps: {
  db: Kysely<Database>;
  clock: Clock;
  retentionMs?: number;
  batchSize?: number;
  everyMs?: number;
}) {
  const { db, clock } = deps;
  const retentionMs = deps.retentionMs ?? DONE_JOB_RETENTION_MS;
  const batchSize = deps.batchSize ?? 1_000;
  return defineJob({
    type: JOBS_MAINTENANCE_TYPE,
    payload: z.object({}),
    priority: PRIORITY.maintenance,
    maxAttempts: 3,
    timeoutMs: 10 * 60_000,
    recurring: { everyMs: deps.everyMs ?? HOUR, payload: {} },
    handler: async (_payload, { signal, logger }) => {
      const cutoff = clock.now() - retentionMs;
      let deleted = 0;
      while (!signal.aborted) {
        const result = await db
          .deleteFrom('jobs')
          .where('id', 'in', (eb) =>
            eb
              .selectFrom('jobs')
              .select('id')
              // A literal, so SQLite can use the partial index jobs_done_idx (… where state = 'done').
              .where('state', '=', sql.lit('done'))
              .where('finished_at', '<', cutoff)
              .limit(batchSize),
          )
          .executeTakeFirst();
        const count = Number(result.numDeletedRows);
        deleted += count;
        if (count < batchSize) break;
      }
      if (deleted > 0) logger.info({ deleted }, 'deleted old done jobs');
    },
  });
}

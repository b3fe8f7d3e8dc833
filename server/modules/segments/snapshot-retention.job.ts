import { sql } from 'kysely';
import { z } from 'zod';
import type { Db } from '../../db/database.ts';
import { defineJob, PRIORITY } from '../../jobs/define.ts';
import type { Clock } from '../../lib/clock.ts';
import { EXPANSION_DONE } from '../messaging/broadcasts.repo.ts';

// Segment snapshots hold a row per member (a broadcast to a million members freezes a million rows), and they matter
// only while something reads them: an export while it streams, a broadcast until its expansion has written every
// message (a paused broadcast resumes from its snapshot). `segments.prune_snapshots` deletes them once they are past
// use: exports after a day, broadcasts a week after their expansion finished or they were cancelled, snapshots taken
// through the API after 30 days. Members go a batch at a time so no statement holds the write lock for long; the
// snapshot row goes last, so a run cut short finishes the job on the next one. The broadcast keeps the snapshot's id.

export const SNAPSHOT_PRUNE_JOB = 'segments.prune_snapshots';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** How long a snapshot is kept after it was taken (broadcast: and after its expansion is over). */
export const SNAPSHOT_RETENTION_MS = { export: DAY, broadcast: 7 * DAY, api: 30 * DAY } as const;

/** The snapshots past use, oldest first. */
async function expiredSnapshots(db: Db, now: number, limit: number) {
  return db
    .selectFrom('segment_snapshots as s')
    .select(['s.id', 's.workspace_id'])
    .where((eb) =>
      eb.or([
        eb.and([eb('s.purpose', '=', 'export'), eb('s.created_at', '<', now - SNAPSHOT_RETENTION_MS.export)]),
        eb.and([eb('s.purpose', '=', 'api'), eb('s.created_at', '<', now - SNAPSHOT_RETENTION_MS.api)]),
        eb.and([
          eb('s.purpose', '=', 'broadcast'),
          eb('s.created_at', '<', now - SNAPSHOT_RETENTION_MS.broadcast),
          // No broadcast still reads it: every one that froze it has written all its messages or was cancelled.
          eb.not(
            eb.exists(
              eb
                .selectFrom('broadcasts as b')
                .select(sql.lit(1).as('one'))
                .whereRef('b.workspace_id', '=', 's.workspace_id')
                .whereRef('b.segment_snapshot_id', '=', 's.id')
                .where('b.expand_cursor', '<>', EXPANSION_DONE)
                .where('b.status', '<>', 'cancelled'),
            ),
          ),
        ]),
      ]),
    )
    .orderBy('s.id')
    .limit(limit)
    .execute();
}

/** Deletes the snapshots past use; returns how many snapshots and member rows went. */
export async function pruneSnapshots(
  db: Db,
  now: number,
  options: { batch?: number; signal?: AbortSignal } = {},
): Promise<{ snapshots: number; members: number }> {
  const batch = options.batch ?? 10_000;
  let snapshots = 0;
  let members = 0;
  for (;;) {
    const expired = await expiredSnapshots(db, now, 100);
    if (expired.length === 0) break;
    for (const snapshot of expired) {
      for (;;) {
        if (options.signal?.aborted) return { snapshots, members };
        const result = await db
          .deleteFrom('segment_snapshot_members')
          .where('workspace_id', '=', snapshot.workspace_id)
          .where('snapshot_id', '=', snapshot.id)
          .where('member_id', 'in', (eb) =>
            eb
              .selectFrom('segment_snapshot_members')
              .select('member_id')
              .where('workspace_id', '=', snapshot.workspace_id)
              .where('snapshot_id', '=', snapshot.id)
              .limit(batch),
          )
          .executeTakeFirst();
        const count = Number(result.numDeletedRows);
        members += count;
        if (count < batch) break;
      }
      await db.deleteFrom('segment_snapshots').where('workspace_id', '=', snapshot.workspace_id).where('id', '=', snapshot.id).execute();
      snapshots += 1;
    }
  }
  return { snapshots, members };
}

export function createSnapshotRetentionJob(deps: { db: Db; clock: Clock }) {
  return defineJob({
    type: SNAPSHOT_PRUNE_JOB,
    payload: z.object({}),
    priority: PRIORITY.maintenance,
    maxAttempts: 3,
    timeoutMs: 30 * 60_000,
    recurring: { everyMs: HOUR, payload: {} },
    handler: async (_payload, { signal, logger }) => {
      const pruned = await pruneSnapshots(deps.db, deps.clock.now(), { signal });
      if (pruned.snapshots > 0) logger.info(pruned, 'deleted segment snapshots past use');
    },
  });
}

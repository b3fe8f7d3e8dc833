import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import { pauseBroadcast } from './broadcasts.repo.ts';
import { readStats } from './stats.repo.ts';

/** Failures are judged once this many messages of a broadcast have left the outbox. */
const MIN_SAMPLE = 50;

/**
 * After sends or statuses moved a broadcast's counters: complete it when every queued message has left the outbox,
 * and pause it (telling the organizer why) when the share of failures passes the workspace's threshold — a bad
 * number list, a blocked sender or a carrier filter should not burn through the whole audience.
 */
export async function checkBroadcasts(db: Kysely<Database>, input: { workspaceId: number; broadcastIds: readonly number[]; now: number }) {
  if (input.broadcastIds.length === 0) return;
  const rows = await db
    .selectFrom('broadcasts as b')
    .innerJoin('workspaces as w', 'w.id', 'b.workspace_id')
    .select(['b.id', 'b.status', 'w.failure_pause_percent'])
    .where('b.workspace_id', '=', input.workspaceId)
    .where('b.id', 'in', [...input.broadcastIds])
    .where('b.status', 'in', ['sending', 'expanding'])
    .execute();
  for (const row of rows) {
    const stats = await readStats(db, input.workspaceId, row.id);
    const queued = stats.get('queued') ?? 0;
    const finished = stats.get('finished') ?? 0;
    const failed = stats.get('failed') ?? 0;
    if (finished >= MIN_SAMPLE && failed * 100 > row.failure_pause_percent * finished) {
      const worst = [...stats.entries()].filter(([key]) => key.startsWith('failed:')).sort((a, b) => b[1] - a[1])[0];
      const percent = Math.round((failed * 100) / finished);
      const reason = `Paused automatically: ${percent}% of the ${finished} messages sent so far failed${
        worst ? ` (most often error ${worst[0].slice(7)}, ${worst[1]} times)` : ''
      }, above the ${row.failure_pause_percent}% limit. Check the sender and the list, then resume.`;
      await db
        .transaction()
        .execute((trx) => pauseBroadcast(trx, { workspaceId: input.workspaceId, broadcastId: row.id, reason, now: input.now }));
      continue;
    }
    if (row.status === 'sending' && finished >= queued) {
      await db
        .updateTable('broadcasts')
        .set({ status: 'completed', completed_at: input.now, updated_at: input.now })
        .where('workspace_id', '=', input.workspaceId)
        .where('id', '=', row.id)
        .where('status', '=', 'sending')
        .execute();
    }
  }
}

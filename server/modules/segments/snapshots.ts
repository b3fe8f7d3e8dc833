import { type SqlBool, sql } from 'kysely';
import type { SegmentSnapshotPurpose } from '../../db/schema.ts';
import { AppError } from '../../http/errors.ts';
import { resolveSegment, segmentWhere } from './segment-sql.ts';
import { type Executor, findSegment, storedRules } from './segments.repo.ts';

// A snapshot freezes who was in a segment when it was used (a broadcast's launch, an export): the members matching
// then stay the audience however the members, their activities or the rules change afterwards. It is written inside
// the database, window by window of member ids (INSERT … SELECT over the compiled rules), so a million members never
// pass through the process and each statement stays short.

/** Members of the workspace per INSERT … SELECT. */
const WINDOW = 200_000;

export const segmentNotFound = () =>
  new AppError({ code: 'segment.not_found', status: 404, message: 'There is no segment with this id in the workspace.' });

/** The id of the `size`-th member of the workspace after `after` (live or not), or null when fewer are left. */
async function windowEnd(db: Executor, workspaceId: number, after: number, size: number): Promise<number | null> {
  const row = await db
    .selectFrom('members')
    .select('id')
    .where('workspace_id', '=', workspaceId)
    .where('id', '>', after)
    .orderBy('id')
    .limit(1)
    .offset(size - 1)
    .executeTakeFirst();
  return row ? Number(row.id) : null;
}

/**
 * Freezes the segment's members now and returns the snapshot's id. Run it in the transaction of the use it serves
 * (the broadcast that reads it, the export), so a rolled-back use leaves no snapshot behind.
 */
export async function snapshotSegment(
  trx: Executor,
  workspaceId: number,
  segmentId: number,
  now: number,
  options: { purpose?: SegmentSnapshotPurpose; window?: number } = {},
): Promise<number> {
  const segment = await findSegment(trx, workspaceId, segmentId);
  if (!segment) throw segmentNotFound();
  const rules = storedRules(segment.rules);
  const seg = await resolveSegment(trx, workspaceId, rules, now);
  const snapshot = await trx
    .insertInto('segment_snapshots')
    .values({
      workspace_id: workspaceId,
      segment_id: segmentId,
      rules: JSON.stringify(rules),
      purpose: options.purpose ?? 'api',
      created_at: now,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const snapshotId = Number(snapshot.id);
  const size = options.window ?? WINDOW;
  const where = segmentWhere(seg);
  let after = 0;
  let total = 0;
  for (;;) {
    const upTo = await windowEnd(trx, workspaceId, after, size);
    const from = after;
    const result = await trx
      .insertInto('segment_snapshot_members')
      .columns(['snapshot_id', 'member_id', 'workspace_id'])
      .expression((eb) => {
        let q = eb
          .selectFrom('members as m')
          .select([sql.lit(snapshotId).as('snapshot_id'), 'm.id', sql.lit(workspaceId).as('workspace_id')])
          .where(where)
          .where('m.id', '>', from);
        if (upTo !== null) q = q.where('m.id', '<=', upTo);
        return q;
      })
      .executeTakeFirst();
    total += Number(result.numInsertedOrUpdatedRows ?? 0);
    if (upTo === null) break;
    after = upTo;
  }
  await trx
    .updateTable('segment_snapshots')
    .set({ member_count: total })
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', snapshotId)
    .execute();
  await trx
    .updateTable('segments')
    .set({ last_count: total, last_counted_at: now })
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', segmentId)
    .execute();
  return snapshotId;
}

export async function findSnapshot(db: Executor, workspaceId: number, snapshotId: number) {
  return db
    .selectFrom('segment_snapshots')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', snapshotId)
    .executeTakeFirst();
}

/** `<member id column> in (the snapshot's members)`, for any query over members (`m.id`, `members.id`). */
export function inSnapshot(column: string, workspaceId: number, snapshotId: number) {
  return sql<SqlBool>`${sql.ref(column)} in (select ssm.member_id from segment_snapshot_members ssm where ssm.workspace_id = ${workspaceId} and ssm.snapshot_id = ${snapshotId})`;
}

import { type Kysely, sql, type Transaction } from 'kysely';
import type { ActivityType } from '../../../common/activities.ts';
import type { Database } from '../../db/schema.ts';
import { engagementDeltas, MAX_ENGAGEMENT_SCORE } from './engagement.ts';

type Executor = Kysely<Database> | Transaction<Database>;

export type ActivityInput = {
  workspaceId: number;
  memberId: number;
  type: ActivityType;
  communityId?: number | null;
  subjectType?: string | null;
  subjectId?: number | null;
  data?: Record<string, unknown> | null;
  occurredAt: number;
};

const BATCH = 500;

/**
 * Appends to the activity log, in the caller's transaction. Rows are never updated. The members' engagement_score and
 * referral_count (engagement.ts) move with them: one UPDATE per call, whatever the number of members.
 */
export async function recordActivities(db: Executor, inputs: readonly ActivityInput[], now: number): Promise<void> {
  for (let i = 0; i < inputs.length; i += BATCH) {
    const rows = inputs.slice(i, i + BATCH).map((a) => ({
      workspace_id: a.workspaceId,
      member_id: a.memberId,
      type: a.type,
      community_id: a.communityId ?? null,
      subject_type: a.subjectType ?? null,
      subject_id: a.subjectId ?? null,
      data: a.data ? JSON.stringify(a.data) : null,
      occurred_at: a.occurredAt,
      created_at: now,
    }));
    if (rows.length > 0) await db.insertInto('activities').values(rows).execute();
  }
  await bumpEngagement(db, inputs);
}

/** Above this many members, ids are written into the statement rather than bound (SQLite binds at most 32,766). */
const MAX_BOUND_IDS = 5_000;

/**
 * A list of member ids for `in (…)`: bound parameters, so the few shapes of a small call (one member signing) reuse a
 * prepared statement; whole numbers written as literals for a very long list.
 */
const idList = (ids: readonly number[], bound: boolean) => {
  if (bound) return sql.join(ids);
  for (const id of ids) if (!Number.isSafeInteger(id)) throw new Error(`not a member id: ${id}`);
  return sql.join(ids.map((id) => sql.lit(id)));
};

/** `case when id in (…) then n … else 0 end`: members grouped by how much they gain. */
function deltaCase(byAmount: Map<number, number[]>, bound: boolean) {
  const branches = [...byAmount].map(([amount, ids]) => sql`when id in (${idList(ids, bound)}) then ${sql.lit(amount)}`);
  return sql<number>`(case ${sql.join(branches, sql` `)} else 0 end)`;
}

async function bumpEngagement(db: Executor, inputs: readonly ActivityInput[]) {
  const deltas = engagementDeltas(inputs);
  if (deltas.size === 0) return;
  const points = new Map<number, number[]>();
  const referrals = new Map<number, number[]>();
  const add = (map: Map<number, number[]>, amount: number, memberId: number) => {
    const ids = map.get(amount);
    if (ids) ids.push(memberId);
    else map.set(amount, [memberId]);
  };
  for (const [memberId, delta] of deltas) {
    if (delta.points > 0) add(points, delta.points, memberId);
    if (delta.referrals > 0) add(referrals, delta.referrals, memberId);
  }
  const bound = deltas.size <= MAX_BOUND_IDS;
  const max = sql.lit(MAX_ENGAGEMENT_SCORE);
  const gain = deltaCase(points, bound);
  const workspaces = [...new Set(inputs.map((a) => a.workspaceId))];
  await db
    .updateTable('members')
    .set({
      ...(points.size > 0
        ? { engagement_score: sql<number>`case when engagement_score + ${gain} >= ${max} then ${max} else engagement_score + ${gain} end` }
        : {}),
      ...(referrals.size > 0 ? { referral_count: sql<number>`referral_count + ${deltaCase(referrals, bound)}` } : {}),
    })
    .where('workspace_id', 'in', workspaces)
    .where(sql<boolean>`id in (${idList([...deltas.keys()], bound)})`)
    .execute();
}

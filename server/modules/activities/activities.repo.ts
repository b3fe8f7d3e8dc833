import type { Kysely, Transaction } from 'kysely';
import type { ActivityType } from '../../../common/activities.ts';
import type { Database } from '../../db/schema.ts';

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

/** Appends to the activity log, in the caller's transaction. Rows are never updated. */
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
}

import { sql } from 'kysely';
import type { Db } from '../../db/database.ts';
import { createJobQueue } from '../../jobs/queue.ts';
import type { Executor } from '../members/members.repo.ts';
import { createStatsBuffer, WORKFLOW_STEP } from './workflow-stats.ts';
import type { VersionCache, WorkflowRow } from './workflows.repo.ts';

// Enrolling members in a workflow's published version, whatever enrolled them (a trigger, staff, a webhook), in the
// caller's transaction. The enrollment rule is applied here: once (never a second run), every time, or not while a run
// is under way (a held-out member counts as in the workflow until their goal window closes, so the comparison group is
// not enrolled twice). Each run is due at once (or at `wakeAt`); a share of holdoutPercent gets a held_out run with no
// steps. An enrollment key (the activity, text or event that caused it) makes a retried trigger enroll nobody twice.

export const WORKFLOW_TICK_JOB = 'workflows.tick';

const DAY = 86_400_000;
const CHUNK = 500;

export type Enrollee = { memberId: number; key?: string | null; wakeAt?: number };
export type EnrollResult = { enrolled: number; heldOut: number; skipped: number };

export async function enrollMembers(
  trx: Executor,
  input: {
    workflow: Pick<WorkflowRow, 'id' | 'workspace_id' | 'status' | 'current_version_id'>;
    versions: VersionCache;
    enrollees: readonly Enrollee[];
    now: number;
    random?: () => number;
  },
): Promise<EnrollResult> {
  const { workflow, now } = input;
  const random = input.random ?? Math.random;
  const result: EnrollResult = { enrolled: 0, heldOut: 0, skipped: 0 };
  if (workflow.status !== 'active' || workflow.current_version_id === null) {
    result.skipped = input.enrollees.length;
    return result;
  }
  const versionId = workflow.current_version_id;
  const definition = await input.versions.fetch(trx, versionId);
  const first = definition?.steps[0];
  if (!definition || !first) throw new Error(`workflow ${workflow.id}: version ${versionId} has no steps`);
  const holdout = definition.holdoutPercent ?? 0;
  const stats = createStatsBuffer();
  const statKey = (key: string) => ({ workspaceId: workflow.workspace_id, workflowId: workflow.id, versionId, stepId: WORKFLOW_STEP, key });

  for (let i = 0; i < input.enrollees.length; i += CHUNK) {
    const chunk = input.enrollees.slice(i, i + CHUNK);
    const ids = [...new Set(chunk.map((e) => e.memberId))];
    const live = new Set(
      (
        await trx
          .selectFrom('members')
          .select('id')
          .where('workspace_id', '=', workflow.workspace_id)
          .where('id', 'in', ids)
          .where('merged_into', 'is', null)
          .where('erased_at', 'is', null)
          .execute()
      ).map((m) => m.id),
    );
    const blocked = new Set<number>();
    if (definition.enrollment !== 'every_time') {
      let runs = trx
        .selectFrom('workflow_runs')
        .select('member_id')
        .where('workspace_id', '=', workflow.workspace_id)
        .where('workflow_id', '=', workflow.id)
        .where('member_id', 'in', ids);
      if (definition.enrollment === 'not_while_active') {
        runs = runs.where((eb) =>
          eb.or([
            eb('status', 'in', ['active', 'waiting']),
            eb.and([eb('status', '=', 'held_out'), eb.or([eb('goal_deadline', 'is', null), eb('goal_deadline', '>', now)])]),
          ]),
        );
      }
      for (const row of await runs.execute()) blocked.add(row.member_id);
    }
    const rows = [];
    for (const entry of chunk) {
      if (!live.has(entry.memberId) || blocked.has(entry.memberId)) {
        result.skipped += 1;
        continue;
      }
      // One run per member per chunk unless every trigger counts.
      if (definition.enrollment !== 'every_time') blocked.add(entry.memberId);
      const heldOut = holdout > 0 && random() * 100 < holdout;
      rows.push({
        workspace_id: workflow.workspace_id,
        workflow_id: workflow.id,
        version_id: versionId,
        member_id: entry.memberId,
        status: heldOut ? ('held_out' as const) : ('active' as const),
        current_step_id: heldOut ? null : first.id,
        visit: heldOut ? 0 : 1,
        wake_at: heldOut ? null : (entry.wakeAt ?? now),
        waiting_reply_since: null,
        enrolled_at: now,
        finished_at: null,
        exit_reason: null,
        goal_deadline: definition.goal ? now + definition.goal.withinDays * DAY : null,
        goal_reached_at: null,
        held_out: heldOut ? 1 : 0,
        enroll_key: entry.key ?? null,
        updated_at: now,
      });
    }
    if (rows.length === 0) continue;
    const inserted = await trx
      .insertInto('workflow_runs')
      .values(rows)
      .onConflict((oc) => oc.columns(['workflow_id', 'enroll_key']).where(sql.ref('enroll_key'), 'is not', null).doNothing())
      .returning(['id', 'held_out'])
      .execute();
    result.skipped += rows.length - inserted.length;
    for (const run of inserted) {
      if (run.held_out === 1) result.heldOut += 1;
      else result.enrolled += 1;
    }
  }
  if (result.enrolled > 0) stats.add(statKey('enrolled'), result.enrolled);
  if (result.heldOut > 0) stats.add(statKey('held_out'), result.heldOut);
  await stats.flush(trx);
  return result;
}

/**
 * Asks for a tick now (runs that became due: a new enrollment, a reply), at most one per second: the recurring tick
 * would take them anyway, a little later.
 */
export async function kickTick(executor: Executor, now: number): Promise<void> {
  const queue = createJobQueue({ db: executor as Db, clock: { now: () => now } });
  await queue.enqueue(executor, { type: WORKFLOW_TICK_JOB, payload: {}, idempotencyKey: `kick:${Math.floor(now / 1000)}` });
}

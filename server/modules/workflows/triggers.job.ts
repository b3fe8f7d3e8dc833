import type { Selectable } from 'kysely';
import { z } from 'zod';
import { ACTION_ACTIVITY_TYPES, type WorkflowDefinition, type WorkflowTrigger } from '../../../common/workflows.ts';
import type { Db } from '../../db/database.ts';
import type { ActivitiesTable } from '../../db/schema.ts';
import { defineJob, PRIORITY } from '../../jobs/define.ts';
import type { Clock } from '../../lib/clock.ts';
import type { Executor } from '../members/members.repo.ts';
import { type Enrollee, enrollMembers, kickTick } from './enroll.ts';
import { activityMeetsGoal } from './steps/shared.ts';
import { createStatsBuffer, WORKFLOW_STEP } from './workflow-stats.ts';
import { createVersionCache, exitLiveRuns, LIVE_RUN_STATUSES, type VersionCache, type WorkflowRow } from './workflows.repo.ts';

// workflows.triggers: the reactions of workflows to the activity log (DESIGN.md §4 "activity fan-out"), read after a
// cursor instead of enqueued by every write, so recording an activity (2k sign-ups a second) pays nothing for them
// (docs/decisions/0008-workflow-engine.md). Every few seconds, batch by batch in id order:
// - an SMS opt-out ends the member's runs under way;
// - an activity a run's goal waits for (within its window) marks the goal reached; a run under way is woken so the
//   tick ends it as completed, a held-out run is counted for the comparison;
// - joined a community, took an action and replied enroll members in the active workflows with those triggers (an
//   activity from before the version was published enrolls nobody).
// Each batch is one transaction with the cursor's move, and each enrollment is keyed by its activity, so a batch run
// twice changes nothing the second time.
//
// On PostgreSQL an activity may commit after one with a higher id (ids are taken at insert, commits come in any
// order): ids skipped over below the cursor are kept as gaps and looked at again on each run for GAP_TTL_MS, after
// which they are taken to be rolled back.

export const WORKFLOW_TRIGGERS_JOB = 'workflows.triggers';
const CURSOR = 'activities';
const BATCH = 1_000;
const GAP_TTL_MS = 5 * 60_000;
const MAX_GAPS = 2_000;
const ACTIVITY_TRIGGERS = ['joined_community', 'took_action', 'replied'] as const;

type Activity = Pick<
  Selectable<ActivitiesTable>,
  'id' | 'workspace_id' | 'member_id' | 'type' | 'community_id' | 'subject_type' | 'subject_id' | 'data' | 'occurred_at' | 'created_at'
>;
type Gap = [id: number, since: number];

/** Whether an activity is what a trigger listens for. */
export function activityTriggers(
  trigger: WorkflowTrigger,
  a: Pick<Activity, 'type' | 'community_id' | 'subject_type' | 'subject_id'>,
): boolean {
  switch (trigger.kind) {
    case 'joined_community':
      return a.type === 'joined' && (trigger.communityId === undefined || a.community_id === trigger.communityId);
    case 'took_action': {
      const types: readonly string[] = trigger.types ?? ACTION_ACTIVITY_TYPES;
      if (!types.includes(a.type)) return false;
      if (trigger.actionId === undefined) return true;
      return (a.subject_type === 'action' || a.subject_type === 'event') && a.subject_id === trigger.actionId;
    }
    case 'replied':
      // An answer to a workflow's own question is that workflow's business, not a new reply.
      return a.type === 'replied' && a.subject_type !== 'workflow';
    default:
      return false;
  }
}

function isSmsOptOut(a: Activity): boolean {
  if (a.type !== 'opted_out') return false;
  try {
    const data = a.data === null ? {} : (JSON.parse(a.data) as { channel?: string });
    return data.channel === undefined || data.channel === 'sms';
  } catch {
    return true;
  }
}

/**
 * Starts the cursor at the end of the activity log when there is none yet (the first workflow published): workflows
 * react to what happens from then on, not to the history.
 */
export async function ensureTriggerCursor(trx: Executor, now: number): Promise<void> {
  const exists = await trx.selectFrom('workflow_cursors').select('name').where('name', '=', CURSOR).executeTakeFirst();
  if (exists) return;
  const max = await trx
    .selectFrom('activities')
    .select((eb) => eb.fn.max('id').as('id'))
    .executeTakeFirst();
  await trx
    .insertInto('workflow_cursors')
    .values({ name: CURSOR, last_id: Number(max?.id ?? 0), gaps: '[]', updated_at: now })
    .onConflict((oc) => oc.column('name').doNothing())
    .execute();
}

export function createWorkflowTriggersRunner(deps: { db: Db; clock: Clock; versions?: VersionCache; random?: () => number }) {
  const { db, clock } = deps;
  const versions = deps.versions ?? createVersionCache();

  /** Takes the cursor's row first (the write lock on SQLite, the row lock on PostgreSQL): one runner at a time. */
  async function lockCursor(trx: Executor, now: number): Promise<{ lastId: number; gaps: Gap[] }> {
    for (let attempt = 0; attempt < 2; attempt++) {
      const row = await trx
        .updateTable('workflow_cursors')
        .set({ updated_at: now })
        .where('name', '=', CURSOR)
        .returning(['last_id', 'gaps'])
        .executeTakeFirst();
      if (row) return { lastId: Number(row.last_id), gaps: JSON.parse(row.gaps) as Gap[] };
      await ensureTriggerCursor(trx, now);
    }
    throw new Error('the workflow cursor could not be created');
  }

  async function activeWorkflows(trx: Executor, workspaceIds: number[]) {
    const rows = await trx
      .selectFrom('workflows as w')
      .innerJoin('workflow_versions as v', 'v.id', 'w.current_version_id')
      .select(['w.id', 'w.workspace_id', 'w.status', 'w.current_version_id', 'v.created_at as published_at'])
      .where('w.status', '=', 'active')
      .where('w.trigger_kind', 'in', [...ACTIVITY_TRIGGERS])
      .where('w.workspace_id', 'in', workspaceIds)
      .execute();
    await versions.load(
      trx,
      rows.map((r) => r.current_version_id as number),
    );
    return rows.flatMap((r) => {
      const definition = versions.get(r.current_version_id as number);
      return definition ? [{ ...r, definition }] : [];
    });
  }

  async function markGoals(trx: Executor, activities: Activity[], now: number): Promise<number> {
    const members = [...new Set(activities.map((a) => a.member_id))];
    const workspaces = [...new Set(activities.map((a) => a.workspace_id))];
    const runs = await trx
      .selectFrom('workflow_runs')
      .select(['id', 'workspace_id', 'workflow_id', 'version_id', 'member_id', 'status', 'enrolled_at', 'goal_deadline'])
      .where('workspace_id', 'in', workspaces)
      .where('member_id', 'in', members)
      .where('goal_reached_at', 'is', null)
      .where('goal_deadline', 'is not', null)
      .execute();
    if (runs.length === 0) return 0;
    await versions.load(trx, [...new Set(runs.map((r) => r.version_id))]);
    const stats = createStatsBuffer();
    let woken = 0;
    for (const run of runs) {
      const goal = versions.get(run.version_id)?.goal;
      if (!goal || run.status === 'exited') continue;
      const hit = activities.find(
        (a) =>
          a.member_id === run.member_id &&
          a.workspace_id === run.workspace_id &&
          a.occurred_at >= run.enrolled_at &&
          a.occurred_at <= (run.goal_deadline as number) &&
          activityMeetsGoal(goal, a),
      );
      if (!hit) continue;
      const live = (LIVE_RUN_STATUSES as readonly string[]).includes(run.status);
      await trx
        .updateTable('workflow_runs')
        .set({ goal_reached_at: hit.occurred_at, ...(live ? { wake_at: now } : {}), updated_at: now })
        .where('id', '=', run.id)
        .where('goal_reached_at', 'is', null)
        .execute();
      if (live) woken += 1;
      stats.add({
        workspaceId: run.workspace_id,
        workflowId: run.workflow_id,
        versionId: run.version_id,
        stepId: WORKFLOW_STEP,
        key: run.status === 'held_out' ? 'goal:held_out' : 'goal:treated',
      });
    }
    await stats.flush(trx);
    return woken;
  }

  async function enroll(trx: Executor, activities: Activity[], now: number): Promise<number> {
    const workflows = await activeWorkflows(trx, [...new Set(activities.map((a) => a.workspace_id))]);
    if (workflows.length === 0) return 0;
    let enrolled = 0;
    for (const workflow of workflows) {
      const enrollees: Enrollee[] = activities
        .filter(
          (a) =>
            a.workspace_id === workflow.workspace_id &&
            a.created_at >= workflow.published_at &&
            activityTriggers((workflow.definition as WorkflowDefinition).trigger, a),
        )
        .map((a) => ({ memberId: a.member_id, key: `a:${a.id}` }));
      if (enrollees.length === 0) continue;
      const result = await enrollMembers(trx, {
        workflow: workflow as Pick<WorkflowRow, 'id' | 'workspace_id' | 'status' | 'current_version_id'>,
        versions,
        enrollees,
        now,
        ...(deps.random ? { random: deps.random } : {}),
      });
      enrolled += result.enrolled;
    }
    return enrolled;
  }

  /** One batch; returns how many activities it read (0: caught up). */
  async function runBatch(): Promise<{ read: number; due: number }> {
    const now = clock.now();
    return db.transaction().execute(async (trx) => {
      const cursor = await lockCursor(trx, now);
      const gapIds = cursor.gaps.map(([id]) => id);
      const columns = [
        'id',
        'workspace_id',
        'member_id',
        'type',
        'community_id',
        'subject_type',
        'subject_id',
        'data',
        'occurred_at',
        'created_at',
      ] as const;
      const fresh = await trx.selectFrom('activities').select(columns).where('id', '>', cursor.lastId).orderBy('id').limit(BATCH).execute();
      const late = gapIds.length === 0 ? [] : await trx.selectFrom('activities').select(columns).where('id', 'in', gapIds).execute();
      const activities = [...late, ...fresh].sort((a, b) => a.id - b.id);
      // Ids skipped between the cursor and the last one read may still commit: remember them for a while.
      const found = new Set(activities.map((a) => a.id));
      const gaps: Gap[] = cursor.gaps.filter(([id, since]) => !found.has(id) && now - since < GAP_TTL_MS);
      let previous = cursor.lastId;
      for (const a of fresh) {
        for (let id = previous + 1; id < a.id && gaps.length < MAX_GAPS; id++) gaps.push([id, now]);
        previous = a.id;
      }
      let due = 0;
      if (activities.length > 0) {
        for (const a of activities) {
          if (isSmsOptOut(a)) await exitLiveRuns(trx, { workspaceId: a.workspace_id, memberId: a.member_id, reason: 'opted_out', now });
        }
        due += await markGoals(trx, activities, now);
        due += await enroll(trx, activities, now);
        if (due > 0) await kickTick(trx, now);
      }
      await trx
        .updateTable('workflow_cursors')
        .set({ last_id: previous, gaps: JSON.stringify(gaps.slice(0, MAX_GAPS)), updated_at: now })
        .where('name', '=', CURSOR)
        .execute();
      return { read: fresh.length, due };
    });
  }

  return async function run(signal?: AbortSignal): Promise<{ read: number; due: number }> {
    const total = { read: 0, due: 0 };
    while (!signal?.aborted) {
      const done = await runBatch();
      total.read += done.read;
      total.due += done.due;
      if (done.read < BATCH) break;
    }
    return total;
  };
}

/** Every 5 seconds: the activity log since the last run, for triggers, goals and opt-outs. */
export function createWorkflowTriggersJob(deps: { db: Db; clock: Clock }) {
  const run = createWorkflowTriggersRunner(deps);
  return defineJob({
    type: WORKFLOW_TRIGGERS_JOB,
    payload: z.object({}),
    priority: PRIORITY.automation,
    recurring: { everyMs: 5_000, payload: {} },
    maxAttempts: 3,
    handler: async (_payload, { signal, logger }) => {
      const done = await run(signal);
      if (done.due > 0) logger.debug(done, 'workflow triggers');
    },
  });
}

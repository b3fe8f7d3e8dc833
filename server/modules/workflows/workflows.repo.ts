import type { Selectable } from 'kysely';
import type { WorkflowDefinition } from '../../../common/workflows.ts';
import type { WorkflowRunsTable, WorkflowsTable } from '../../db/schema.ts';
import type { Executor } from '../members/members.repo.ts';
import { createStatsBuffer, WORKFLOW_STEP } from './workflow-stats.ts';

export type WorkflowRow = Selectable<WorkflowsTable>;
export type RunRow = Selectable<WorkflowRunsTable>;

/** Runs that are still under way (held-out runs have no steps and are never "in" the workflow). */
export const LIVE_RUN_STATUSES = ['active', 'waiting'] as const;

/** A stored definition: it was validated before it was stored, and versions are never updated. */
export const readDefinition = (text: string) => JSON.parse(text) as WorkflowDefinition;

/** Versions are immutable: each is read from the database once per cache. */
export type VersionCache = {
  load: (executor: Executor, versionIds: readonly number[]) => Promise<void>;
  get: (versionId: number) => WorkflowDefinition | undefined;
  /** Loads it when it is not cached yet. */
  fetch: (executor: Executor, versionId: number) => Promise<WorkflowDefinition | undefined>;
};

const MAX_CACHED_VERSIONS = 2_000;

export function createVersionCache(): VersionCache {
  const cached = new Map<number, WorkflowDefinition>();
  const cache: VersionCache = {
    async load(executor, versionIds) {
      const missing = versionIds.filter((id) => !cached.has(id));
      if (missing.length === 0) return;
      if (cached.size + missing.length > MAX_CACHED_VERSIONS) cached.clear();
      const rows = await executor.selectFrom('workflow_versions').select(['id', 'definition']).where('id', 'in', missing).execute();
      for (const row of rows) cached.set(row.id, readDefinition(row.definition));
    },
    get: (versionId) => cached.get(versionId),
    async fetch(executor, versionId) {
      await cache.load(executor, [versionId]);
      return cached.get(versionId);
    },
  };
  return cache;
}

export async function findWorkflow(db: Executor, workspaceId: number, workflowId: number): Promise<WorkflowRow | undefined> {
  return db.selectFrom('workflows').selectAll().where('workspace_id', '=', workspaceId).where('id', '=', workflowId).executeTakeFirst();
}

/**
 * Ends a member's (or a workflow's) runs that are under way: exited with the reason, timer cleared, counted in the
 * roll-up. Returns how many ended.
 */
export async function exitLiveRuns(
  trx: Executor,
  input: { workspaceId: number; memberId?: number; workflowId?: number; reason: string; now: number },
): Promise<number> {
  let query = trx
    .updateTable('workflow_runs')
    .set({
      status: 'exited',
      exit_reason: input.reason,
      finished_at: input.now,
      wake_at: null,
      waiting_reply_since: null,
      updated_at: input.now,
    })
    .where('workspace_id', '=', input.workspaceId)
    .where('status', 'in', [...LIVE_RUN_STATUSES]);
  if (input.memberId !== undefined) query = query.where('member_id', '=', input.memberId);
  if (input.workflowId !== undefined) query = query.where('workflow_id', '=', input.workflowId);
  const ended = await query.returning(['workflow_id', 'version_id']).execute();
  const stats = createStatsBuffer();
  for (const run of ended) {
    stats.add({
      workspaceId: input.workspaceId,
      workflowId: run.workflow_id,
      versionId: run.version_id,
      stepId: WORKFLOW_STEP,
      key: `exited:${input.reason}`,
    });
  }
  await stats.flush(trx);
  return ended.length;
}

export async function statsRows(db: Executor, workspaceId: number, workflowId: number) {
  return db
    .selectFrom('workflow_step_stats')
    .select(['version_id', 'step_id', 'key', 'value'])
    .where('workspace_id', '=', workspaceId)
    .where('workflow_id', '=', workflowId)
    .execute();
}

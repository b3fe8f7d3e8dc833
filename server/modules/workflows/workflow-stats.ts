import { sql } from 'kysely';
import type { Executor } from '../members/members.repo.ts';

// The report's roll-up (workflow_step_stats): counters per version and step, bumped as runs move, so the report never
// counts runs. Step keys: entered, completed, exit:<exit key>, skipped:<reason>. Workflow keys (step_id ''): enrolled,
// held_out, completed, exited:<reason>, goal:treated, goal:held_out.

export const WORKFLOW_STEP = '';

type Key = { workspaceId: number; workflowId: number; versionId: number; stepId: string; key: string };

/** Counts gathered in memory and written with one upsert per flush (a tick flushes once per batch). */
export type StatsBuffer = {
  add: (key: Key, n?: number) => void;
  /** Moves another buffer's counts into this one (a run's counts once its savepoint is released). */
  merge: (other: StatsBuffer) => void;
  entries: () => [Key, number][];
  flush: (executor: Executor) => Promise<void>;
};

const FLUSH_CHUNK = 500;

export function createStatsBuffer(): StatsBuffer {
  const counts = new Map<string, [Key, number]>();
  const buffer: StatsBuffer = {
    add(key, n = 1) {
      const id = `${key.versionId}\u0000${key.stepId}\u0000${key.key}`;
      const entry = counts.get(id);
      if (entry) entry[1] += n;
      else counts.set(id, [key, n]);
    },
    merge(other) {
      for (const [key, n] of other.entries()) buffer.add(key, n);
    },
    entries: () => [...counts.values()],
    async flush(executor) {
      const rows = [...counts.values()].filter(([, n]) => n !== 0);
      counts.clear();
      for (let i = 0; i < rows.length; i += FLUSH_CHUNK) {
        await executor
          .insertInto('workflow_step_stats')
          .values(
            rows.slice(i, i + FLUSH_CHUNK).map(([k, n]) => ({
              workspace_id: k.workspaceId,
              workflow_id: k.workflowId,
              version_id: k.versionId,
              step_id: k.stepId,
              key: k.key,
              value: n,
            })),
          )
          .onConflict((oc) =>
            oc.columns(['version_id', 'step_id', 'key']).doUpdateSet({ value: sql<number>`workflow_step_stats.value + excluded.value` }),
          )
          .execute();
      }
    },
  };
  return buffer;
}

/** Bumps counters at once, in the caller's transaction. */
export async function bumpStats(executor: Executor, keys: readonly Key[]): Promise<void> {
  const buffer = createStatsBuffer();
  for (const key of keys) buffer.add(key);
  await buffer.flush(executor);
}

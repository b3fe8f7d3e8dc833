import type { Insertable, Selectable } from 'kysely';
import type { WorkflowRunsTable, WorkflowStepResultsTable } from '../../db/schema.ts';
import type { Executor } from '../members/members.repo.ts';

// The engine's own writes for a batch of runs — step results entered, step results left, the runs' new positions —
// gathered and written with a few multi-row statements (inside the batch's transaction, so still together with what
// the steps did). A new result is a plain INSERT: if one is already there, the unique (run, step, visit) fails the
// batch, which is then redone run by run (engine.ts). A position is an upsert on the run's id that changes only the
// columns the engine owns (never goal_reached_at, which the triggers job sets).

type Run = Selectable<WorkflowRunsTable>;
type Result = Insertable<WorkflowStepResultsTable>;

const CHUNK = 500;

export type WriteBuffer = {
  enter: (result: Result) => void;
  /** The exit of a result already stored (a wait that is over). */
  leave: (result: Result) => void;
  move: (run: Run) => void;
  flush: (executor: Executor) => Promise<void>;
};

export function createWriteBuffer(): WriteBuffer {
  let entered: Result[] = [];
  let left: Result[] = [];
  let moved: Run[] = [];
  return {
    enter: (result) => entered.push(result),
    leave: (result) => left.push(result),
    move: (run) => moved.push(run),
    async flush(executor) {
      const [a, b, c] = [entered, left, moved];
      entered = [];
      left = [];
      moved = [];
      for (let i = 0; i < a.length; i += CHUNK)
        await executor
          .insertInto('workflow_step_results')
          .values(a.slice(i, i + CHUNK))
          .execute();
      for (let i = 0; i < b.length; i += CHUNK) {
        await executor
          .insertInto('workflow_step_results')
          .values(b.slice(i, i + CHUNK))
          .onConflict((oc) =>
            oc.columns(['run_id', 'step_id', 'visit']).doUpdateSet((eb) => ({
              outcome: eb.ref('excluded.outcome'),
              completed_at: eb.ref('excluded.completed_at'),
            })),
          )
          .execute();
      }
      for (let i = 0; i < c.length; i += CHUNK) {
        await executor
          .insertInto('workflow_runs')
          .values(c.slice(i, i + CHUNK))
          .onConflict((oc) =>
            oc.column('id').doUpdateSet((eb) => ({
              status: eb.ref('excluded.status'),
              current_step_id: eb.ref('excluded.current_step_id'),
              visit: eb.ref('excluded.visit'),
              wake_at: eb.ref('excluded.wake_at'),
              waiting_reply_since: eb.ref('excluded.waiting_reply_since'),
              finished_at: eb.ref('excluded.finished_at'),
              exit_reason: eb.ref('excluded.exit_reason'),
              errors: eb.ref('excluded.errors'),
              last_error: eb.ref('excluded.last_error'),
              updated_at: eb.ref('excluded.updated_at'),
            })),
          )
          .execute();
      }
    },
  };
}

import { type Selectable, sql } from 'kysely';
import { stepExits, type WorkflowStep } from '../../../common/workflows.ts';
import type { Db } from '../../db/database.ts';
import { dialectOf, forUpdateSkipLocked } from '../../db/dialect.ts';
import type { WorkflowRunStatus, WorkflowRunsTable } from '../../db/schema.ts';
import { createJobQueue } from '../../jobs/queue.ts';
import type { Clock } from '../../lib/clock.ts';
import type { Executor } from '../members/members.repo.ts';
import { parseCustomFields } from '../members/members.repo.ts';
import { createEngineCache, type EngineCache } from './engine-cache.ts';
import { createWriteBuffer, type WriteBuffer } from './engine-writes.ts';
import { STEP_EXECUTORS } from './steps/index.ts';
import type {
  MemberFacts,
  RunFacts,
  StepContext,
  StepExecutor,
  StepExecutors,
  StepOutcome,
  StepResult,
  WorkspaceFacts,
} from './steps/types.ts';
import { createStatsBuffer, type StatsBuffer, WORKFLOW_STEP } from './workflow-stats.ts';
import { createVersionCache, type VersionCache } from './workflows.repo.ts';

// The engine behind the workflows.tick job (DESIGN.md §4, STYLE.md §9, docs/decisions/0008-workflow-engine.md).
//
// A batch is one transaction: it claims up to `batchSize` runs whose timer is due (wake_at <= now; FOR UPDATE SKIP
// LOCKED on PostgreSQL, so several workers share the work; SQLite has one writer), loads their members, workspaces
// and versions at once, and moves each run through its steps until one makes it wait or it ends. The engine's own
// writes (results, positions, counters) go out as a few multi-row statements at the end of the batch. If anything
// throws, the batch is rolled back and done again with a savepoint per run, so only the failing run is set aside
// (retried after a backoff, ended as 'failed' after MAX_RUN_ERRORS).
//
// Idempotency: entering a step writes its result row (unique per run, step and visit) in the same transaction as what
// the step did; the run's position moves in that transaction too. A run taken again at a step whose result already
// has an exit follows that exit without acting again, so a retried or concurrent tick never sends twice. A wait
// stores its wake-up time in the result, so waking up finishes the wait instead of starting it again.

export type Run = Selectable<WorkflowRunsTable>;

/** Steps one wake-up may take before the run is handed to the next batch (a workflow without waits is finite anyway). */
const MAX_STEPS_PER_WAKE = 50;
/** A run whose step failed this many times in a row is ended as exited ('failed'). */
const MAX_RUN_ERRORS = 8;
const ERROR_BACKOFF_MS = 30_000;
const ERROR_BACKOFF_CAP_MS = 6 * 3_600_000;

export type WorkflowEngineDeps = {
  db: Db;
  clock: Clock;
  appSecret: string;
  /** The site's public URL, for members' links to actions in texts (a text with one cannot be sent without it). */
  publicUrl?: string;
  /** Replaces step executors (a test makes one fail after acting, as a crash would). */
  steps?: Partial<StepExecutors>;
  random?: () => number;
};

/** `more`: the tick stopped (out of time, or aborted) with runs still due. */
export type TickResult = { runs: number; steps: number; batches: number; more: boolean };

export type WorkflowEngine = {
  /** One batch: claims up to batchSize due runs and moves them on; returns how many runs and steps it took. */
  processBatch: (batchSize?: number) => Promise<{ runs: number; steps: number }>;
  /** Batches until no run is due, the signal aborts, or `budgetMs` has passed. */
  tick: (options?: { batchSize?: number; signal?: AbortSignal; budgetMs?: number }) => Promise<TickResult>;
  versions: VersionCache;
};

type BatchContext = {
  trx: Executor;
  now: number;
  members: Map<number, MemberFacts & { live: boolean }>;
  workspaces: Map<number, WorkspaceFacts>;
  workflows: Map<number, { id: number; name: string }>;
  /** Results already written at or after each run's current visit, by storedKey(). */
  stored: Map<string, StepOutcome>;
  cache: EngineCache;
  stats: StatsBuffer;
};

export function createWorkflowEngine(deps: WorkflowEngineDeps): WorkflowEngine {
  const { db, clock, appSecret } = deps;
  const executors: StepExecutors = { ...STEP_EXECUTORS, ...deps.steps } as StepExecutors;
  const random = deps.random ?? Math.random;
  const lockRows = forUpdateSkipLocked(dialectOf(db));
  const queue = createJobQueue({ db, clock });
  const versions = createVersionCache();
  let cache = createEngineCache();

  async function claim(trx: Executor, now: number, batchSize: number): Promise<Run[]> {
    return trx
      .selectFrom('workflow_runs')
      .selectAll()
      .where('wake_at', '<=', now)
      .where('status', 'in', ['active', 'waiting'])
      .where(({ exists, selectFrom }) =>
        exists(
          selectFrom('workflows as w').select('w.id').whereRef('w.id', '=', 'workflow_runs.workflow_id').where('w.status', '=', 'active'),
        ),
      )
      .orderBy('wake_at')
      .orderBy('id')
      .limit(batchSize)
      .$call(lockRows)
      .execute();
  }

  async function load(trx: Executor, runs: Run[], now: number): Promise<BatchContext> {
    const memberIds = [...new Set(runs.map((r) => r.member_id))];
    const workspaceIds = [...new Set(runs.map((r) => r.workspace_id))];
    const workflowIds = [...new Set(runs.map((r) => r.workflow_id))];
    const [memberRows, workspaceRows, workflowRows, storedRows] = await Promise.all([
      trx
        .selectFrom('members')
        .select([
          'id',
          'workspace_id',
          'phone',
          'phone_type',
          'email',
          'first_name',
          'last_name',
          'postal_code',
          'language',
          'timezone',
          'custom_fields',
          'sms_consent',
          'email_consent',
          'merged_into',
          'erased_at',
        ])
        .where('id', 'in', memberIds)
        .where('workspace_id', 'in', workspaceIds)
        .execute(),
      trx.selectFrom('workspaces').selectAll().where('id', 'in', workspaceIds).execute(),
      trx.selectFrom('workflows').select(['id', 'name']).where('id', 'in', workflowIds).where('workspace_id', 'in', workspaceIds).execute(),
      // The result of the step a run is at, and any a crashed or concurrent tick left past it (normally none).
      trx
        .selectFrom('workflow_step_results as r')
        .innerJoin('workflow_runs as w', (join) => join.onRef('w.id', '=', 'r.run_id').onRef('r.visit', '>=', 'w.visit'))
        .select(['r.run_id', 'r.step_id', 'r.visit', 'r.outcome'])
        .where(
          'r.run_id',
          'in',
          runs.map((r) => r.id),
        )
        .execute(),
    ]);
    await versions.load(trx, [...new Set(runs.map((r) => r.version_id))]);
    const members = new Map(
      memberRows.map((m) => [
        m.id,
        {
          id: m.id,
          phone: m.phone,
          phoneType: m.phone_type,
          email: m.email,
          firstName: m.first_name,
          lastName: m.last_name,
          postalCode: m.postal_code,
          language: m.language,
          timezone: m.timezone,
          custom: parseCustomFields(m.custom_fields),
          smsConsent: m.sms_consent,
          emailConsent: m.email_consent,
          live: m.merged_into === null && m.erased_at === null,
        },
      ]),
    );
    const workspaces = new Map(
      workspaceRows.map((w) => [
        w.id,
        {
          id: w.id,
          name: w.name,
          slug: w.slug,
          shortLinkBase: w.short_link_base,
          timezone: w.timezone,
          quietHoursStart: w.quiet_hours_start,
          quietHoursEnd: w.quiet_hours_end,
          frequencyCap: w.frequency_cap,
          frequencyWindowDays: w.frequency_window_days,
          helpText: w.help_text,
          optOutText: w.opt_out_text,
          optInText: w.opt_in_text,
          firstMessageFooter: w.first_message_footer,
        } satisfies WorkspaceFacts,
      ]),
    );
    const stored = new Map(storedRows.map((r) => [storedKey(r.run_id, r.step_id, r.visit), JSON.parse(r.outcome) as StepOutcome]));
    return {
      trx,
      now,
      members,
      workspaces,
      workflows: new Map(workflowRows.map((w) => [w.id, w])),
      stored,
      cache,
      stats: createStatsBuffer(),
    };
  }

  /** Moves one run on; returns the steps it took. Writes in the caller's transaction (inside the run's savepoint). */
  async function advance(batch: BatchContext, run: Run, stats: StatsBuffer, writes: WriteBuffer): Promise<number> {
    const { trx, now } = batch;
    const definition = versions.get(run.version_id);
    const member = batch.members.get(run.member_id);
    const workspace = batch.workspaces.get(run.workspace_id);
    const workflow = batch.workflows.get(run.workflow_id);
    if (!definition || !workspace || !workflow) throw new Error(`run ${run.id}: its workflow, version or workspace is missing`);
    const statKey = (stepId: string, key: string) => ({
      workspaceId: run.workspace_id,
      workflowId: run.workflow_id,
      versionId: run.version_id,
      stepId,
      key,
    });
    const state: {
      status: WorkflowRunStatus;
      stepId: string | null;
      visit: number;
      wakeAt: number | null;
      waitingReplySince: number | null;
      finishedAt: number | null;
      exitReason: string | null;
    } = {
      status: 'active',
      stepId: run.current_step_id,
      visit: run.visit,
      wakeAt: null,
      waitingReplySince: null,
      finishedAt: null,
      exitReason: null,
    };
    const finish = (status: 'completed' | 'exited', reason: string | null) => {
      state.status = status;
      state.finishedAt = now;
      state.exitReason = reason;
      state.wakeAt = null;
      state.waitingReplySince = null;
      stats.add(statKey(WORKFLOW_STEP, status === 'completed' ? 'completed' : `exited:${reason ?? 'unknown'}`));
    };

    let steps = 0;
    if (!member?.live) finish('exited', 'member_deleted');
    else if (definition.goal && run.goal_reached_at !== null) finish('completed', 'goal_reached');
    else {
      const facts: RunFacts = {
        id: run.id,
        workspaceId: run.workspace_id,
        workflowId: run.workflow_id,
        versionId: run.version_id,
        memberId: run.member_id,
        visit: run.visit,
        enrolledAt: run.enrolled_at,
        goalDeadline: run.goal_deadline,
        goalReachedAt: run.goal_reached_at,
      };
      const stepById = new Map(definition.steps.map((s) => [s.id, s]));
      for (;;) {
        if (steps >= MAX_STEPS_PER_WAKE) {
          state.wakeAt = now; // the next batch goes on
          break;
        }
        const step = state.stepId === null ? undefined : stepById.get(state.stepId);
        if (!step) throw new Error(`run ${run.id}: step "${state.stepId}" is not in its version`);
        facts.visit = state.visit;
        const stored = batch.stored.get(storedKey(run.id, step.id, state.visit)) ?? null;
        let exit: string;
        if (stored?.exit !== undefined) {
          // Done before (a reply took an exit, or a crash came after the step's commit): follow it, act no more.
          exit = stored.exit;
        } else {
          steps += 1;
          const ctx: StepContext = {
            trx,
            now,
            appSecret,
            publicUrl: deps.publicUrl,
            run: facts,
            member,
            workspace,
            workflow,
            definition,
            stored,
            random,
            cache: batch.cache,
            enqueue: async (input) => {
              await queue.enqueue(trx, input);
            },
          };
          const result = await (executors[step.kind] as StepExecutor<typeof step.kind>).execute(step as never, ctx);
          recordResult(writes, run, step, state.visit, stored, result, now);
          if (stored === null) stats.add(statKey(step.id, 'entered'));
          if (result.kind === 'wait') {
            state.status = 'waiting';
            state.wakeAt = result.until;
            state.waitingReplySince = result.reply ? (typeof stored?.since === 'number' ? stored.since : now) : null;
            break;
          }
          stats.add(statKey(step.id, 'completed'));
          if (typeof result.outcome.skipped === 'string') stats.add(statKey(step.id, `skipped:${result.outcome.skipped}`));
          if (result.kind === 'end') {
            stats.add(statKey(step.id, 'exit:end'));
            finish('completed', result.reason);
            break;
          }
          stats.add(statKey(step.id, `exit:${result.exit}`));
          exit = result.exit;
        }
        const target = exitTarget(step, exit);
        if (target === undefined) {
          finish('completed', null);
          break;
        }
        state.stepId = target;
        state.visit += 1;
      }
    }
    writes.move({
      ...run,
      status: state.status,
      current_step_id: state.stepId,
      visit: state.visit,
      wake_at: state.wakeAt,
      waiting_reply_since: state.waitingReplySince,
      finished_at: state.finishedAt,
      exit_reason: state.exitReason,
      errors: 0,
      last_error: null,
      updated_at: now,
    });
    return steps;
  }

  async function recordError(trx: Executor, run: Run, error: unknown, now: number, stats: StatsBuffer) {
    const errors = run.errors + 1;
    const message = (error instanceof Error ? error.message : String(error)).slice(0, 500);
    const giveUp = errors >= MAX_RUN_ERRORS;
    await trx
      .updateTable('workflow_runs')
      .set({
        errors,
        last_error: message,
        wake_at: giveUp ? null : now + Math.min(ERROR_BACKOFF_CAP_MS, ERROR_BACKOFF_MS * 2 ** (errors - 1)),
        ...(giveUp ? { status: 'exited' as const, exit_reason: 'failed', finished_at: now, waiting_reply_since: null } : {}),
        updated_at: now,
      })
      .where('id', '=', run.id)
      .execute();
    if (giveUp) {
      stats.add({
        workspaceId: run.workspace_id,
        workflowId: run.workflow_id,
        versionId: run.version_id,
        stepId: WORKFLOW_STEP,
        key: 'exited:failed',
      });
    }
  }

  /**
   * One batch, two ways. Fast: every run of the batch in one go, the engine's writes gathered into a few statements at
   * the end. When anything throws, that transaction is rolled back and the batch is done again carefully: each run in
   * a savepoint of its own with its writes made at once, so the failing run is set aside (retried after a backoff)
   * and the others go on.
   */
  async function processBatch(batchSize = 200) {
    const now = clock.now();
    try {
      return await db.transaction().execute((trx) => runBatch(trx, now, batchSize, 'fast'));
    } catch {
      return db.transaction().execute((trx) => runBatch(trx, now, batchSize, 'careful'));
    }
  }

  async function runBatch(trx: Executor, now: number, batchSize: number, mode: 'fast' | 'careful') {
    const runs = await claim(trx, now, batchSize);
    if (runs.length === 0) return { runs: 0, steps: 0 };
    const batch = await load(trx, runs, now);
    let steps = 0;
    if (mode === 'fast') {
      const writes = createWriteBuffer();
      for (const run of runs) steps += await advance(batch, run, batch.stats, writes);
      await writes.flush(trx);
    } else {
      for (const run of runs) {
        const own = createStatsBuffer();
        const writes = createWriteBuffer();
        await sql`savepoint workflow_run`.execute(trx);
        try {
          steps += await advance(batch, run, own, writes);
          await writes.flush(trx);
          await sql`release savepoint workflow_run`.execute(trx);
          batch.stats.merge(own);
        } catch (error) {
          await sql`rollback to savepoint workflow_run`.execute(trx);
          await sql`release savepoint workflow_run`.execute(trx);
          const failed = createStatsBuffer();
          await recordError(trx, run, error, now, failed);
          batch.stats.merge(failed);
        }
      }
    }
    await batch.stats.flush(trx);
    return { runs: runs.length, steps };
  }

  async function tick(options: { batchSize?: number; signal?: AbortSignal; budgetMs?: number } = {}): Promise<TickResult> {
    const batchSize = options.batchSize ?? 200;
    const started = Date.now();
    const total: TickResult = { runs: 0, steps: 0, batches: 0, more: false };
    cache = createEngineCache();
    for (;;) {
      if (options.signal?.aborted || (options.budgetMs !== undefined && Date.now() - started >= options.budgetMs)) {
        total.more = true;
        break;
      }
      const done = await processBatch(batchSize);
      total.runs += done.runs;
      total.steps += done.steps;
      if (done.runs > 0) total.batches += 1;
      if (done.runs < batchSize) break;
    }
    return total;
  }

  return { processBatch, tick, versions };
}

const storedKey = (runId: number, stepId: string, visit: number) => `${runId}:${visit}:${stepId}`;

/** Where an exit of a step leads (undefined: the run ends there). */
export function exitTarget(step: WorkflowStep, exit: string): string | undefined {
  return stepExits(step).find((e) => e.key === exit)?.next;
}

/** The step's result for this visit: a new row on entering, the exit once the step is left. */
function recordResult(
  writes: WriteBuffer,
  run: Run,
  step: WorkflowStep,
  visit: number,
  stored: StepOutcome | null,
  result: StepResult,
  now: number,
) {
  const outcome: StepOutcome =
    result.kind === 'wait' ? result.outcome : { ...result.outcome, exit: result.kind === 'end' ? 'end' : result.exit };
  const row = {
    workspace_id: run.workspace_id,
    run_id: run.id,
    step_id: step.id,
    visit,
    outcome: JSON.stringify(outcome),
    created_at: now,
    completed_at: result.kind === 'wait' ? null : now,
  };
  if (stored === null) writes.enter(row);
  else if (result.kind !== 'wait') writes.leave(row);
}

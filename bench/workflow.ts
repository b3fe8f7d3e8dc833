import { sql } from 'kysely';
import type { WorkflowDefinition } from '../common/workflows.ts';
import type { Db } from '../server/db/database.ts';
import { dialectOf, forUpdateSkipLocked } from '../server/db/dialect.ts';
import { systemClock } from '../server/lib/clock.ts';
import { createSimulatorSender } from '../server/modules/messaging/channels.repo.ts';
import { createWorkflowEngine } from '../server/modules/workflows/engine.ts';
import { enrollMembers } from '../server/modules/workflows/enroll.ts';
import { createVersionCache } from '../server/modules/workflows/workflows.repo.ts';
import { createWorkflowsService } from '../server/modules/workflows/workflows.service.ts';
import { createBenchDatabase } from './database.ts';
import { createBenchWorkspace, insertConsentingMembers } from './fanout.ts';
import type { BenchContext, Benchmark } from './report.ts';

// `workflow`: --members members (default 100,000) enrolled at once in a 5-step workflow whose waits are 0, so every
// run is due again as soon as it parks, and the engine (server/modules/workflows/engine.ts) is driven until no run is
// due. A run wakes 3 times: enrolled (a text into the outbox, then the first wait), after the first wait (a tag, then
// the second wait), after the second wait (points on the timeline, the end).
//
// - workflow.enroll: members enrolled per second (enrollMembers in transactions of 1,000: live members, the
//   enrollment rule, the runs and the roll-up).
// - workflow.wakeups: runs woken and moved on per second by ticks of 200-run batches (each a transaction with FOR
//   UPDATE SKIP LOCKED on PostgreSQL, a savepoint per run, a result row per step, the roll-up once per batch); steps
//   per second and the texts queued are printed with it.
// - workflow.raw_enroll (limit of enroll): the same number of run rows inserted raw, 1,000 per statement.
// - workflow.raw_wakeups (limit of wakeups): the bare statements of one wake-up, as many times: claim 200 due runs, then
//   per run one result row and one UPDATE of the run, one transaction per 200.

const APP_SECRET = 'bench-secret-bench-secret-bench-secret-0123456789';
const ENROLL_CHUNK = 1_000;
const BATCH = 200;

const DEFINITION: WorkflowDefinition = {
  trigger: { kind: 'manual' },
  enrollment: 'once',
  steps: [
    { id: 'welcome', kind: 'send_sms', body: 'Hi {{ member.first_name }}, welcome to Clean Water! Reply STOP to opt out', next: 'beat1' },
    { id: 'beat1', kind: 'wait', until: { kind: 'duration', seconds: 0 }, next: 'tag' },
    { id: 'tag', kind: 'add_tag', tag: 'welcomed', next: 'beat2' },
    { id: 'beat2', kind: 'wait', until: { kind: 'duration', seconds: 0 }, next: 'points' },
    { id: 'points', kind: 'award_points', points: 5 },
  ],
};

async function memberIds(db: Db, workspaceId: number): Promise<number[]> {
  const rows = await db.selectFrom('members').select('id').where('workspace_id', '=', workspaceId).orderBy('id').execute();
  return rows.map((r) => Number(r.id));
}

/**
 * The limits, on runs of a second workflow: the runs inserted raw (1,000 per statement and transaction), then as many
 * wake-ups as bare statements. Returns both per second.
 */
async function rawLimits(db: Db, workflowId: number, versionId: number, workspaceId: number, ids: number[], wakeups: number) {
  const now = Date.now();
  const inserting = performance.now();
  for (let i = 0; i < ids.length; i += ENROLL_CHUNK) {
    await db
      .insertInto('workflow_runs')
      .values(
        ids.slice(i, i + ENROLL_CHUNK).map((memberId) => ({
          workspace_id: workspaceId,
          workflow_id: workflowId,
          version_id: versionId,
          member_id: memberId,
          status: 'active' as const,
          current_step_id: 'tag',
          visit: 1,
          wake_at: now,
          waiting_reply_since: null,
          enrolled_at: now,
          finished_at: null,
          exit_reason: null,
          goal_deadline: null,
          goal_reached_at: null,
          held_out: 0,
          enroll_key: null,
          updated_at: now,
        })),
      )
      .execute();
  }
  const inserted = ids.length / ((performance.now() - inserting) / 1000);
  const lock = forUpdateSkipLocked(dialectOf(db));
  const started = performance.now();
  let woken = 0;
  for (;;) {
    const n = await db.transaction().execute(async (trx) => {
      const runs = await trx
        .selectFrom('workflow_runs')
        .select(['id', 'workspace_id'])
        .where('workflow_id', '=', workflowId)
        .where('wake_at', '<=', Date.now())
        .where('status', 'in', ['active', 'waiting'])
        .orderBy('wake_at')
        .limit(BATCH)
        .$call(lock)
        .execute();
      for (const run of runs) {
        await trx
          .insertInto('workflow_step_results')
          .values({
            workspace_id: run.workspace_id,
            run_id: run.id,
            step_id: 'tag',
            visit: 1,
            outcome: '{"exit":"next"}',
            created_at: now,
            completed_at: now,
          })
          .execute();
        await trx
          .updateTable('workflow_runs')
          .set({ status: 'completed', wake_at: null, finished_at: now, updated_at: now })
          .where('id', '=', run.id)
          .execute();
      }
      return runs.length;
    });
    woken += n;
    if (n < BATCH || woken >= wakeups) break;
  }
  return { inserted, wakeups: woken / ((performance.now() - started) / 1000) };
}

export const workflowBenchmark: Benchmark = {
  describe: 'members enrolled in a 5-step workflow with waits of 0: runs woken per second (--members)',
  usesGeneratedData: true,
  async run(context: BenchContext) {
    const { dialect, log, emit } = context;
    const members = context.members;
    const database = await createBenchDatabase(dialect, context.databaseUrl);
    const { db } = database;
    try {
      const now = Date.now();
      const workspaceId = await createBenchWorkspace(db, now);
      await createSimulatorSender(db, { workspaceId, appSecret: APP_SECRET, now });
      log(`workflow (${dialect}): inserting ${members.toLocaleString('en-US')} members…`);
      await insertConsentingMembers(db, { workspaceId, count: members, seed: context.seed, now, log });
      if (dialect === 'postgres') await sql`analyze`.execute(db);
      const service = createWorkflowsService({
        db,
        clock: systemClock,
        appSecret: APP_SECRET,
        config: { publicUrl: 'https://act.example.org' },
      });
      const created = await service.create(null, workspaceId, { name: 'Welcome series', definition: DEFINITION });
      const workflow = await service.publish(null, workspaceId, created.id);
      const row = await db.selectFrom('workflows').selectAll().where('id', '=', workflow.id).executeTakeFirstOrThrow();
      const ids = await memberIds(db, workspaceId);

      log('workflow: enrolling…');
      const versions = createVersionCache();
      let started = performance.now();
      for (let i = 0; i < ids.length; i += ENROLL_CHUNK) {
        const chunk = ids.slice(i, i + ENROLL_CHUNK);
        await db
          .transaction()
          .execute((trx) =>
            enrollMembers(trx, { workflow: row, versions, enrollees: chunk.map((memberId) => ({ memberId })), now: Date.now() }),
          );
      }
      const enrollSeconds = (performance.now() - started) / 1000;

      log('workflow: running the engine until no run is due…');
      const engine = createWorkflowEngine({ db, clock: systemClock, appSecret: APP_SECRET });
      started = performance.now();
      let wakeups = 0;
      let steps = 0;
      for (;;) {
        const done = await engine.tick({ batchSize: BATCH });
        wakeups += done.runs;
        steps += done.steps;
        if (done.runs === 0) break;
      }
      const seconds = (performance.now() - started) / 1000;
      const completed = await db
        .selectFrom('workflow_runs')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('workflow_id', '=', workflow.id)
        .where('status', '=', 'completed')
        .executeTakeFirstOrThrow();
      const texts = await db
        .selectFrom('messages')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('workspace_id', '=', workspaceId)
        .executeTakeFirstOrThrow();
      if (Number(completed.n) !== ids.length) throw new Error(`workflow: ${completed.n} of ${ids.length} runs completed`);

      log('workflow: the limit (bare statements per wake-up)…');
      const second = await service.create(null, workspaceId, { name: 'Raw', definition: DEFINITION });
      await service.publish(null, workspaceId, second.id);
      const secondRow = await db.selectFrom('workflows').select('current_version_id').where('id', '=', second.id).executeTakeFirstOrThrow();
      // As many wake-ups as the engine took (runs wake up to 3 times, so the members are taken again where needed).
      const again = Array.from({ length: Math.ceil(wakeups / ids.length) }, () => ids)
        .flat()
        .slice(0, wakeups);
      const raw = await rawLimits(db, second.id, secondRow.current_version_id as number, workspaceId, again, wakeups);

      const wakeupsPerSecond = wakeups / seconds;
      emit({ name: 'workflow.raw_wakeups', value: raw.wakeups, unit: 'wakeups/s', target: null, limit: raw.wakeups, extra: { wakeups } });
      emit({
        name: 'workflow.wakeups',
        value: wakeupsPerSecond,
        unit: 'wakeups/s',
        target: null,
        limit: raw.wakeups,
        extra: {
          members: ids.length,
          wakeups,
          steps,
          steps_per_s: Math.round(steps / seconds),
          texts_queued: Number(texts.n),
          seconds: Math.round(seconds * 10) / 10,
        },
      });
      emit({ name: 'workflow.raw_enroll', value: raw.inserted, unit: 'runs/s', target: null, limit: raw.inserted });
      emit({
        name: 'workflow.enroll',
        value: ids.length / enrollSeconds,
        unit: 'members/s',
        target: null,
        limit: raw.inserted,
        extra: { members: ids.length },
      });
    } finally {
      await database.destroy();
    }
  },
};

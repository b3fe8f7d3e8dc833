import { type ColumnDefinitionBuilder, sql } from 'kysely';
import { type AnyDb, dialectOf, int64, withId } from '../dialect.ts';

// Workflows (server/modules/workflows, docs/decisions/0008-workflow-engine.md). A workflow keeps its draft definition
// and points at its published version; versions are immutable, and a run stays on the version it enrolled on. A run's
// durable timer is `wake_at` (the tick claims runs whose time has come); `visit` counts the steps the run has entered,
// and each entered step leaves one workflow_step_results row, unique per (run, step, visit), written in the same
// transaction as what the step did (an outbox row, a tag) — a retried tick finds it and goes on instead of acting again.
// workflow_step_stats is the report's roll-up, bumped as runs move (step_id '' holds the workflow-wide counters).
// The triggers job reads the activity log after workflow_cursors.last_id; workflow_segment_members remembers who was in
// an "entered a segment" trigger's segment; staff_notifications is what notify_staff steps leave for staff.
export async function up(db: AnyDb): Promise<void> {
  const d = dialectOf(db);
  const ts = int64(d);
  const wsRef = (c: ColumnDefinitionBuilder) => c.notNull().references('workspaces.id').onDelete('cascade');

  await withId(db.schema.createTable('workflows'), d)
    .addColumn('workspace_id', ts, wsRef)
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('status', 'text', (c) => c.notNull()) // draft | active | paused | archived
    .addColumn('draft', 'text', (c) => c.notNull()) // JSON: the definition being edited (common/workflows.ts)
    .addColumn('current_version_id', ts) // the published version new enrollments use
    .addColumn('version_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('trigger_kind', 'text') // of the published version, for the triggers' lookups
    .addColumn('trigger_keyword', 'text') // normalised, for keyword triggers
    .addColumn('hook_token_hash', 'text', (c) => c.unique()) // SHA-256 of the inbound-webhook token
    .addColumn('webhook_secret', 'text', (c) => c.notNull()) // sealed (AES-GCM under APP_SECRET): signs webhook steps
    .addColumn('created_by', ts, (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', ts, (c) => c.notNull())
    .addColumn('updated_at', ts, (c) => c.notNull())
    .addColumn('archived_at', ts)
    .execute();
  await db.schema.createIndex('workflows_workspace_idx').on('workflows').columns(['workspace_id', 'status', 'id']).execute();
  await db.schema
    .createIndex('workflows_trigger_idx')
    .on('workflows')
    .columns(['trigger_kind', 'workspace_id'])
    .where(sql.ref('status'), '=', sql.lit('active'))
    .execute();

  await withId(db.schema.createTable('workflow_versions'), d)
    .addColumn('workspace_id', ts, wsRef)
    .addColumn('workflow_id', ts, (c) => c.notNull().references('workflows.id').onDelete('cascade'))
    .addColumn('number', 'integer', (c) => c.notNull())
    .addColumn('definition', 'text', (c) => c.notNull()) // JSON, never updated
    .addColumn('created_by', ts, (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', ts, (c) => c.notNull())
    .addUniqueConstraint('workflow_versions_number_uq', ['workflow_id', 'number'])
    .execute();

  await withId(db.schema.createTable('workflow_runs'), d)
    .addColumn('workspace_id', ts, wsRef)
    .addColumn('workflow_id', ts, (c) => c.notNull().references('workflows.id').onDelete('cascade'))
    .addColumn('version_id', ts, (c) => c.notNull().references('workflow_versions.id').onDelete('cascade'))
    .addColumn('member_id', ts, (c) => c.notNull().references('members.id').onDelete('cascade'))
    .addColumn('status', 'text', (c) => c.notNull()) // active | waiting | completed | exited | held_out
    .addColumn('current_step_id', 'text')
    .addColumn('visit', 'integer', (c) => c.notNull().defaultTo(0)) // steps entered so far; the current one's number
    .addColumn('wake_at', ts) // the durable timer: due runs are claimed by the tick; NULL once finished
    .addColumn('waiting_reply_since', ts)
    .addColumn('enrolled_at', ts, (c) => c.notNull())
    .addColumn('finished_at', ts)
    .addColumn('exit_reason', 'text')
    .addColumn('goal_deadline', ts) // enrolled_at + the goal's window, when the version has a goal
    .addColumn('goal_reached_at', ts)
    .addColumn('held_out', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('enroll_key', 'text') // what enrolled the member (an activity, a text, a request): one run per key
    .addColumn('errors', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_error', 'text')
    .addColumn('updated_at', ts, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('workflow_runs_wake_idx')
    .on('workflow_runs')
    .columns(['wake_at'])
    .where(sql.ref('wake_at'), 'is not', null)
    .execute();
  await db.schema
    .createIndex('workflow_runs_member_idx')
    .on('workflow_runs')
    .columns(['workspace_id', 'member_id', 'workflow_id'])
    .execute();
  await db.schema
    .createIndex('workflow_runs_list_idx')
    .on('workflow_runs')
    .columns(['workspace_id', 'workflow_id', 'status', 'id'])
    .execute();
  await db.schema
    .createIndex('workflow_runs_goal_idx')
    .on('workflow_runs')
    .columns(['workspace_id', 'member_id', 'goal_deadline'])
    .where(sql.ref('goal_reached_at'), 'is', null)
    .where(sql.ref('goal_deadline'), 'is not', null)
    .execute();
  await db.schema
    .createIndex('workflow_runs_enroll_key_uq')
    .on('workflow_runs')
    .columns(['workflow_id', 'enroll_key'])
    .unique()
    .where(sql.ref('enroll_key'), 'is not', null)
    .execute();

  await withId(db.schema.createTable('workflow_step_results'), d)
    .addColumn('workspace_id', ts, wsRef)
    .addColumn('run_id', ts, (c) => c.notNull().references('workflow_runs.id').onDelete('cascade'))
    .addColumn('step_id', 'text', (c) => c.notNull())
    .addColumn('visit', 'integer', (c) => c.notNull())
    .addColumn('outcome', 'text', (c) => c.notNull()) // JSON: what the step did, and the exit taken once it is left
    .addColumn('created_at', ts, (c) => c.notNull())
    .addColumn('completed_at', ts)
    .addUniqueConstraint('workflow_step_results_uq', ['run_id', 'step_id', 'visit'])
    .execute();

  await db.schema
    .createTable('workflow_step_stats')
    .addColumn('workspace_id', ts, wsRef)
    .addColumn('workflow_id', ts, (c) => c.notNull().references('workflows.id').onDelete('cascade'))
    .addColumn('version_id', ts, (c) => c.notNull().references('workflow_versions.id').onDelete('cascade'))
    .addColumn('step_id', 'text', (c) => c.notNull()) // '' for the workflow as a whole
    .addColumn('key', 'text', (c) => c.notNull()) // entered | completed | exit:<key> | skipped:<reason> | enrolled | …
    .addColumn('value', ts, (c) => c.notNull().defaultTo(0))
    .addPrimaryKeyConstraint('workflow_step_stats_pk', ['version_id', 'step_id', 'key'])
    .execute();
  await db.schema
    .createIndex('workflow_step_stats_workflow_idx')
    .on('workflow_step_stats')
    .columns(['workspace_id', 'workflow_id'])
    .execute();

  await db.schema
    .createTable('workflow_cursors')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('last_id', ts, (c) => c.notNull().defaultTo(0))
    .addColumn('gaps', 'text', (c) => c.notNull().defaultTo('[]')) // JSON: ids below last_id not yet seen, [id, since]
    .addColumn('updated_at', ts, (c) => c.notNull())
    .execute();

  // Who matched an "entered a segment" trigger's segment at its last evaluation: members not in it yet are new.
  await db.schema
    .createTable('workflow_segment_members')
    .addColumn('workflow_id', ts, (c) => c.notNull().references('workflows.id').onDelete('cascade'))
    .addColumn('member_id', ts, (c) => c.notNull())
    .addColumn('workspace_id', ts, wsRef)
    .addPrimaryKeyConstraint('workflow_segment_members_pk', ['workflow_id', 'member_id'])
    .execute();

  await withId(db.schema.createTable('staff_notifications'), d)
    .addColumn('workspace_id', ts, wsRef)
    .addColumn('source', 'text', (c) => c.notNull()) // 'workflow'
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('member_id', ts, (c) => c.references('members.id').onDelete('set null'))
    .addColumn('workflow_id', ts, (c) => c.references('workflows.id').onDelete('set null'))
    .addColumn('run_id', ts, (c) => c.references('workflow_runs.id').onDelete('set null'))
    .addColumn('created_at', ts, (c) => c.notNull())
    .addColumn('read_at', ts)
    .execute();
  await db.schema.createIndex('staff_notifications_workspace_idx').on('staff_notifications').columns(['workspace_id', 'id']).execute();
}

export async function down(db: AnyDb): Promise<void> {
  for (const table of [
    'staff_notifications',
    'workflow_segment_members',
    'workflow_cursors',
    'workflow_step_stats',
    'workflow_step_results',
    'workflow_runs',
  ]) {
    await db.schema.dropTable(table).ifExists().execute();
  }
  await db.schema.dropTable('workflow_versions').ifExists().execute();
  await db.schema.dropTable('workflows').ifExists().execute();
}

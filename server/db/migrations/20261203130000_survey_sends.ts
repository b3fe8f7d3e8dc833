import { type ColumnDefinitionBuilder, sql } from 'kysely';
import { type AnyDb, dialectOf, int64, withId } from '../dialect.ts';

// Survey sends: staff sending an SMS survey to members, communities and tags is recorded here and carried out by a
// job (surveys.send) that walks the audience by member id. `last_member_id` is the checkpoint a retried run resumes
// from; the counters move with it in each batch's transaction. At most one send per survey is queued or running
// (survey_sends_active_uq), so two clicks never send a survey twice at once.
export async function up(db: AnyDb): Promise<void> {
  const d = dialectOf(db);
  const ts = int64(d);
  const wsRef = (c: ColumnDefinitionBuilder) => c.notNull().references('workspaces.id').onDelete('cascade');
  const counter = (c: ColumnDefinitionBuilder) => c.notNull().defaultTo(0);

  await withId(db.schema.createTable('survey_sends'), d)
    .addColumn('workspace_id', ts, wsRef)
    .addColumn('survey_id', ts, (c) => c.notNull().references('surveys.id').onDelete('cascade'))
    .addColumn('audience', 'text', (c) => c.notNull()) // JSON: { memberIds, communityIds, tags }
    .addColumn('sender_id', ts, (c) => c.references('senders.id').onDelete('set null'))
    .addColumn('status', 'text', (c) => c.notNull()) // queued | running | done | failed | cancelled
    .addColumn('last_member_id', ts, counter) // members up to this id are done
    .addColumn('total', 'integer', counter)
    .addColumn('processed', 'integer', counter)
    .addColumn('started_count', 'integer', counter)
    .addColumn('skipped_no_consent', 'integer', counter)
    .addColumn('skipped_already_started', 'integer', counter)
    .addColumn('skipped_already_completed', 'integer', counter)
    .addColumn('skipped_not_found', 'integer', counter)
    .addColumn('skipped_frequency_cap', 'integer', counter)
    .addColumn('error', 'text') // why a send failed
    .addColumn('created_by', ts, (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', ts, (c) => c.notNull())
    .addColumn('updated_at', ts, (c) => c.notNull())
    .addColumn('started_at', ts)
    .addColumn('finished_at', ts)
    .execute();
  await db.schema.createIndex('survey_sends_survey_idx').on('survey_sends').columns(['workspace_id', 'survey_id', 'id']).execute();
  await db.schema
    .createIndex('survey_sends_active_uq')
    .on('survey_sends')
    .columns(['survey_id'])
    .unique()
    .where(sql<boolean>`status in ('queued', 'running')`)
    .execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.dropTable('survey_sends').ifExists().execute();
}

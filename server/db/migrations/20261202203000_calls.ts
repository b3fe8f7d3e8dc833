import type { ColumnDefinitionBuilder } from 'kysely';
import { type AnyDb, dialectOf, int64, withId } from '../dialect.ts';

// Call your representative. `call_targets` holds the people members call: the workspace's officials (imported from
// CSV, action_id NULL) and the fixed list of a call action (action_id set). `call_districts` maps postal codes to
// districts (a code may lie in several: a congressional district, a state one, the state for senators); an official
// answers for one district. `call_logs` is one row per member, action and target with the outcome the member reported.
export async function up(db: AnyDb): Promise<void> {
  const d = dialectOf(db);
  const ts = int64(d);
  const wsRef = (c: ColumnDefinitionBuilder) => c.notNull().references('workspaces.id').onDelete('cascade');

  await withId(db.schema.createTable('call_targets'), d)
    .addColumn('workspace_id', ts, wsRef)
    .addColumn('action_id', ts, (c) => c.references('actions.id').onDelete('cascade')) // NULL: an official of the dataset
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('office', 'text', (c) => c.notNull().defaultTo('')) // level: federal, state, city …
    .addColumn('district', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('phone', 'text', (c) => c.notNull()) // E.164
    .addColumn('party', 'text')
    .addColumn('position', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', ts, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('call_targets_district_idx').on('call_targets').columns(['workspace_id', 'district']).execute();
  await db.schema.createIndex('call_targets_action_idx').on('call_targets').columns(['action_id', 'position']).execute();

  await withId(db.schema.createTable('call_districts'), d)
    .addColumn('workspace_id', ts, wsRef)
    .addColumn('postal_code', 'text', (c) => c.notNull())
    .addColumn('district', 'text', (c) => c.notNull())
    .addColumn('created_at', ts, (c) => c.notNull())
    .addUniqueConstraint('call_districts_uq', ['workspace_id', 'postal_code', 'district'])
    .execute();

  await withId(db.schema.createTable('call_logs'), d)
    .addColumn('workspace_id', ts, wsRef)
    .addColumn('action_id', ts, (c) => c.notNull().references('actions.id').onDelete('cascade'))
    .addColumn('member_id', ts, (c) => c.notNull().references('members.id').onDelete('cascade'))
    .addColumn('target_id', ts, (c) => c.references('call_targets.id').onDelete('set null'))
    .addColumn('target_name', 'text', (c) => c.notNull()) // kept when the dataset is replaced
    .addColumn('target_key', 'text', (c) => c.notNull()) // name + phone: one call per member and person called
    .addColumn('outcome', 'text', (c) => c.notNull()) // reached | voicemail | busy | no_answer
    .addColumn('created_at', ts, (c) => c.notNull())
    .addUniqueConstraint('call_logs_uq', ['action_id', 'member_id', 'target_key'])
    .execute();
  await db.schema.createIndex('call_logs_results_idx').on('call_logs').columns(['action_id', 'target_key', 'outcome']).execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.dropTable('call_logs').ifExists().execute();
  await db.schema.dropTable('call_districts').ifExists().execute();
  await db.schema.dropTable('call_targets').ifExists().execute();
}

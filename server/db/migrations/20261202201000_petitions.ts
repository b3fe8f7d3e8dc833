import { type ColumnDefinitionBuilder, sql } from 'kysely';
import { type AnyDb, dialectOf, int64, withId } from '../dialect.ts';

// Petition signatures: one per member and petition (an `actions` row of type 'petition'). The public signer list
// reads the name and place snapshotted at signing, only for signers who opted in. `ref_code` is the signer's own
// share code (?ref=… on the links they share); `ip` and `phone_prefix` feed the velocity limits against abuse.
export async function up(db: AnyDb): Promise<void> {
  const d = dialectOf(db);
  const ts = int64(d);
  const wsRef = (c: ColumnDefinitionBuilder) => c.notNull().references('workspaces.id').onDelete('cascade');

  await withId(db.schema.createTable('petition_signatures'), d)
    .addColumn('workspace_id', ts, wsRef)
    .addColumn('action_id', ts, (c) => c.notNull().references('actions.id').onDelete('cascade'))
    .addColumn('member_id', ts, (c) => c.notNull().references('members.id').onDelete('cascade'))
    .addColumn('comment', 'text')
    .addColumn('public', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('public_name', 'text') // first name, when the signer chose to show it
    .addColumn('public_place', 'text') // postal code, when shown
    .addColumn('source', 'text')
    .addColumn('medium', 'text')
    .addColumn('ref', 'text') // the ref code of the link that brought them
    .addColumn('referred_by', ts) // the member whose ref code it was
    .addColumn('ref_code', 'text', (c) => c.notNull())
    .addColumn('ip', 'text')
    .addColumn('phone_prefix', 'text')
    .addColumn('created_at', ts, (c) => c.notNull())
    .addUniqueConstraint('petition_signatures_uq', ['action_id', 'member_id'])
    .execute();
  await db.schema.createIndex('petition_signatures_ref_uq').unique().on('petition_signatures').columns(['ref_code']).execute();
  await db.schema
    .createIndex('petition_signatures_list_idx')
    .on('petition_signatures')
    .columns(['workspace_id', 'action_id', 'id'])
    .execute();
  await db.schema
    .createIndex('petition_signatures_ip_idx')
    .on('petition_signatures')
    .columns(['workspace_id', 'ip', 'created_at'])
    .execute();
  await db.schema
    .createIndex('petition_signatures_prefix_idx')
    .on('petition_signatures')
    .columns(['workspace_id', 'phone_prefix', 'created_at'])
    .where(sql.ref('phone_prefix'), 'is not', null)
    .execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.dropTable('petition_signatures').ifExists().execute();
}

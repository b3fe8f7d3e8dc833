import { type ColumnDefinitionBuilder, sql } from 'kysely';
import { type AnyDb, dialectOf, int64 } from '../dialect.ts';

// Broadcast holdouts (issue 7): a broadcast may keep a random share of its audience (0–50 %) out of the send, to
// measure the broadcast against it on a goal (JSON, the shape of a workflow goal: activity types, an optional action,
// a window in days). Who is held out is decided at expansion, among members who passed the consent, address and
// frequency-cap screens, by a keyed draw on (holdout_seed, member id): a retried window draws the same members, and
// broadcast_holdouts' primary key records each of them once. The lift report compares goal rates of the members with a
// message of the broadcast and the members held out.
export async function up(db: AnyDb): Promise<void> {
  const d = dialectOf(db);
  const ts = int64(d);
  const wsRef = (c: ColumnDefinitionBuilder) => c.notNull().references('workspaces.id').onDelete('cascade');

  await db.schema
    .alterTable('broadcasts')
    .addColumn('holdout_percent', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.alterTable('broadcasts').addColumn('goal', 'text').execute(); // JSON: { types, actionId?, withinDays }
  await db.schema
    .alterTable('broadcasts')
    .addColumn('holdout_seed', ts, (c) => c.notNull().defaultTo(0)) // 0 … 2^32 − 1, drawn when the broadcast is created
    .execute();
  // Broadcasts created before get a seed of their own too (a draft may still be given a holdout).
  const random = d === 'postgres' ? sql`floor(random() * 4294967296)::bigint` : sql`abs(random()) % 4294967296`;
  await sql`update broadcasts set holdout_seed = ${random}`.execute(db);

  await db.schema
    .createTable('broadcast_holdouts')
    .addColumn('workspace_id', ts, wsRef)
    .addColumn('broadcast_id', ts, (c) => c.notNull().references('broadcasts.id').onDelete('cascade'))
    .addColumn('member_id', ts, (c) => c.notNull().references('members.id').onDelete('cascade'))
    .addColumn('created_at', ts, (c) => c.notNull())
    .addPrimaryKeyConstraint('broadcast_holdouts_pk', ['broadcast_id', 'member_id'])
    .execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.dropTable('broadcast_holdouts').ifExists().execute();
  await db.schema.alterTable('broadcasts').dropColumn('holdout_seed').execute();
  await db.schema.alterTable('broadcasts').dropColumn('goal').execute();
  await db.schema.alterTable('broadcasts').dropColumn('holdout_percent').execute();
}

import { type ColumnDefinitionBuilder, sql } from 'kysely';
import { ENGAGEMENT_POINTS, MAX_ENGAGEMENT_SCORE } from '../../modules/activities/engagement.ts';
import { type AnyDb, dialectOf, int64, withId } from '../dialect.ts';

// Segments (server/modules/segments): saved rule trees, and snapshots that freeze who was in one when it was used (a
// broadcast's launch, an export). Members gain the two counters segments filter on, kept by recordActivities:
// engagement_score (lifetime points, capped) and referral_count (people the member brought in). Existing members get
// both from the activity log they already have. Activities gain the indexes compiled segments probe.
export async function up(db: AnyDb): Promise<void> {
  const d = dialectOf(db);
  const ts = int64(d);
  const wsRef = (c: ColumnDefinitionBuilder) => c.notNull().references('workspaces.id').onDelete('cascade');

  await db.schema
    .alterTable('members')
    .addColumn('engagement_score', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .alterTable('members')
    .addColumn('referral_count', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  const points = sql.join(
    Object.entries(ENGAGEMENT_POINTS)
      .filter(([, n]) => n > 0)
      .map(([type, n]) => sql`when ${sql.lit(type)} then ${sql.lit(n)}`),
    sql` `,
  );
  await sql`
    update members set
      engagement_score = (
        select case when coalesce(sum(case a.type ${points} else 0 end), 0) > ${sql.lit(MAX_ENGAGEMENT_SCORE)}
          then ${sql.lit(MAX_ENGAGEMENT_SCORE)} else coalesce(sum(case a.type ${points} else 0 end), 0) end
        from activities a where a.workspace_id = members.workspace_id and a.member_id = members.id
      ),
      referral_count = (
        select count(*) from activities a
        where a.workspace_id = members.workspace_id and a.member_id = members.id and a.type = 'referred'
      )
    where exists (select 1 from activities a where a.workspace_id = members.workspace_id and a.member_id = members.id)
  `.execute(db);

  // Members merged into another: a survivor is credited with what they did (their activities keep their own id).
  await db.schema
    .createIndex('members_merged_idx')
    .on('members')
    .columns(['workspace_id', 'merged_into'])
    .where(sql.ref('merged_into'), 'is not', null)
    .execute();

  // Who did what on an action ("signed petition 12": the members a segment starts from), and one member's activities
  // of a type over time with what they were about ("did not act on any other action since …", "clicked 3 times in
  // 30 days": the probes a segment makes per member). Both cover their queries, so neither reads the table.
  await db.schema
    .createIndex('activities_subject_idx')
    .on('activities')
    .columns(['workspace_id', 'subject_type', 'subject_id', 'type', 'member_id'])
    .execute();
  await db.schema
    .createIndex('activities_member_type_idx')
    .on('activities')
    .columns(['workspace_id', 'member_id', 'type', 'occurred_at', 'subject_type', 'subject_id'])
    .execute();

  await withId(db.schema.createTable('segments'), d)
    .addColumn('workspace_id', ts, wsRef)
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('rules', 'text', (c) => c.notNull()) // JSON: the rule tree (common/segments.ts)
    .addColumn('created_by', ts, (c) => c.references('users.id').onDelete('set null'))
    .addColumn('last_count', 'integer')
    .addColumn('last_counted_at', ts)
    .addColumn('created_at', ts, (c) => c.notNull())
    .addColumn('updated_at', ts, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('segments_workspace_idx').on('segments').columns(['workspace_id', 'id']).execute();

  // A snapshot keeps the rules it was taken with, so it says what it froze even after the segment is edited.
  await withId(db.schema.createTable('segment_snapshots'), d)
    .addColumn('workspace_id', ts, wsRef)
    .addColumn('segment_id', ts, (c) => c.references('segments.id').onDelete('set null'))
    .addColumn('rules', 'text', (c) => c.notNull())
    .addColumn('purpose', 'text', (c) => c.notNull()) // broadcast | export | api
    .addColumn('member_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', ts, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('segment_snapshots_segment_idx')
    .on('segment_snapshots')
    .columns(['workspace_id', 'segment_id', 'id'])
    .execute();

  await db.schema
    .createTable('segment_snapshot_members')
    .addColumn('snapshot_id', ts, (c) => c.notNull().references('segment_snapshots.id').onDelete('cascade'))
    .addColumn('member_id', ts, (c) => c.notNull())
    .addColumn('workspace_id', ts, (c) => c.notNull())
    .addPrimaryKeyConstraint('segment_snapshot_members_pk', ['snapshot_id', 'member_id'])
    // SQLite: one b-tree keyed by (snapshot, member) instead of a rowid table plus an index on the same columns.
    .$call((t) => (d === 'sqlite' ? t.modifyEnd(sql`without rowid`) : t))
    .execute();

  // A broadcast whose audience is a segment reads it from the snapshot frozen when its expansion began.
  await db.schema.alterTable('broadcasts').addColumn('segment_snapshot_id', ts).execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.alterTable('broadcasts').dropColumn('segment_snapshot_id').execute();
  await db.schema.dropTable('segment_snapshot_members').ifExists().execute();
  await db.schema.dropTable('segment_snapshots').ifExists().execute();
  await db.schema.dropTable('segments').ifExists().execute();
  await db.schema.dropIndex('activities_member_type_idx').ifExists().execute();
  await db.schema.dropIndex('activities_subject_idx').ifExists().execute();
  await db.schema.dropIndex('members_merged_idx').ifExists().execute();
  await db.schema.alterTable('members').dropColumn('referral_count').execute();
  await db.schema.alterTable('members').dropColumn('engagement_score').execute();
}

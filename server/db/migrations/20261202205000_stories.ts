import { type ColumnDefinitionBuilder, sql } from 'kysely';
import { type AnyDb, binary, dialectOf, int64, withId } from '../dialect.ts';

// Stories: members tell their story on a story action's public page (an `actions` row of type 'story'); a moderator
// approves or rejects each one, and approved stories are spotlighted on a public page. `public_id` is the random name
// of a story in public URLs (its photo); the photo itself lives in `story_photos` (the bytes as uploaded, with the
// content type read from the file's signature), so lists never drag megabytes along. `ip` and `phone_prefix` feed the
// velocity limits against abuse.
export async function up(db: AnyDb): Promise<void> {
  const d = dialectOf(db);
  const ts = int64(d);
  const wsRef = (c: ColumnDefinitionBuilder) => c.notNull().references('workspaces.id').onDelete('cascade');

  await withId(db.schema.createTable('story_submissions'), d)
    .addColumn('workspace_id', ts, wsRef)
    .addColumn('action_id', ts, (c) => c.notNull().references('actions.id').onDelete('cascade'))
    .addColumn('member_id', ts, (c) => c.notNull().references('members.id').onDelete('cascade'))
    .addColumn('public_id', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('display', 'text', (c) => c.notNull()) // name | anonymous
    .addColumn('display_name', 'text') // "Ana, Austin" snapshotted at submission; NULL: anonymous
    .addColumn('publish_consent', 'text', (c) => c.notNull()) // the exact words the member agreed to
    .addColumn('photo_type', 'text') // image/jpeg | image/png | image/webp; NULL: no photo
    .addColumn('photo_size', 'integer')
    .addColumn('status', 'text', (c) => c.notNull()) // pending | approved | rejected
    .addColumn('moderated_by', ts, (c) => c.references('users.id').onDelete('set null'))
    .addColumn('moderated_at', ts)
    .addColumn('reason', 'text')
    .addColumn('source', 'text')
    .addColumn('ip', 'text')
    .addColumn('phone_prefix', 'text')
    .addColumn('created_at', ts, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('story_submissions_public_uq').unique().on('story_submissions').columns(['public_id']).execute();
  await db.schema
    .createIndex('story_submissions_list_idx')
    .on('story_submissions')
    .columns(['workspace_id', 'action_id', 'status', 'id'])
    .execute();
  await db.schema.createIndex('story_submissions_ip_idx').on('story_submissions').columns(['workspace_id', 'ip', 'created_at']).execute();
  await db.schema
    .createIndex('story_submissions_prefix_idx')
    .on('story_submissions')
    .columns(['workspace_id', 'phone_prefix', 'created_at'])
    .where(sql.ref('phone_prefix'), 'is not', null)
    .execute();

  await db.schema
    .createTable('story_photos')
    .addColumn('submission_id', ts, (c) => c.primaryKey().references('story_submissions.id').onDelete('cascade'))
    .addColumn('workspace_id', ts, wsRef)
    .addColumn('data', binary(d), (c) => c.notNull())
    .execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.dropTable('story_photos').ifExists().execute();
  await db.schema.dropTable('story_submissions').ifExists().execute();
}

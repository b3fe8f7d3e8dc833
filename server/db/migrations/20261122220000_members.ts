import { type ColumnDefinitionBuilder, sql } from 'kysely';
import { type AnyDb, binary, dialectOf, int64, withId } from '../dialect.ts';

// The supporter base: members, their consent ledger, tags and notes, micro-communities and memberships, the
// activity log, join keywords, suppressions (keyed hashes that outlive erased members) and CSV imports.
export async function up(db: AnyDb): Promise<void> {
  const d = dialectOf(db);
  const ts = int64(d);
  const wsRef = (c: ColumnDefinitionBuilder) => c.notNull().references('workspaces.id').onDelete('cascade');

  await withId(db.schema.createTable('members'), d)
    .addColumn('workspace_id', ts, wsRef)
    .addColumn('phone', 'text') // E.164, or NULL
    .addColumn('phone_type', 'text', (c) => c.notNull().defaultTo('unknown')) // mobile | landline | voip | unknown
    .addColumn('phone_raw', 'text') // as given, when it could not be normalized (flagged invalid)
    .addColumn('email', 'text') // lower-cased
    .addColumn('first_name', 'text')
    .addColumn('last_name', 'text')
    .addColumn('name_key', 'text') // lower-cased "first last", for prefix search
    .addColumn('last_name_key', 'text') // lower-cased last name, for prefix search
    .addColumn('postal_code', 'text')
    .addColumn('language', 'text', (c) => c.notNull().defaultTo('en'))
    .addColumn('timezone', 'text', (c) => c.notNull())
    .addColumn('timezone_source', 'text', (c) => c.notNull()) // explicit | postal_code | area_code | workspace
    .addColumn('custom_fields', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('source', 'text')
    .addColumn('referred_by', ts, (c) => c.references('members.id').onDelete('set null'))
    .addColumn('sms_consent', 'text', (c) => c.notNull().defaultTo('none')) // latest ledger event: granted | revoked | none
    .addColumn('email_consent', 'text', (c) => c.notNull().defaultTo('none'))
    .addColumn('merged_into', ts, (c) => c.references('members.id').onDelete('set null'))
    .addColumn('erased_at', ts)
    .addColumn('last_active_at', ts)
    .addColumn('created_at', ts, (c) => c.notNull())
    .addColumn('updated_at', ts, (c) => c.notNull())
    .execute();
  // One live member per phone number in a workspace; merged and erased members give their number up.
  await db.schema
    .createIndex('members_phone_idx')
    .on('members')
    .columns(['workspace_id', 'phone'])
    .unique()
    .where(sql.ref('phone'), 'is not', null)
    .execute();
  await db.schema.createIndex('members_email_idx').on('members').columns(['workspace_id', 'email']).execute();
  await db.schema.createIndex('members_name_idx').on('members').columns(['workspace_id', 'name_key']).execute();
  await db.schema.createIndex('members_last_name_idx').on('members').columns(['workspace_id', 'last_name_key']).execute();
  await db.schema.createIndex('members_list_idx').on('members').columns(['workspace_id', 'id']).execute();

  await db.schema
    .createTable('member_tags')
    .addColumn('workspace_id', ts, wsRef)
    .addColumn('member_id', ts, (c) => c.notNull().references('members.id').onDelete('cascade'))
    .addColumn('tag', 'text', (c) => c.notNull())
    .addColumn('created_at', ts, (c) => c.notNull())
    .addPrimaryKeyConstraint('member_tags_pk', ['member_id', 'tag'])
    .execute();
  await db.schema.createIndex('member_tags_tag_idx').on('member_tags').columns(['workspace_id', 'tag', 'member_id']).execute();

  await withId(db.schema.createTable('member_notes'), d)
    .addColumn('workspace_id', ts, wsRef)
    .addColumn('member_id', ts, (c) => c.notNull().references('members.id').onDelete('cascade'))
    .addColumn('author_user_id', ts, (c) => c.references('users.id').onDelete('set null'))
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('created_at', ts, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('member_notes_member_idx').on('member_notes').columns(['workspace_id', 'member_id', 'id']).execute();

  // Append-only: rows are inserted, never updated or deleted by the application (kept at least 4 years).
  await withId(db.schema.createTable('consent_events'), d)
    .addColumn('workspace_id', ts, wsRef)
    .addColumn('member_id', ts, (c) => c.notNull().references('members.id'))
    .addColumn('channel', 'text', (c) => c.notNull()) // sms | email
    .addColumn('status', 'text', (c) => c.notNull()) // granted | revoked
    .addColumn('method', 'text', (c) => c.notNull()) // web_form | keyword | reply | import | api | staff | verified_code
    .addColumn('address_hash', 'text') // keyed hash of the phone or email the event applies to
    .addColumn('wording', 'text') // the exact words agreed to
    .addColumn('source_url', 'text')
    .addColumn('ip', 'text')
    .addColumn('user_agent', 'text')
    .addColumn('recorded_by_user_id', ts)
    .addColumn('import_id', ts)
    .addColumn('created_at', ts, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('consent_events_member_idx').on('consent_events').columns(['workspace_id', 'member_id', 'id']).execute();

  // Keyed hashes of addresses that must never be contacted again, outliving erased members.
  await db.schema
    .createTable('suppressions')
    .addColumn('workspace_id', ts, wsRef)
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('address_hash', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('created_at', ts, (c) => c.notNull())
    .addPrimaryKeyConstraint('suppressions_pk', ['workspace_id', 'channel', 'address_hash'])
    .execute();

  await withId(db.schema.createTable('communities'), d)
    .addColumn('workspace_id', ts, wsRef)
    .addColumn('parent_id', ts, (c) => c.references('communities.id').onDelete('set null'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('slug', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('guidelines', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('visibility', 'text', (c) => c.notNull()) // public | request | invite
    .addColumn('consent_wording', 'text') // shown on the join page; defaults to the workspace's
    .addColumn('member_count', 'integer', (c) => c.notNull().defaultTo(0)) // active direct memberships
    .addColumn('archived_at', ts)
    .addColumn('created_at', ts, (c) => c.notNull())
    .addColumn('updated_at', ts, (c) => c.notNull())
    .addUniqueConstraint('communities_slug_uq', ['workspace_id', 'slug'])
    .execute();
  await db.schema.createIndex('communities_parent_idx').on('communities').columns(['workspace_id', 'parent_id']).execute();

  await withId(db.schema.createTable('memberships'), d)
    .addColumn('workspace_id', ts, wsRef)
    .addColumn('community_id', ts, (c) => c.notNull().references('communities.id').onDelete('cascade'))
    .addColumn('member_id', ts, (c) => c.notNull().references('members.id').onDelete('cascade'))
    .addColumn('role', 'text', (c) => c.notNull()) // member | leader | mentor
    .addColumn('status', 'text', (c) => c.notNull()) // active | pending | left
    .addColumn('source', 'text')
    .addColumn('joined_at', ts, (c) => c.notNull())
    .addColumn('left_at', ts)
    .addColumn('updated_at', ts, (c) => c.notNull())
    .addUniqueConstraint('memberships_uq', ['community_id', 'member_id'])
    .execute();
  await db.schema.createIndex('memberships_member_idx').on('memberships').columns(['workspace_id', 'member_id']).execute();
  await db.schema
    .createIndex('memberships_community_idx')
    .on('memberships')
    .columns(['workspace_id', 'community_id', 'status', 'member_id'])
    .execute();

  // Keywords members text in ("Text CLIMATE to …"); unique per workspace across every kind of target.
  await withId(db.schema.createTable('keywords'), d)
    .addColumn('workspace_id', ts, wsRef)
    .addColumn('keyword', 'text', (c) => c.notNull()) // upper-cased
    .addColumn('target_type', 'text', (c) => c.notNull()) // community (actions, surveys … later)
    .addColumn('target_id', ts, (c) => c.notNull())
    .addColumn('created_at', ts, (c) => c.notNull())
    .addUniqueConstraint('keywords_uq', ['workspace_id', 'keyword'])
    .execute();
  await db.schema.createIndex('keywords_target_idx').on('keywords').columns(['workspace_id', 'target_type', 'target_id']).execute();

  // Append-only log of what members do and receive; analytics, segments and workflows read it.
  await withId(db.schema.createTable('activities'), d)
    .addColumn('workspace_id', ts, wsRef)
    .addColumn('member_id', ts, (c) => c.notNull().references('members.id').onDelete('cascade'))
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('community_id', ts)
    .addColumn('subject_type', 'text') // action, message, import, … (what the activity is about)
    .addColumn('subject_id', ts)
    .addColumn('data', 'text')
    .addColumn('occurred_at', ts, (c) => c.notNull())
    .addColumn('created_at', ts, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('activities_member_idx').on('activities').columns(['workspace_id', 'member_id', 'occurred_at']).execute();
  await db.schema.createIndex('activities_type_idx').on('activities').columns(['workspace_id', 'type', 'occurred_at']).execute();
  await db.schema
    .createIndex('activities_community_idx')
    .on('activities')
    .columns(['workspace_id', 'community_id', 'occurred_at'])
    .where(sql.ref('community_id'), 'is not', null)
    .execute();

  await withId(db.schema.createTable('imports'), d)
    .addColumn('workspace_id', ts, wsRef)
    .addColumn('created_by', ts, (c) => c.references('users.id').onDelete('set null'))
    .addColumn('filename', 'text', (c) => c.notNull())
    .addColumn('size_bytes', ts, (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull()) // uploaded | validating | validated | running | done | failed | cancelled
    .addColumn('dry_run', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('headers', 'text') // JSON array of the file's column names
    .addColumn('mapping', 'text') // JSON: column → field
    .addColumn('options', 'text') // JSON: communities, tags, source, consent wording, dedupe
    .addColumn('total_rows', 'integer')
    .addColumn('processed_rows', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('updated_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('duplicate_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('error_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_error', 'text')
    .addColumn('created_at', ts, (c) => c.notNull())
    .addColumn('started_at', ts)
    .addColumn('finished_at', ts)
    .execute();
  await db.schema.createIndex('imports_workspace_idx').on('imports').columns(['workspace_id', 'id']).execute();

  // The uploaded file, in the database so any worker on any machine can read it.
  await db.schema
    .createTable('import_chunks')
    .addColumn('import_id', ts, (c) => c.notNull().references('imports.id').onDelete('cascade'))
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('data', binary(d), (c) => c.notNull())
    .addPrimaryKeyConstraint('import_chunks_pk', ['import_id', 'seq'])
    .execute();

  await withId(db.schema.createTable('import_errors'), d)
    .addColumn('import_id', ts, (c) => c.notNull().references('imports.id').onDelete('cascade'))
    .addColumn('line', 'integer', (c) => c.notNull())
    .addColumn('field', 'text')
    .addColumn('message', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('import_errors_import_idx').on('import_errors').columns(['import_id', 'line']).execute();
}

export async function down(db: AnyDb): Promise<void> {
  for (const table of [
    'import_errors',
    'import_chunks',
    'imports',
    'activities',
    'keywords',
    'memberships',
    'communities',
    'suppressions',
    'consent_events',
    'member_notes',
    'member_tags',
    'members',
  ]) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}

import { type AnyDb, dialectOf, int64, withId } from '../dialect.ts';

export async function up(db: AnyDb): Promise<void> {
  const d = dialectOf(db);
  const ts = int64(d);

  await withId(db.schema.createTable('workspaces'), d)
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('slug', 'text', (c) => c.notNull().unique())
    .addColumn('timezone', 'text', (c) => c.notNull())
    .addColumn('default_country', 'text', (c) => c.notNull())
    .addColumn('quiet_hours_start', 'text', (c) => c.notNull())
    .addColumn('quiet_hours_end', 'text', (c) => c.notNull())
    .addColumn('created_at', ts, (c) => c.notNull())
    .execute();

  await withId(db.schema.createTable('users'), d)
    .addColumn('email', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('password_hash', 'text', (c) => c.notNull())
    .addColumn('created_at', ts, (c) => c.notNull())
    .addColumn('last_login_at', ts)
    .addColumn('failed_logins', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('locked_until', ts)
    .execute();

  await db.schema
    .createTable('workspace_users')
    .addColumn('workspace_id', ts, (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('user_id', ts, (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('created_at', ts, (c) => c.notNull())
    .addPrimaryKeyConstraint('workspace_users_pk', ['workspace_id', 'user_id'])
    .execute();
  await db.schema.createIndex('workspace_users_user_idx').on('workspace_users').column('user_id').execute();

  await db.schema
    .createTable('sessions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', ts, (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('csrf_token', 'text', (c) => c.notNull())
    .addColumn('created_at', ts, (c) => c.notNull())
    .addColumn('last_seen_at', ts, (c) => c.notNull())
    .addColumn('expires_at', ts, (c) => c.notNull())
    .addColumn('ip', 'text')
    .addColumn('user_agent', 'text')
    .execute();
  await db.schema.createIndex('sessions_user_idx').on('sessions').column('user_id').execute();
  await db.schema.createIndex('sessions_expires_idx').on('sessions').column('expires_at').execute();

  await withId(db.schema.createTable('api_keys'), d)
    .addColumn('workspace_id', ts, (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('prefix', 'text', (c) => c.notNull())
    .addColumn('key_hash', 'text', (c) => c.notNull().unique())
    .addColumn('created_by', ts, (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', ts, (c) => c.notNull())
    .addColumn('last_used_at', ts)
    .addColumn('revoked_at', ts)
    .execute();
  await db.schema.createIndex('api_keys_workspace_idx').on('api_keys').column('workspace_id').execute();

  await withId(db.schema.createTable('invitations'), d)
    .addColumn('workspace_id', ts, (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('invited_by', ts, (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', ts, (c) => c.notNull())
    .addColumn('expires_at', ts, (c) => c.notNull())
    .addColumn('accepted_at', ts)
    .addColumn('revoked_at', ts)
    .execute();
  await db.schema.createIndex('invitations_workspace_idx').on('invitations').column('workspace_id').execute();

  await withId(db.schema.createTable('audit_entries'), d)
    .addColumn('workspace_id', ts, (c) => c.references('workspaces.id').onDelete('cascade'))
    .addColumn('actor_user_id', ts)
    .addColumn('actor_api_key_id', ts)
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('target_type', 'text')
    .addColumn('target_id', 'text')
    .addColumn('ip', 'text')
    .addColumn('data', 'text')
    .addColumn('created_at', ts, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('audit_entries_workspace_idx').on('audit_entries').columns(['workspace_id', 'id']).execute();
}

export async function down(db: AnyDb): Promise<void> {
  for (const table of ['audit_entries', 'invitations', 'api_keys', 'sessions', 'workspace_users', 'users', 'workspaces']) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}

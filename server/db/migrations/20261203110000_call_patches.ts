import { type ColumnDefinitionBuilder, sql } from 'kysely';
import { type AnyDb, dialectOf, int64, withId } from '../dialect.ts';

// Patch-through calls: a member asks to be called on a call action's page and the voice provider connects them to the
// person they should call. One row per request. `token_hash` is the SHA-256 of the random token in the provider's
// webhook URLs (the token itself is never stored). The person called is copied in, so a replaced dataset does not
// change what was dialed. `outcome` is written once, by the first result callback, which is how a provider's retry
// logs nothing twice. `ip` and `phone_prefix` feed the velocity limits against toll fraud.
export async function up(db: AnyDb): Promise<void> {
  const d = dialectOf(db);
  const ts = int64(d);
  const wsRef = (c: ColumnDefinitionBuilder) => c.notNull().references('workspaces.id').onDelete('cascade');

  await withId(db.schema.createTable('call_patches'), d)
    .addColumn('workspace_id', ts, wsRef)
    .addColumn('action_id', ts, (c) => c.notNull().references('actions.id').onDelete('cascade'))
    .addColumn('member_id', ts, (c) => c.notNull().references('members.id').onDelete('cascade'))
    .addColumn('channel_account_id', ts, (c) => c.references('channel_accounts.id').onDelete('set null'))
    .addColumn('token_hash', 'text', (c) => c.notNull())
    .addColumn('target_id', ts, (c) => c.references('call_targets.id').onDelete('set null'))
    .addColumn('target_name', 'text', (c) => c.notNull())
    .addColumn('target_title', 'text', (c) => c.notNull())
    .addColumn('target_district', 'text', (c) => c.notNull())
    .addColumn('target_phone', 'text', (c) => c.notNull()) // E.164, the number dialed
    .addColumn('target_key', 'text', (c) => c.notNull()) // as in call_logs
    .addColumn('from_number', 'text', (c) => c.notNull()) // the caller id the member sees
    .addColumn('lang', 'text', (c) => c.notNull())
    .addColumn('provider_call_id', 'text') // Twilio CallSid, once the provider accepted the call
    .addColumn('error', 'text') // why the provider did not take the call
    .addColumn('answered_at', ts) // the member picked up (the provider asked what to do)
    .addColumn('dial_status', 'text') // completed | busy | no-answer | failed | canceled, as the provider says
    .addColumn('dial_duration', 'integer') // seconds the member talked with the person called
    .addColumn('outcome', 'text') // reached | busy | no_answer; written once
    .addColumn('call_status', 'text') // the member's leg at its end
    .addColumn('ended_at', ts)
    .addColumn('ip', 'text')
    .addColumn('phone_prefix', 'text')
    .addColumn('created_at', ts, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('call_patches_token_uq').unique().on('call_patches').columns(['token_hash']).execute();
  await db.schema.createIndex('call_patches_ip_idx').on('call_patches').columns(['workspace_id', 'ip', 'created_at']).execute();
  await db.schema
    .createIndex('call_patches_prefix_idx')
    .on('call_patches')
    .columns(['workspace_id', 'phone_prefix', 'created_at'])
    .where(sql.ref('phone_prefix'), 'is not', null)
    .execute();
  await db.schema.createIndex('call_patches_member_idx').on('call_patches').columns(['workspace_id', 'member_id', 'created_at']).execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.dropTable('call_patches').ifExists().execute();
}

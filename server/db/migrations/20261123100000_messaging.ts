import { type ColumnDefinitionBuilder, sql } from 'kysely';
import { type AnyDb, dialectOf, int64, withId } from '../dialect.ts';

// The SMS engine: channel accounts (a provider and its encrypted credentials), senders (numbers, short codes, …
// with a throughput), broadcasts with their counters, the messages table (outbox and inbound in one), the status
// history of messages, and tracked links. Workspaces gain their compliance settings.
export async function up(db: AnyDb): Promise<void> {
  const d = dialectOf(db);
  const ts = int64(d);
  const wsRef = (c: ColumnDefinitionBuilder) => c.notNull().references('workspaces.id').onDelete('cascade');

  // Texts left empty mean "the product's default wording", rendered with the workspace name.
  await db.schema
    .alterTable('workspaces')
    .addColumn('help_text', 'text', (c) => c.notNull().defaultTo(''))
    .execute();
  await db.schema
    .alterTable('workspaces')
    .addColumn('opt_out_text', 'text', (c) => c.notNull().defaultTo(''))
    .execute();
  await db.schema
    .alterTable('workspaces')
    .addColumn('opt_in_text', 'text', (c) => c.notNull().defaultTo(''))
    .execute();
  await db.schema
    .alterTable('workspaces')
    .addColumn('first_message_footer', 'text', (c) => c.notNull().defaultTo(''))
    .execute();
  await db.schema
    .alterTable('workspaces')
    .addColumn('frequency_cap', 'integer', (c) => c.notNull().defaultTo(6))
    .execute();
  await db.schema
    .alterTable('workspaces')
    .addColumn('frequency_window_days', 'integer', (c) => c.notNull().defaultTo(7))
    .execute();
  await db.schema
    .alterTable('workspaces')
    .addColumn('failure_pause_percent', 'integer', (c) => c.notNull().defaultTo(20))
    .execute();
  await db.schema.alterTable('workspaces').addColumn('short_link_base', 'text').execute();

  await withId(db.schema.createTable('channel_accounts'), d)
    .addColumn('workspace_id', ts, wsRef)
    .addColumn('provider', 'text', (c) => c.notNull()) // simulator | twilio | telnyx | smpp | smtp
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('webhook_key', 'text', (c) => c.notNull().unique()) // random; names the account in webhook URLs
    .addColumn('base_url', 'text') // NULL: the provider's public API
    .addColumn('credentials', 'text', (c) => c.notNull()) // AES-256-GCM sealed JSON (server/lib/secrets.ts)
    .addColumn('settings', 'text', (c) => c.notNull().defaultTo('{}')) // JSON, not secret
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('active')) // active | auth_failed | disabled
    .addColumn('status_detail', 'text')
    .addColumn('created_at', ts, (c) => c.notNull())
    .addColumn('updated_at', ts, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('channel_accounts_workspace_idx').on('channel_accounts').columns(['workspace_id', 'id']).execute();

  await withId(db.schema.createTable('senders'), d)
    .addColumn('workspace_id', ts, wsRef)
    .addColumn('channel_account_id', ts, (c) => c.notNull().references('channel_accounts.id').onDelete('cascade'))
    .addColumn('channel', 'text', (c) => c.notNull()) // sms | email
    .addColumn('kind', 'text', (c) => c.notNull()) // long_code | toll_free | short_code | messaging_service | alphanumeric | email
    .addColumn('address', 'text', (c) => c.notNull())
    .addColumn('label', 'text', (c) => c.notNull())
    .addColumn('throughput', 'real', (c) => c.notNull()) // segments per second
    .addColumn('supports_mms', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('is_default', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('price_micros', 'integer', (c) => c.notNull().defaultTo(0)) // per SMS segment / per email, in millionths
    .addColumn('mms_price_micros', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('bucket_tokens', 'real', (c) => c.notNull().defaultTo(0)) // token bucket, charged per segment
    .addColumn('bucket_at', ts, (c) => c.notNull().defaultTo(0))
    .addColumn('paused_until', ts) // after a 429 from the provider
    .addColumn('archived_at', ts)
    .addColumn('created_at', ts, (c) => c.notNull())
    .addColumn('updated_at', ts, (c) => c.notNull())
    .addUniqueConstraint('senders_address_uq', ['workspace_id', 'channel', 'address'])
    .execute();

  await withId(db.schema.createTable('broadcasts'), d)
    .addColumn('workspace_id', ts, wsRef)
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull()) // sms | email
    // draft | scheduled | expanding | sending | paused | completed | cancelled
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('audience', 'text', (c) => c.notNull()) // JSON: { communityIds, tags }
    .addColumn('sender_id', ts, (c) => c.references('senders.id').onDelete('set null'))
    .addColumn('templates', 'text', (c) => c.notNull()) // JSON: { en: "…", es: "…" }
    .addColumn('default_language', 'text', (c) => c.notNull())
    .addColumn('subject', 'text') // email
    .addColumn('media_url', 'text') // MMS
    .addColumn('track_links', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('utm', 'text') // JSON: { source, medium, campaign }
    .addColumn('schedule_kind', 'text', (c) => c.notNull()) // now | at | local_time
    .addColumn('scheduled_at', ts)
    .addColumn('local_time', 'text') // HH:MM in each member's time zone
    .addColumn('throttle_per_minute', 'integer')
    .addColumn('pause_reason', 'text')
    .addColumn('expand_cursor', ts, (c) => c.notNull().defaultTo(0)) // last member id expanded
    .addColumn('recipient_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_by', ts, (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', ts, (c) => c.notNull())
    .addColumn('updated_at', ts, (c) => c.notNull())
    .addColumn('launched_at', ts)
    .addColumn('completed_at', ts)
    .execute();
  await db.schema.createIndex('broadcasts_workspace_idx').on('broadcasts').columns(['workspace_id', 'id']).execute();

  // Counters of a broadcast's report (queued, sent, delivered, failed, failed:<code>, clicked, …), bumped in the
  // same transaction as the change they count, so the report never scans the messages.
  await db.schema
    .createTable('broadcast_stats')
    .addColumn('broadcast_id', ts, (c) => c.notNull().references('broadcasts.id').onDelete('cascade'))
    .addColumn('workspace_id', ts, wsRef)
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('value', ts, (c) => c.notNull())
    .addPrimaryKeyConstraint('broadcast_stats_pk', ['broadcast_id', 'key'])
    .execute();

  // Outbound (the outbox) and inbound messages. Outbound life:
  //   queued ─claim─▶ sending ─provider accepted─▶ sent ─callback─▶ delivered | failed
  //     ▲ held (broadcast paused)   │ retryable error ─▶ queued (later send_at)
  //                                 │ permanent error ─▶ failed
  //                                 └ crash / timeout after the call ─▶ unknown ─late callback─▶ sent | delivered | failed
  //   cancelled: broadcast cancelled, member opted out before the send
  // Inbound: received ─processed by the compliance pipeline─▶ processed
  await withId(db.schema.createTable('messages'), d)
    .addColumn('workspace_id', ts, wsRef)
    .addColumn('direction', 'text', (c) => c.notNull()) // out | in
    .addColumn('channel', 'text', (c) => c.notNull()) // sms | email
    .addColumn('kind', 'text', (c) => c.notNull()) // broadcast | reply | compliance | test | automation | inbound
    .addColumn('member_id', ts, (c) => c.references('members.id').onDelete('set null'))
    .addColumn('broadcast_id', ts, (c) => c.references('broadcasts.id').onDelete('set null'))
    .addColumn('sender_id', ts, (c) => c.references('senders.id').onDelete('set null'))
    .addColumn('to_address', 'text', (c) => c.notNull())
    .addColumn('from_address', 'text', (c) => c.notNull())
    .addColumn('subject', 'text')
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('media_urls', 'text') // JSON array
    .addColumn('segments', 'integer', (c) => c.notNull())
    .addColumn('encoding', 'text', (c) => c.notNull()) // gsm7 | ucs2 | email
    .addColumn('priority', 'integer', (c) => c.notNull()) // jobs' PRIORITY lanes: reply 0 < automation 10 < bulk 20
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('send_at', ts, (c) => c.notNull()) // due time (outbound); received time (inbound)
    .addColumn('expires_at', ts) // end of the member's allowed window: the provider's validity period
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('locked_by', 'text')
    .addColumn('lease_until', ts)
    .addColumn('provider', 'text')
    .addColumn('provider_id', 'text')
    .addColumn('error_code', 'text')
    .addColumn('error_detail', 'text')
    .addColumn('cost_micros', 'integer')
    .addColumn('flag', 'text') // inbound needing a person: possible_opt_out
    .addColumn('created_at', ts, (c) => c.notNull())
    .addColumn('updated_at', ts, (c) => c.notNull())
    .addColumn('sent_at', ts)
    .addColumn('delivered_at', ts)
    .execute();
  // The dispatcher's claim: due messages of one sender, replies first.
  await db.schema.createIndex('messages_claim_idx').on('messages').columns(['sender_id', 'state', 'priority', 'send_at']).execute();
  // A broadcast reaches each member once, even when its expansion runs again.
  await db.schema
    .createIndex('messages_broadcast_uq')
    .on('messages')
    .columns(['broadcast_id', 'member_id'])
    .unique()
    .where(sql.ref('broadcast_id'), 'is not', null)
    .execute();
  // The member's timeline and the frequency cap.
  await db.schema.createIndex('messages_member_idx').on('messages').columns(['member_id', 'created_at']).execute();
  // Status callbacks and inbound webhooks are idempotent on the provider's id.
  await db.schema
    .createIndex('messages_provider_uq')
    .on('messages')
    .columns(['provider', 'provider_id', 'direction'])
    .unique()
    .where(sql.ref('provider_id'), 'is not', null)
    .execute();
  // Reconciliation of sends whose worker died mid-call.
  await db.schema
    .createIndex('messages_sending_idx')
    .on('messages')
    .columns(['lease_until'])
    .where(sql.ref('state'), '=', 'sending')
    .execute();

  // Provider status history of a message (what each callback said), in arrival order.
  await withId(db.schema.createTable('message_events'), d)
    .addColumn('workspace_id', ts, wsRef)
    .addColumn('message_id', ts, (c) => c.notNull().references('messages.id').onDelete('cascade'))
    .addColumn('status', 'text', (c) => c.notNull()) // the provider's word: queued, sent, delivered, undelivered, …
    .addColumn('error_code', 'text')
    .addColumn('occurred_at', ts, (c) => c.notNull())
    .addColumn('created_at', ts, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('message_events_message_idx').on('message_events').columns(['message_id', 'id']).execute();

  // A destination of tracked links (with UTM parameters applied), shared by every member's short link to it.
  await withId(db.schema.createTable('link_targets'), d)
    .addColumn('workspace_id', ts, wsRef)
    .addColumn('broadcast_id', ts, (c) => c.references('broadcasts.id').onDelete('cascade'))
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('created_at', ts, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('link_targets_workspace_idx').on('link_targets').columns(['workspace_id', 'broadcast_id']).execute();

  // One short link per member and destination: /l/<code>, a random code, never sequential.
  await db.schema
    .createTable('links')
    .addColumn('code', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', ts, wsRef)
    .addColumn('target_id', ts, (c) => c.notNull().references('link_targets.id').onDelete('cascade'))
    .addColumn('member_id', ts, (c) => c.references('members.id').onDelete('set null'))
    .addColumn('broadcast_id', ts)
    .addColumn('message_id', ts)
    .addColumn('clicks', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('first_clicked_at', ts)
    .addColumn('created_at', ts, (c) => c.notNull())
    // SQLite: one b-tree keyed by the code instead of a rowid table plus an index on the code (a million random
    // codes per big broadcast are inserted here).
    .$call((table) => (d === 'sqlite' ? table.modifyEnd(sql`without rowid`) : table))
    .execute();
}

export async function down(db: AnyDb): Promise<void> {
  for (const table of [
    'links',
    'link_targets',
    'message_events',
    'messages',
    'broadcast_stats',
    'broadcasts',
    'senders',
    'channel_accounts',
  ]) {
    await db.schema.dropTable(table).ifExists().execute();
  }
  for (const column of [
    'help_text',
    'opt_out_text',
    'opt_in_text',
    'first_message_footer',
    'frequency_cap',
    'frequency_window_days',
    'failure_pause_percent',
    'short_link_base',
  ]) {
    await db.schema.alterTable('workspaces').dropColumn(column).execute();
  }
}

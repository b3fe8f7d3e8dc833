import type { ColumnDefinitionBuilder } from 'kysely';
import { type AnyDb, dialectOf, int64, withId } from '../dialect.ts';

// Referrals and share actions.
// - `share_codes`: one random code per member (?ref=<code> on every action link they share); never sequential.
// - `referrals`: who brought whom to which action (one row per action and member taking it through a code); the first
//   row of a (referrer, member) pair is the recruitment the tree and the 'referred' activity stand for.
// - `referral_tallies`: roll-up counters per member (the referrer) and per community (of the action): people recruited,
//   actions taken through their links, share taps. Bumped in the transaction of the write that causes them.
// - `share_tallies` / `share_sharers`: per share action, taps and sign-ups per network, and per member who shared.
export async function up(db: AnyDb): Promise<void> {
  const d = dialectOf(db);
  const ts = int64(d);
  const wsRef = (c: ColumnDefinitionBuilder) => c.notNull().references('workspaces.id').onDelete('cascade');
  const memberRef = (c: ColumnDefinitionBuilder) => c.notNull().references('members.id').onDelete('cascade');
  const actionRef = (c: ColumnDefinitionBuilder) => c.notNull().references('actions.id').onDelete('cascade');

  await withId(db.schema.createTable('share_codes'), d)
    .addColumn('workspace_id', ts, wsRef)
    .addColumn('member_id', ts, memberRef)
    .addColumn('code', 'text', (c) => c.notNull())
    .addColumn('created_at', ts, (c) => c.notNull())
    .addUniqueConstraint('share_codes_member_uq', ['workspace_id', 'member_id'])
    .addUniqueConstraint('share_codes_code_uq', ['code'])
    .execute();

  await withId(db.schema.createTable('referrals'), d)
    .addColumn('workspace_id', ts, wsRef)
    .addColumn('action_id', ts, actionRef)
    .addColumn('member_id', ts, memberRef) // who took the action
    .addColumn('referrer_id', ts, memberRef) // whose code the link carried
    .addColumn('source', 'text')
    .addColumn('medium', 'text')
    .addColumn('created_at', ts, (c) => c.notNull())
    .addUniqueConstraint('referrals_uq', ['action_id', 'member_id'])
    .execute();
  await db.schema.createIndex('referrals_referrer_idx').on('referrals').columns(['workspace_id', 'referrer_id', 'member_id']).execute();

  await db.schema
    .createTable('referral_tallies')
    .addColumn('workspace_id', ts, wsRef)
    .addColumn('scope', 'text', (c) => c.notNull()) // member | community
    .addColumn('scope_id', ts, (c) => c.notNull())
    .addColumn('recruits', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('conversions', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('shares', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('updated_at', ts, (c) => c.notNull())
    .addPrimaryKeyConstraint('referral_tallies_pk', ['workspace_id', 'scope', 'scope_id'])
    .execute();

  await db.schema
    .createTable('share_tallies')
    .addColumn('workspace_id', ts, wsRef)
    .addColumn('action_id', ts, actionRef)
    .addColumn('network', 'text', (c) => c.notNull())
    .addColumn('shares', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('signups', 'integer', (c) => c.notNull().defaultTo(0))
    .addPrimaryKeyConstraint('share_tallies_pk', ['action_id', 'network'])
    .execute();

  await db.schema
    .createTable('share_sharers')
    .addColumn('workspace_id', ts, wsRef)
    .addColumn('action_id', ts, actionRef) // the share action
    .addColumn('member_id', ts, memberRef)
    .addColumn('target_action_id', ts) // the action its links lead to (NULL: an outside address)
    .addColumn('shares', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('signups', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_shared_at', ts, (c) => c.notNull())
    .addPrimaryKeyConstraint('share_sharers_pk', ['action_id', 'member_id'])
    .execute();
  await db.schema
    .createIndex('share_sharers_member_idx')
    .on('share_sharers')
    .columns(['workspace_id', 'member_id', 'target_action_id'])
    .execute();
  await db.schema.createIndex('share_sharers_top_idx').on('share_sharers').columns(['action_id', 'signups', 'shares']).execute();
}

export async function down(db: AnyDb): Promise<void> {
  for (const table of ['share_sharers', 'share_tallies', 'referral_tallies', 'referrals', 'share_codes']) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}

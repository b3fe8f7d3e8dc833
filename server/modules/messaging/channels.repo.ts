import type { Kysely, Selectable, Transaction } from 'kysely';
import { type AccountConfig, providerOf } from '../../channels/registry.ts';
import type { Channel, ChannelAccountsTable, Database, ProviderName, SendersTable } from '../../db/schema.ts';
import { openSecret, sealSecret } from '../../lib/secrets.ts';
import { randomToken } from '../../lib/tokens.ts';

export type Executor = Kysely<Database> | Transaction<Database>;
export type SenderRow = Selectable<SendersTable>;
export type AccountRow = Selectable<ChannelAccountsTable>;
export type SenderListRow = SenderRow & { provider: AccountRow['provider']; account_name: string; account_status: AccountRow['status'] };

/** The random part of an account's webhook URL; it names the account, so it is never sequential. */
export const newWebhookKey = () => randomToken(18);

export function sealCredentials(appSecret: string, credentials: Record<string, unknown>): string {
  return sealSecret(appSecret, JSON.stringify(credentials));
}

export function openCredentials(appSecret: string, row: Pick<AccountRow, 'credentials'>): Record<string, unknown> {
  const value: unknown = JSON.parse(openSecret(appSecret, row.credentials));
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

export function parseSettings(text: string): Record<string, unknown> {
  const value: unknown = JSON.parse(text);
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/** Decrypted configuration of an account for building its adapter (server side only). */
export function accountConfig(appSecret: string, row: Selectable<ChannelAccountsTable>): AccountConfig {
  return { baseUrl: row.base_url, credentials: openCredentials(appSecret, row), settings: parseSettings(row.settings) };
}

export async function listAccountRows(executor: Executor, workspaceId: number) {
  return executor
    .selectFrom('channel_accounts as a')
    .selectAll('a')
    .select((eb) =>
      eb
        .selectFrom('senders as s')
        .select((c) => c.fn.countAll<number>().as('n'))
        .whereRef('s.channel_account_id', '=', 'a.id')
        .where('s.archived_at', 'is', null)
        .as('sender_count'),
    )
    .where('a.workspace_id', '=', workspaceId)
    .orderBy('a.id')
    .execute();
}

export async function findAccount(executor: Executor, workspaceId: number, accountId: number): Promise<AccountRow | undefined> {
  return executor
    .selectFrom('channel_accounts')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', accountId)
    .executeTakeFirst();
}

export async function listSenderRows(
  executor: Executor,
  workspaceId: number,
  options: { includeArchived: boolean; senderId?: number },
): Promise<SenderListRow[]> {
  let q = executor
    .selectFrom('senders as s')
    .innerJoin('channel_accounts as a', 'a.id', 's.channel_account_id')
    .selectAll('s')
    .select(['a.provider', 'a.name as account_name', 'a.status as account_status'])
    .where('s.workspace_id', '=', workspaceId)
    .orderBy('s.id');
  if (!options.includeArchived) q = q.where('s.archived_at', 'is', null);
  if (options.senderId !== undefined) q = q.where('s.id', '=', options.senderId);
  return q.execute();
}

export async function getSender(executor: Executor, workspaceId: number, senderId: number): Promise<SenderRow | undefined> {
  return executor.selectFrom('senders').selectAll().where('workspace_id', '=', workspaceId).where('id', '=', senderId).executeTakeFirst();
}

/** The sender a broadcast uses when it names none: the channel's default, else its oldest usable sender. */
export async function getDefaultSender(executor: Executor, workspaceId: number, channel: Channel): Promise<SenderRow | undefined> {
  return executor
    .selectFrom('senders as s')
    .innerJoin('channel_accounts as a', 'a.id', 's.channel_account_id')
    .selectAll('s')
    .where('s.workspace_id', '=', workspaceId)
    .where('s.channel', '=', channel)
    .where('s.archived_at', 'is', null)
    .where('a.status', '=', 'active')
    .orderBy('s.is_default', 'desc')
    .orderBy('s.id')
    .executeTakeFirst();
}

/** One default per channel: called in the transaction that makes another sender the default. */
export async function clearDefaultSenders(executor: Executor, workspaceId: number, channel: Channel, exceptId: number | null, now: number) {
  let q = executor
    .updateTable('senders')
    .set({ is_default: 0, updated_at: now })
    .where('workspace_id', '=', workspaceId)
    .where('channel', '=', channel)
    .where('is_default', '=', 1);
  if (exceptId !== null) q = q.where('id', '!=', exceptId);
  await q.execute();
}

export async function hasDefaultSender(executor: Executor, workspaceId: number, channel: Channel): Promise<boolean> {
  const row = await executor
    .selectFrom('senders')
    .select('id')
    .where('workspace_id', '=', workspaceId)
    .where('channel', '=', channel)
    .where('is_default', '=', 1)
    .where('archived_at', 'is', null)
    .executeTakeFirst();
  return row !== undefined;
}

export async function senderAddressTaken(executor: Executor, workspaceId: number, channel: Channel, address: string): Promise<boolean> {
  const row = await executor
    .selectFrom('senders')
    .select('id')
    .where('workspace_id', '=', workspaceId)
    .where('channel', '=', channel)
    .where('address', '=', address)
    .executeTakeFirst();
  return row !== undefined;
}

/** Stores a new channel account (credentials sealed, a fresh webhook key), active; returns its id. */
export async function insertAccount(
  executor: Executor,
  input: {
    workspaceId: number;
    provider: ProviderName;
    name: string;
    baseUrl: string | null;
    credentials: Record<string, unknown>;
    settings: Record<string, unknown>;
    appSecret: string;
    now: number;
  },
): Promise<number> {
  const row = await executor
    .insertInto('channel_accounts')
    .values({
      workspace_id: input.workspaceId,
      provider: input.provider,
      name: input.name,
      webhook_key: newWebhookKey(),
      base_url: input.baseUrl,
      credentials: sealCredentials(input.appSecret, input.credentials),
      settings: JSON.stringify(input.settings),
      status: 'active',
      status_detail: null,
      created_at: input.now,
      updated_at: input.now,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** A fictional number (555-01xx is reserved for fiction in North America). */
const SIMULATOR_ADDRESS = '+12025550100';

/** Creates the built-in simulator account and a default sender for a workspace (demo seed, tests). */
export async function createSimulatorSender(
  executor: Executor,
  input: { workspaceId: number; appSecret: string; now: number; address?: string; throughput?: number; settings?: Record<string, unknown> },
): Promise<{ accountId: number; senderId: number }> {
  const { workspaceId, now } = input;
  const simulator = providerOf('simulator');
  const accountId = await insertAccount(executor, {
    workspaceId,
    provider: 'simulator',
    name: 'Simulator',
    baseUrl: null,
    credentials: {},
    settings: input.settings ?? {},
    appSecret: input.appSecret,
    now,
  });
  await clearDefaultSenders(executor, workspaceId, 'sms', null, now);
  const address = input.address ?? SIMULATOR_ADDRESS;
  const sender = await executor
    .insertInto('senders')
    .values({
      workspace_id: workspaceId,
      channel_account_id: accountId,
      channel: 'sms',
      kind: 'long_code',
      address,
      label: 'Simulator',
      throughput: input.throughput ?? 100,
      supports_mms: 1,
      is_default: 1,
      price_micros: simulator?.defaultPriceMicros ?? 0,
      mms_price_micros: simulator?.defaultMmsPriceMicros ?? 0,
      paused_until: null,
      archived_at: null,
      created_at: now,
      updated_at: now,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { accountId, senderId: sender.id };
}

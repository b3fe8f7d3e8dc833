import type { Insertable, Selectable } from 'kysely';
import { providerOf } from '../../channels/registry.ts';
import type { CallPatchesTable, ProviderName } from '../../db/schema.ts';
import type { Executor } from '../members/members.repo.ts';

// SQL of patch-through calls: the accounts and numbers that can place them, and the call_patches rows (one per call a
// member asked for). Every query filters on workspace_id, except the lookup by token hash a provider's webhook makes
// (the token is the only thing it carries; the row names the workspace).

export type CallPatchRow = Selectable<CallPatchesTable>;

/** Sender kinds that can place a voice call (short codes, messaging services and sender names cannot). */
export const VOICE_SENDER_KINDS = ['long_code', 'toll_free'] as const;

/** Whether accounts of this provider can place calls. */
export function placesCalls(provider: ProviderName | string): boolean {
  const entry = providerOf(provider);
  return entry?.channel === 'sms' && entry.voice !== undefined;
}

/** The voice-capable numbers of some accounts (not archived), by account id. */
export async function voiceNumbersOf(executor: Executor, workspaceId: number, accountIds: readonly number[]) {
  if (accountIds.length === 0) return [];
  return executor
    .selectFrom('senders')
    .select(['channel_account_id', 'address', 'label', 'kind'])
    .where('workspace_id', '=', workspaceId)
    .where('channel_account_id', 'in', [...accountIds])
    .where('kind', 'in', [...VOICE_SENDER_KINDS])
    .where('archived_at', 'is', null)
    .orderBy('id')
    .execute();
}

export async function insertCallPatch(executor: Executor, row: Insertable<CallPatchesTable>): Promise<number> {
  const inserted = await executor.insertInto('call_patches').values(row).returning('id').executeTakeFirstOrThrow();
  return inserted.id;
}

export async function findCallPatchByToken(executor: Executor, tokenHash: string): Promise<CallPatchRow | undefined> {
  return executor.selectFrom('call_patches').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
}

/** Calls asked for in the window from one address, one number prefix or by one member (the velocity limits). */
export async function recentCallPatches(
  executor: Executor,
  workspaceId: number,
  column: 'ip' | 'phone_prefix' | 'member_id',
  value: string | number,
  since: number,
): Promise<number> {
  const row = await executor
    .selectFrom('call_patches')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('workspace_id', '=', workspaceId)
    .where(column, '=', value)
    .where('created_at', '>', since)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

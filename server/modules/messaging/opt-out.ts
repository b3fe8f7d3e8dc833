import type { Channel, ConsentMethod } from '../../db/schema.ts';
import { noteOptOut } from '../inbox/conversations.repo.ts';
import { appendConsent } from '../members/consent.repo.ts';
import type { Executor } from '../members/members.repo.ts';
import { countP2pOptOut } from '../p2p/p2p.repo.ts';
import { stopSurveysFor } from '../surveys/survey-engine.ts';
import { bumpStats } from './stats.repo.ts';

/**
 * Stops every message of one channel (SMS unless told) a member has waiting — broadcasts, automations, tests, inbox
 * and P2P texts, survey questions; not compliance replies such as the opt-out confirmation itself — and counts them as cancelled in their broadcasts'
 * reports. An SMS opt-out leaves emails alone and an email unsubscribe leaves texts alone. Returns how many.
 */
export async function cancelQueuedFor(
  executor: Executor,
  input: { workspaceId: number; memberId: number; now: number; channel?: Channel },
): Promise<number> {
  const cancelled = await executor
    .updateTable('messages')
    .set({ state: 'cancelled', error_code: 'opted_out', lease_until: null, locked_by: null, updated_at: input.now })
    .where('workspace_id', '=', input.workspaceId)
    .where('member_id', '=', input.memberId)
    .where('channel', '=', input.channel ?? 'sms')
    .where('direction', '=', 'out')
    .where('state', 'in', ['queued', 'held'])
    .where('kind', 'in', ['broadcast', 'automation', 'test', 'reply', 'conversation', 'p2p'])
    .returning(['broadcast_id'])
    .execute();
  const perBroadcast = new Map<number, number>();
  for (const row of cancelled)
    if (row.broadcast_id !== null) perBroadcast.set(row.broadcast_id, (perBroadcast.get(row.broadcast_id) ?? 0) + 1);
  for (const [broadcastId, count] of perBroadcast) {
    await bumpStats(executor, input.workspaceId, broadcastId, { cancelled: count, finished: count });
  }
  return cancelled.length;
}

/**
 * Records an SMS opt-out (consent ledger, suppression by keyed hash, opted_out activity), cancels what is waiting for
 * the member, stops their surveys, flags their conversation, and credits the opt-out to the last broadcast they received within a week. Returns false, changing
 * nothing, when the member had already opted out — so a repeated STOP gets no second confirmation.
 */
export async function optOutMember(
  executor: Executor,
  appSecret: string,
  input: { workspaceId: number; memberId: number; phone: string | null; method: ConsentMethod; wording: string; now: number },
): Promise<boolean> {
  const member = await executor
    .selectFrom('members')
    .select(['sms_consent'])
    .where('workspace_id', '=', input.workspaceId)
    .where('id', '=', input.memberId)
    .executeTakeFirst();
  if (!member || member.sms_consent === 'revoked') return false;
  await appendConsent(executor, appSecret, {
    workspaceId: input.workspaceId,
    memberId: input.memberId,
    channel: 'sms',
    status: 'revoked',
    method: input.method,
    address: input.phone,
    wording: input.wording.slice(0, 500),
    at: input.now,
  });
  await cancelQueuedFor(executor, input);
  await noteOptOut(executor, { workspaceId: input.workspaceId, memberId: input.memberId, at: input.now });
  await stopSurveysFor(executor, input);
  await countP2pOptOut(executor, { workspaceId: input.workspaceId, memberId: input.memberId, at: input.now });
  const recent = await lastBroadcastOf(executor, input.workspaceId, input.memberId, input.now);
  if (recent !== null) await bumpStats(executor, input.workspaceId, recent, { opted_out: 1 });
  return true;
}

const ATTRIBUTION_WINDOW_MS = 7 * 86_400_000;

/** The broadcast a member's reply answers: the last one sent to them within a week, or null. */
export async function lastBroadcastOf(executor: Executor, workspaceId: number, memberId: number, now: number): Promise<number | null> {
  const row = await executor
    .selectFrom('messages')
    .select('broadcast_id')
    .where('member_id', '=', memberId)
    .where('workspace_id', '=', workspaceId)
    .where('created_at', '>=', now - ATTRIBUTION_WINDOW_MS)
    .where('direction', '=', 'out')
    .where('broadcast_id', 'is not', null)
    .where('state', 'in', ['sent', 'delivered', 'sending', 'unknown'])
    .orderBy('created_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row?.broadcast_id ?? null;
}

/** The consent per channel of live members (erased or merged ones are left out, so they read as gone). */
export async function consentOf(
  executor: Executor,
  workspaceId: number,
  memberIds: readonly number[],
): Promise<Map<number, { sms: string; email: string }>> {
  if (memberIds.length === 0) return new Map();
  const rows = await executor
    .selectFrom('members')
    .select(['id', 'sms_consent', 'email_consent'])
    .where('workspace_id', '=', workspaceId)
    .where('id', 'in', [...memberIds])
    .where('erased_at', 'is', null)
    .where('merged_into', 'is', null)
    .execute();
  return new Map(rows.map((row) => [row.id, { sms: row.sms_consent, email: row.email_consent }]));
}

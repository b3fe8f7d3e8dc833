import { z } from 'zod';
import type { Db } from '../../db/database.ts';
import { defineJob, PRIORITY } from '../../jobs/define.ts';
import type { Clock } from '../../lib/clock.ts';
import { recordActivities } from '../activities/activities.repo.ts';
import { joinCommunities } from '../communities/communities.repo.ts';
import { appendConsent } from '../members/consent.repo.ts';
import type { Executor } from '../members/members.repo.ts';
import { classifyInbound } from './compliance.ts';
import { complianceTexts } from './compliance-texts.ts';
import { lastBroadcastOf, optOutMember } from './opt-out.ts';
import { queueReply } from './outbox.ts';
import { bumpStats } from './stats.repo.ts';

// What happens to a text a member sends (DESIGN.md §4): compliance first (opt-out, opt-in, HELP), then keyword
// triggers (join a community), then — later issues — an open survey or workflow waiting for a reply, then the inbox.
// Idempotent: the message moves from 'received' to 'processed' in the same transaction as everything it causes, and a
// message already processed is left alone.

export const PROCESS_INBOUND_JOB = 'messaging.process_inbound';

const payload = z.object({ messageId: z.number().int().positive(), workspaceId: z.number().int().positive() });

export type InboundOutcome = 'opted_out' | 'opted_in' | 'help' | 'flagged' | 'joined' | 'replied' | 'ignored';

export async function processInbound(trx: Executor, appSecret: string, input: { workspaceId: number; messageId: number; now: number }) {
  const { workspaceId, now } = input;
  const message = await trx
    .selectFrom('messages')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', input.messageId)
    .where('direction', '=', 'in')
    .executeTakeFirst();
  if (message?.state !== 'received' || message.member_id === null) return 'ignored' satisfies InboundOutcome;
  const memberId = message.member_id;
  const member = await trx
    .selectFrom('members')
    .select(['id', 'phone', 'language', 'sms_consent'])
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', memberId)
    .executeTakeFirstOrThrow();
  const workspace = await trx
    .selectFrom('workspaces')
    .select(['name', 'help_text', 'opt_out_text', 'opt_in_text', 'first_message_footer'])
    .where('id', '=', workspaceId)
    .executeTakeFirstOrThrow();
  const phone = message.from_address;
  const intent = classifyInbound(message.body, { optedOut: member.sms_consent === 'revoked' });
  const language = intent.kind === 'none' ? member.language : intent.language;
  const texts = complianceTexts(workspace, language);
  const reply = (body: string) => queueReply(trx, { workspaceId, memberId, to: phone, body, senderId: message.sender_id, now });
  let outcome: InboundOutcome;
  let flag: string | null = null;

  if (intent.kind === 'opt_out' || intent.kind === 'natural_opt_out') {
    const changed = await optOutMember(trx, appSecret, {
      workspaceId,
      memberId,
      phone,
      method: intent.kind === 'opt_out' ? 'keyword' : 'reply',
      wording: message.body,
      now,
    });
    // Exactly one confirmation: a member already opted out who texts STOP again hears nothing more.
    if (changed) await reply(texts.optOutText);
    outcome = 'opted_out';
  } else if (intent.kind === 'opt_in') {
    if (member.sms_consent !== 'granted') {
      await appendConsent(trx, appSecret, {
        workspaceId,
        memberId,
        channel: 'sms',
        status: 'granted',
        method: 'keyword',
        address: phone,
        wording: `Texted ${intent.word}: ${texts.optInText}`.slice(0, 500),
        at: now,
      });
      await reply(texts.optInText);
    }
    outcome = 'opted_in';
  } else if (intent.kind === 'help') {
    await reply(texts.helpText);
    outcome = 'help';
  } else {
    const joined =
      intent.kind === 'none' ? await joinByKeyword(trx, appSecret, { workspaceId, memberId, phone, body: message.body, now }) : null;
    if (joined) {
      await reply(`${joined}${texts.firstMessageFooter ? ` ${texts.firstMessageFooter}` : ''}`);
      outcome = 'joined';
    } else {
      if (intent.kind === 'possible_opt_out') flag = 'possible_opt_out';
      const broadcastId = await lastBroadcastOf(trx, workspaceId, memberId, now);
      await recordActivities(
        trx,
        [
          {
            workspaceId,
            memberId,
            type: 'replied',
            subjectType: broadcastId === null ? 'message' : 'broadcast',
            subjectId: broadcastId ?? message.id,
            data: { messageId: message.id },
            occurredAt: now,
          },
        ],
        now,
      );
      if (broadcastId !== null && !(await repliedBefore(trx, workspaceId, memberId, broadcastId, message.id))) {
        await bumpStats(trx, workspaceId, broadcastId, { replied: 1 });
      }
      outcome = flag ? 'flagged' : 'replied';
    }
  }
  await trx.updateTable('messages').set({ state: 'processed', flag, updated_at: now }).where('id', '=', message.id).execute();
  return outcome;
}

/** True when the member already answered this broadcast (replies count once per member in the report). */
async function repliedBefore(trx: Executor, workspaceId: number, memberId: number, broadcastId: number, messageId: number) {
  const earlier = await trx
    .selectFrom('activities')
    .select('id')
    .where('workspace_id', '=', workspaceId)
    .where('member_id', '=', memberId)
    .where('type', '=', 'replied')
    .where('subject_type', '=', 'broadcast')
    .where('subject_id', '=', broadcastId)
    .where('data', '!=', JSON.stringify({ messageId }))
    .limit(1)
    .executeTakeFirst();
  return earlier !== undefined;
}

/**
 * A text that is exactly a community's join keyword joins the member and records SMS consent by keyword (texting a
 * keyword to a number is express consent to that program). Returns the welcome text, or null when it is no keyword.
 */
async function joinByKeyword(
  trx: Executor,
  appSecret: string,
  input: { workspaceId: number; memberId: number; phone: string; body: string; now: number },
) {
  const word = input.body
    .trim()
    .replace(/[^\p{L}\p{N}]/gu, '')
    .toUpperCase();
  if (word.length < 2 || word.length > 20) return null;
  const keyword = await trx
    .selectFrom('keywords as k')
    .innerJoin('communities as c', 'c.id', 'k.target_id')
    .select(['c.id', 'c.name'])
    .where('k.workspace_id', '=', input.workspaceId)
    .where('k.keyword', '=', word)
    .where('k.target_type', '=', 'community')
    .where('c.workspace_id', '=', input.workspaceId)
    .where('c.archived_at', 'is', null)
    .executeTakeFirst();
  if (!keyword) return null;
  await joinCommunities(trx, {
    workspaceId: input.workspaceId,
    memberIds: [input.memberId],
    communityIds: [keyword.id],
    role: 'member',
    source: 'keyword',
    at: input.now,
  });
  const member = await trx.selectFrom('members').select('sms_consent').where('id', '=', input.memberId).executeTakeFirstOrThrow();
  if (member.sms_consent !== 'granted') {
    await appendConsent(trx, appSecret, {
      workspaceId: input.workspaceId,
      memberId: input.memberId,
      channel: 'sms',
      status: 'granted',
      method: 'keyword',
      address: input.phone,
      wording: `Texted ${word} to join ${keyword.name}`,
      at: input.now,
    });
  }
  return `Welcome to ${keyword.name}!`;
}

export function createProcessInboundJob(deps: { db: Db; clock: Clock; appSecret: string }) {
  return defineJob({
    type: PROCESS_INBOUND_JOB,
    payload,
    priority: PRIORITY.reply,
    maxAttempts: 8,
    backoff: { baseMs: 500, capMs: 60_000 },
    handler: async ({ messageId, workspaceId }) => {
      await deps.db.transaction().execute((trx) => processInbound(trx, deps.appSecret, { workspaceId, messageId, now: deps.clock.now() }));
    },
  });
}

import { z } from 'zod';
import type { Config } from '../../config.ts';
import type { Db } from '../../db/database.ts';
import type { MessagesTable } from '../../db/schema.ts';
import { defineJob, PRIORITY } from '../../jobs/define.ts';
import type { Clock } from '../../lib/clock.ts';
import { recordActivities } from '../activities/activities.repo.ts';
import { noteInbound } from '../inbox/conversations.repo.ts';
import { confirmationStep, confirmPendingOnOptIn, expireConfirmations, keywordStep } from '../keywords/keyword-trigger.ts';
import { appendConsent } from '../members/consent.repo.ts';
import type { Executor } from '../members/members.repo.ts';
import { countP2pReply } from '../p2p/p2p.repo.ts';
import { surveyStep } from '../surveys/survey-engine.ts';
import { workflowKeywordStep, workflowReplyStep } from '../workflows/inbound.ts';
import { classifyInbound } from './compliance.ts';
import { complianceTexts } from './compliance-texts.ts';
import type { InboundContext, InboundOutcome, InboundStep } from './inbound-context.ts';
import { lastBroadcastOf, optOutMember } from './opt-out.ts';
import { queueReply } from './outbox.ts';
import { bumpStats } from './stats.repo.ts';

// What happens to a text a member sends (DESIGN.md §4): compliance first (opt-out, opt-in, HELP), then keyword
// triggers (and workflow keywords), then whatever waits for the member's reply (a keyword's YES, an open survey
// question, a workflow run waiting for an answer), then the inbox.
// Idempotent: the message moves from 'received' to 'processed' in the same transaction as everything it causes, and a
// message already processed is left alone. A member's texts are taken in the order they were sent, one at a time:
// a text that overtook an earlier one on the way is processed after it.

export const PROCESS_INBOUND_JOB = 'messaging.process_inbound';

const payload = z.object({ messageId: z.number().int().positive(), workspaceId: z.number().int().positive() });

export type { InboundOutcome };

/** After compliance, in order: the first step that takes the text decides what it was. */
const STEPS: readonly InboundStep[] = [keywordStep, workflowKeywordStep, confirmationStep, surveyStep, workflowReplyStep];

type InboundRow = Pick<MessagesTable, 'state' | 'member_id' | 'body' | 'sender_id' | 'from_address' | 'send_at'> & { id: number };

export async function processInbound(
  trx: Executor,
  appSecret: string,
  input: { workspaceId: number; messageId: number; now: number; publicUrl?: string },
) {
  const { workspaceId } = input;
  const message = await trx
    .selectFrom('messages')
    .select(['id', 'state', 'member_id', 'body', 'sender_id', 'from_address', 'send_at'])
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', input.messageId)
    .where('direction', '=', 'in')
    .executeTakeFirst();
  if (message?.state !== 'received' || message.member_id === null) return 'ignored' satisfies InboundOutcome;
  const memberId = message.member_id;
  // One member's texts one at a time: this write holds the member's row (PostgreSQL) or the database (SQLite) until
  // commit, so a concurrent job for the same member waits and then finds its text already processed.
  await trx
    .updateTable('members')
    .set({ last_active_at: input.now })
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', memberId)
    .execute();
  // Read again under the lock: a job that held it before us may have processed this text already.
  const current = await trx.selectFrom('messages').select('state').where('id', '=', message.id).executeTakeFirstOrThrow();
  if (current.state !== 'received') return 'ignored' satisfies InboundOutcome;
  // Earlier texts of the member still waiting go first (providers do not promise order).
  const earlier = await trx
    .selectFrom('messages')
    .select(['id', 'state', 'member_id', 'body', 'sender_id', 'from_address', 'send_at'])
    .where('workspace_id', '=', workspaceId)
    .where('member_id', '=', memberId)
    .where('direction', '=', 'in')
    .where('state', '=', 'received')
    .where((eb) => eb.or([eb('send_at', '<', message.send_at), eb.and([eb('send_at', '=', message.send_at), eb('id', '<', message.id)])]))
    .orderBy('send_at')
    .orderBy('id')
    .execute();
  const publicUrl = input.publicUrl ?? '';
  for (const row of earlier) await processOne(trx, appSecret, workspaceId, row, input.now, publicUrl);
  return processOne(trx, appSecret, workspaceId, message, input.now, publicUrl);
}

async function processOne(
  trx: Executor,
  appSecret: string,
  workspaceId: number,
  message: InboundRow,
  now: number,
  publicUrl: string,
): Promise<InboundOutcome> {
  const memberId = message.member_id as number;
  const member = await trx
    .selectFrom('members')
    .select(['id', 'phone', 'language', 'sms_consent'])
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', memberId)
    .executeTakeFirstOrThrow();
  const workspace = await trx
    .selectFrom('workspaces')
    .select(['name', 'timezone', 'help_text', 'opt_out_text', 'opt_in_text', 'first_message_footer'])
    .where('id', '=', workspaceId)
    .executeTakeFirstOrThrow();
  const phone = message.from_address;
  const intent = classifyInbound(message.body, { optedOut: member.sms_consent === 'revoked' });
  const language = intent.kind === 'none' ? member.language : intent.language;
  const texts = complianceTexts(workspace, language);
  const ctx: InboundContext = {
    trx,
    appSecret,
    workspaceId,
    memberId,
    phone,
    message: { id: message.id, body: message.body, senderId: message.sender_id, receivedAt: message.send_at },
    member: { language: member.language, smsConsent: member.sms_consent },
    workspace: { name: workspace.name, timezone: workspace.timezone },
    publicUrl,
    texts,
    now,
    reply: (body) => queueReply(trx, { workspaceId, memberId, to: phone, body, senderId: message.sender_id, kind: 'reply', now }),
  };
  const compliance = (body: string) => queueReply(trx, { workspaceId, memberId, to: phone, body, senderId: message.sender_id, now });
  let outcome: InboundOutcome | null = null;
  let flag: 'possible_opt_out' | null = null;

  if (intent.kind === 'opt_out' || intent.kind === 'natural_opt_out') {
    const changed = await optOutMember(trx, appSecret, {
      workspaceId,
      memberId,
      phone,
      method: intent.kind === 'opt_out' ? 'keyword' : 'reply',
      wording: message.body,
      now,
    });
    await expireConfirmations(ctx);
    // Exactly one confirmation: a member already opted out who texts STOP again hears nothing more.
    if (changed) await compliance(texts.optOutText);
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
      await compliance(texts.optInText);
      await confirmPendingOnOptIn({ ...ctx, member: { ...ctx.member, smsConsent: 'granted' } });
    }
    outcome = 'opted_in';
  } else if (intent.kind === 'help') {
    await compliance(texts.helpText);
    outcome = 'help';
  } else {
    if (intent.kind === 'possible_opt_out') flag = 'possible_opt_out';
    // A text that might be an opt-out goes to a person, not to a keyword or a survey.
    if (flag === null) {
      for (const step of STEPS) {
        outcome = await step(ctx);
        if (outcome !== null) break;
      }
    }
    // A step may also hand the text to a person (a survey answer that could not be read twice).
    if (outcome === null || outcome === 'inbox') outcome = await toInbox(ctx, flag);
  }
  if (outcome !== 'inbox' && outcome !== 'flagged') {
    // Whatever took the text, it stays in the member's thread (without waiting for a person).
    await noteInbound(trx, {
      workspaceId,
      memberId,
      messageId: message.id,
      body: message.body,
      at: message.send_at,
      now,
      needsResponse: false,
      ...(outcome === 'opted_out' ? { flag: 'opted_out' as const } : outcome === 'opted_in' ? { flag: null } : {}),
    });
  }
  await trx.updateTable('messages').set({ state: 'processed', flag, updated_at: now }).where('id', '=', message.id).execute();
  return outcome;
}

/** The text is for a person: the member's conversation waits for a response, the reply counts for its broadcast. */
async function toInbox(ctx: InboundContext, flag: 'possible_opt_out' | null): Promise<InboundOutcome> {
  const { trx, workspaceId, memberId, message, now } = ctx;
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
  await countP2pReply(trx, { workspaceId, memberId, at: now });
  await noteInbound(trx, {
    workspaceId,
    memberId,
    messageId: message.id,
    body: message.body,
    at: message.receivedAt,
    now,
    needsResponse: true,
    ...(flag ? { flag } : {}),
  });
  return flag ? 'flagged' : 'inbox';
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

export function createProcessInboundJob(deps: { db: Db; clock: Clock; appSecret: string; config?: Pick<Config, 'publicUrl'> }) {
  return defineJob({
    type: PROCESS_INBOUND_JOB,
    payload,
    priority: PRIORITY.reply,
    maxAttempts: 8,
    backoff: { baseMs: 500, capMs: 60_000 },
    handler: async ({ messageId, workspaceId }) => {
      await deps.db
        .transaction()
        .execute((trx) =>
          processInbound(trx, deps.appSecret, { workspaceId, messageId, now: deps.clock.now(), publicUrl: deps.config?.publicUrl ?? '' }),
        );
    },
  });
}

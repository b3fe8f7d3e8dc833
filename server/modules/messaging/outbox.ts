import type { Kysely } from 'kysely';
import { analyzeSms } from '../../../common/sms-encoding.ts';
import type { SmsSender } from '../../channels/sms/contract.ts';
import type { Database, MessageKind } from '../../db/schema.ts';
import { PRIORITY } from '../../jobs/define.ts';
import type { Clock } from '../../lib/clock.ts';
import type { Executor } from '../members/members.repo.ts';
import { getDefaultSender, getSender } from './channels.repo.ts';

/**
 * Queues one SMS answering a member (compliance confirmations, HELP, keyword welcomes, one-time codes): reply
 * priority, due now, no quiet hours (the member just wrote to us) and no consent check for compliance messages —
 * the confirmation of an opt-out is the one text an opted-out member still gets. Uses the given sender (the number the
 * member texted) or the workspace's default SMS sender. Returns the message id, or null when there is no sender.
 */
export async function queueReply(
  trx: Executor,
  input: {
    workspaceId: number;
    memberId: number | null;
    to: string;
    body: string;
    senderId?: number | null;
    kind?: Extract<MessageKind, 'compliance' | 'reply' | 'automation'>;
    now: number;
  },
): Promise<number | null> {
  const sender =
    (input.senderId ? await getSender(trx, input.workspaceId, input.senderId) : undefined) ??
    (await getDefaultSender(trx, input.workspaceId, 'sms'));
  if (!sender) return null;
  const analysis = analyzeSms(input.body);
  const row = await trx
    .insertInto('messages')
    .values({
      workspace_id: input.workspaceId,
      direction: 'out',
      channel: 'sms',
      kind: input.kind ?? 'compliance',
      member_id: input.memberId,
      broadcast_id: null,
      sender_id: sender.id,
      to_address: input.to,
      from_address: sender.address,
      subject: null,
      body: input.body,
      media_urls: null,
      segments: Math.max(1, analysis.segments),
      encoding: analysis.encoding,
      priority: PRIORITY.reply,
      state: 'queued',
      send_at: input.now,
      expires_at: null,
      created_at: input.now,
      updated_at: input.now,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/**
 * The join page's one-time codes through the outbox: sent by the workspace's default SMS sender at reply priority,
 * like any compliance text. Throws when the workspace has no SMS sender (the page then says the code could not be sent).
 */
export function createOutboxSmsSender(deps: { db: Kysely<Database>; clock: Clock }): SmsSender {
  return {
    async send(message) {
      const now = deps.clock.now();
      const queued = await deps.db.transaction().execute(async (trx) => {
        const id = await queueReply(trx, { workspaceId: message.workspaceId, memberId: null, to: message.to, body: message.body, now });
        if (id === null) return null;
        const account = await trx
          .selectFrom('messages as m')
          .innerJoin('senders as s', 's.id', 'm.sender_id')
          .innerJoin('channel_accounts as a', 'a.id', 's.channel_account_id')
          .select('a.provider')
          .where('m.id', '=', id)
          .executeTakeFirstOrThrow();
        return { id, simulated: account.provider === 'simulator' };
      });
      if (!queued) throw new Error('the workspace has no SMS sender');
      return { simulated: queued.simulated };
    },
  };
}

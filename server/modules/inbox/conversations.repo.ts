import type { ConversationsTable } from '../../db/schema.ts';
import type { Executor } from '../members/members.repo.ts';

// A conversation is one member's thread in the inbox (the messages are the member's messages); the row keeps what the
// inbox lists and filters by — who it is assigned to, whether it waits for a person, unread texts, the last words —
// updated in the same transaction as the message it is about. `updated_at` moves on every change: live updates read
// what changed since their last look (conversations_updated_idx).

const PREVIEW = 160;

const preview = (body: string) => body.replace(/\s+/g, ' ').trim().slice(0, PREVIEW);

/**
 * Records a text the member sent in their conversation (created when it is the first). `needsResponse` when the text
 * is for a person (it reached the inbox); a survey answer or a keyword only moves the thread along. A closed
 * conversation that needs a response opens again. Returns the conversation id.
 */
export async function noteInbound(
  trx: Executor,
  input: {
    workspaceId: number;
    memberId: number;
    messageId: number;
    body: string;
    /** When the member sent it. */
    at: number;
    /** When it is processed (updated_at, what live updates look for); `at` when not given. */
    now?: number;
    needsResponse: boolean;
    flag?: ConversationsTable['flag'];
  },
): Promise<number> {
  const { workspaceId, memberId, at } = input;
  const now = input.now ?? at;
  const text = preview(input.body);
  const row = await trx
    .insertInto('conversations')
    .values({
      workspace_id: workspaceId,
      member_id: memberId,
      status: 'open',
      needs_response: input.needsResponse ? 1 : 0,
      unread: 1,
      flag: input.flag ?? null,
      preview: text,
      last_direction: 'in',
      last_message_id: input.messageId,
      last_message_at: at,
      last_inbound_at: at,
      created_at: now,
      updated_at: now,
    })
    .onConflict((oc) =>
      oc.columns(['workspace_id', 'member_id']).doUpdateSet((eb) => ({
        status: input.needsResponse ? 'open' : eb.ref('conversations.status'),
        needs_response: input.needsResponse ? 1 : eb.ref('conversations.needs_response'),
        unread: eb('conversations.unread', '+', 1),
        flag: input.flag === undefined ? eb.ref('conversations.flag') : input.flag,
        preview: text,
        last_direction: 'in',
        last_message_id: input.messageId,
        last_message_at: at,
        last_inbound_at: at,
        updated_at: now,
      })),
    )
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/**
 * Records a text sent to the member in their conversation. A person's text (inbox reply, P2P initial) answers the
 * member: the conversation no longer needs a response. `create` makes the conversation when there is none (a P2P
 * initial opens one; a broadcast does not). `assigneeId` assigns it (the texter who sent a P2P initial gets the replies).
 * Returns the conversation id, or null when there was none and `create` was false.
 */
export async function noteOutbound(
  trx: Executor,
  input: {
    workspaceId: number;
    memberId: number;
    messageId: number;
    body: string;
    at: number;
    byPerson: boolean;
    create: boolean;
    assigneeId?: number | null;
    campaignId?: number | null;
  },
): Promise<number | null> {
  const { workspaceId, memberId, at } = input;
  const text = preview(input.body);
  const changes = {
    preview: text,
    last_direction: 'out' as const,
    last_message_id: input.messageId,
    last_message_at: at,
    last_outbound_at: at,
    updated_at: at,
    ...(input.byPerson ? { needs_response: 0 } : {}),
    ...(input.assigneeId === undefined ? {} : { assignee_id: input.assigneeId }),
    ...(input.campaignId === undefined ? {} : { campaign_id: input.campaignId }),
  };
  if (!input.create) {
    const row = await trx
      .updateTable('conversations')
      .set(changes)
      .where('workspace_id', '=', workspaceId)
      .where('member_id', '=', memberId)
      .returning('id')
      .executeTakeFirst();
    return row?.id ?? null;
  }
  const row = await trx
    .insertInto('conversations')
    .values({
      workspace_id: workspaceId,
      member_id: memberId,
      status: 'open',
      needs_response: 0,
      unread: 0,
      assignee_id: input.assigneeId ?? null,
      campaign_id: input.campaignId ?? null,
      preview: text,
      last_direction: 'out',
      last_message_id: input.messageId,
      last_message_at: at,
      last_outbound_at: at,
      created_at: at,
      updated_at: at,
    })
    .onConflict((oc) => oc.columns(['workspace_id', 'member_id']).doUpdateSet(changes))
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** Marks the member's conversation (if any) after an opt-out: flagged, nothing left to answer. */
export async function noteOptOut(trx: Executor, input: { workspaceId: number; memberId: number; at: number }): Promise<void> {
  await trx
    .updateTable('conversations')
    .set({ flag: 'opted_out', needs_response: 0, updated_at: input.at })
    .where('workspace_id', '=', input.workspaceId)
    .where('member_id', '=', input.memberId)
    .execute();
}

import { type ExpressionBuilder, sql } from 'kysely';
import type { Database } from '../../db/schema.ts';
import { displayName, type Executor } from '../members/members.repo.ts';
import type { ConversationNote, ConversationSummary, InboxCounts, InboxView, ThreadMessage } from './inbox.schema.ts';

// What the inbox reads. Every query filters on the workspace; `Viewer` narrows it to what the caller may see:
// people without inbox.manage (texters) see the conversations assigned to them and the unassigned ones.

export type Viewer = { userId: number | null; manage: boolean };

export type ConversationFilter = {
  view: InboxView;
  status?: 'open' | 'closed' | undefined;
  tag?: string | undefined;
  communityId?: number | undefined;
  campaignId?: number | undefined;
  /** Lower-cased prefix of the member's "first last" or last name. */
  namePrefix?: string | undefined;
  /** E.164. */
  phone?: string | undefined;
  ids?: readonly number[];
  after?: { lastMessageAt: number; id: number } | undefined;
  limit?: number;
};

type ConversationEb = ExpressionBuilder<Database & { c: Database['conversations'] }, 'c'>;

/** The caller's share of the workspace's conversations. */
export function visibleTo(eb: ConversationEb, viewer: Viewer) {
  if (viewer.manage) return eb.lit(true);
  if (viewer.userId === null) return eb('c.assignee_id', 'is', null);
  return eb.or([eb('c.assignee_id', 'is', null), eb('c.assignee_id', '=', viewer.userId)]);
}

const prefixRange = (
  eb: ExpressionBuilder<Database & { m: Database['members'] }, 'm'>,
  column: 'm.name_key' | 'm.last_name_key',
  prefix: string,
) => eb.and([eb(column, '>=', prefix), eb(column, '<', `${prefix}\uffff`)]);

export async function listConversations(
  db: Executor,
  workspaceId: number,
  viewer: Viewer,
  filter: ConversationFilter,
): Promise<ConversationSummary[]> {
  let q = db
    .selectFrom('conversations as c')
    .innerJoin('members as m', (join) => join.onRef('m.id', '=', 'c.member_id').on('m.workspace_id', '=', workspaceId))
    .leftJoin('users as u', 'u.id', 'c.assignee_id')
    .leftJoin('p2p_campaigns as pc', (join) => join.onRef('pc.id', '=', 'c.campaign_id').on('pc.workspace_id', '=', workspaceId))
    .select([
      'c.id',
      'c.status',
      'c.member_id',
      'c.preview',
      'c.last_direction',
      'c.assignee_id',
      'c.unread',
      'c.needs_response',
      'c.flag',
      'c.campaign_id',
      'c.last_message_at',
      'c.last_inbound_at',
      'c.last_outbound_at',
      'c.created_at',
      'c.updated_at',
      'm.first_name',
      'm.last_name',
      'm.phone',
      'u.name as assignee_name',
      'pc.name as campaign_name',
    ])
    .where('c.workspace_id', '=', workspaceId)
    .where((eb) => visibleTo(eb, viewer));

  switch (filter.view) {
    case 'mine':
      q = q.where('c.assignee_id', '=', viewer.userId ?? -1);
      break;
    case 'unassigned':
      q = q.where('c.assignee_id', 'is', null);
      break;
    case 'needs_response':
      q = q.where('c.needs_response', '=', 1);
      break;
    case 'flagged':
      q = q.where('c.flag', 'is not', null);
      break;
    case 'all':
      break;
  }
  if (filter.status) q = q.where('c.status', '=', filter.status);
  if (filter.campaignId !== undefined) q = q.where('c.campaign_id', '=', filter.campaignId);
  if (filter.ids) q = q.where('c.id', 'in', filter.ids.length > 0 ? [...filter.ids] : [-1]);
  if (filter.phone !== undefined) q = q.where('m.phone', '=', filter.phone);
  if (filter.namePrefix !== undefined) {
    const prefix = filter.namePrefix;
    q = q.where((eb) => eb.or([prefixRange(eb, 'm.name_key', prefix), prefixRange(eb, 'm.last_name_key', prefix)]));
  }
  if (filter.tag !== undefined) {
    const tag = filter.tag;
    q = q.where((eb) =>
      eb.exists(
        eb
          .selectFrom('conversation_tags as t')
          .select(sql.lit(1).as('one'))
          .where('t.workspace_id', '=', workspaceId)
          .where('t.tag', '=', tag)
          .whereRef('t.conversation_id', '=', 'c.id'),
      ),
    );
  }
  if (filter.communityId !== undefined) {
    const communityId = filter.communityId;
    q = q.where((eb) =>
      eb.exists(
        eb
          .selectFrom('memberships as ms')
          .select(sql.lit(1).as('one'))
          .where('ms.workspace_id', '=', workspaceId)
          .where('ms.community_id', '=', communityId)
          .where('ms.status', '=', 'active')
          .whereRef('ms.member_id', '=', 'c.member_id'),
      ),
    );
  }
  if (filter.after) {
    const { lastMessageAt, id } = filter.after;
    q = q.where((eb) =>
      eb.or([eb('c.last_message_at', '<', lastMessageAt), eb.and([eb('c.last_message_at', '=', lastMessageAt), eb('c.id', '<', id)])]),
    );
  }
  const rows = await q
    .orderBy('c.last_message_at', 'desc')
    .orderBy('c.id', 'desc')
    .limit(filter.limit ?? 50)
    .execute();
  const tags = await conversationTags(
    db,
    workspaceId,
    rows.map((row) => row.id),
  );
  return rows.map((row) => ({
    id: row.id,
    status: row.status,
    member: {
      id: row.member_id,
      name: displayName({ id: row.member_id, first_name: row.first_name, last_name: row.last_name }),
      phone: row.phone,
    },
    preview: row.preview,
    lastDirection: row.last_direction,
    assignee: row.assignee_id === null ? null : { id: row.assignee_id, name: row.assignee_name ?? `User #${row.assignee_id}` },
    unread: row.unread,
    needsResponse: row.needs_response === 1,
    flag: row.flag,
    tags: tags.get(row.id) ?? [],
    campaign: row.campaign_id === null || row.campaign_name === null ? null : { id: row.campaign_id, name: row.campaign_name },
    lastMessageAt: Number(row.last_message_at),
    lastInboundAt: row.last_inbound_at === null ? null : Number(row.last_inbound_at),
    lastOutboundAt: row.last_outbound_at === null ? null : Number(row.last_outbound_at),
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  }));
}

export async function conversationTags(db: Executor, workspaceId: number, ids: readonly number[]): Promise<Map<number, string[]>> {
  const map = new Map<number, string[]>();
  if (ids.length === 0) return map;
  const rows = await db
    .selectFrom('conversation_tags')
    .select(['conversation_id', 'tag'])
    .where('workspace_id', '=', workspaceId)
    .where('conversation_id', 'in', [...ids])
    .orderBy('tag')
    .execute();
  for (const row of rows) map.set(row.conversation_id, [...(map.get(row.conversation_id) ?? []), row.tag]);
  return map;
}

/**
 * The caller's counters over open conversations, read from the conversations table through its
 * (workspace_id, status, …) index; never from the messages.
 */
export async function countConversations(db: Executor, workspaceId: number, viewer: Viewer): Promise<InboxCounts> {
  const me = viewer.userId ?? -1;
  const row = await db
    .selectFrom('conversations as c')
    .select((eb) => [
      eb.fn.countAll<number | string>().as('open'),
      eb.fn.sum<number | string | null>(eb.case().when('c.assignee_id', '=', me).then(1).else(0).end()).as('mine'),
      eb.fn.sum<number | string | null>(eb.case().when('c.assignee_id', 'is', null).then(1).else(0).end()).as('unassigned'),
      eb.fn.sum<number | string | null>(eb.case().when('c.needs_response', '=', 1).then(1).else(0).end()).as('needs_response'),
      eb.fn.sum<number | string | null>(eb.case().when('c.flag', 'is not', null).then(1).else(0).end()).as('flagged'),
    ])
    .where('c.workspace_id', '=', workspaceId)
    .where('c.status', '=', 'open')
    .where((eb) => visibleTo(eb, viewer))
    .executeTakeFirstOrThrow();
  return {
    mine: Number(row.mine ?? 0),
    unassigned: Number(row.unassigned ?? 0),
    needsResponse: Number(row.needs_response ?? 0),
    flagged: Number(row.flagged ?? 0),
    open: Number(row.open ?? 0),
  };
}

/** The conversation row when the caller may see it. */
export async function findConversation(db: Executor, workspaceId: number, viewer: Viewer, conversationId: number) {
  return db
    .selectFrom('conversations as c')
    .selectAll('c')
    .where('c.workspace_id', '=', workspaceId)
    .where('c.id', '=', conversationId)
    .where((eb) => visibleTo(eb, viewer))
    .executeTakeFirst();
}

/** The member's messages, newest `limit` before `before` (a message id), returned oldest first. */
export async function threadOf(
  db: Executor,
  workspaceId: number,
  memberId: number,
  page: { before?: number | undefined; limit: number },
): Promise<{ messages: ThreadMessage[]; hasMore: boolean }> {
  let q = db
    .selectFrom('messages as msg')
    .leftJoin('users as u', 'u.id', 'msg.sent_by')
    .select([
      'msg.id',
      'msg.direction',
      'msg.kind',
      'msg.body',
      'msg.state',
      'msg.error_code',
      'msg.flag',
      'msg.sent_by',
      'u.name as sent_by_name',
      'msg.broadcast_id',
      'msg.campaign_id',
      'msg.created_at',
      'msg.send_at',
      'msg.sent_at',
      'msg.delivered_at',
    ])
    .where('msg.member_id', '=', memberId)
    .where('msg.workspace_id', '=', workspaceId)
    .where('msg.channel', '=', 'sms');
  if (page.before !== undefined) q = q.where('msg.id', '<', page.before);
  const rows = await q
    .orderBy('msg.id', 'desc')
    .limit(page.limit + 1)
    .execute();
  const hasMore = rows.length > page.limit;
  return {
    hasMore,
    messages: rows
      .slice(0, page.limit)
      .reverse()
      .map((row) => ({
        id: row.id,
        direction: row.direction,
        kind: row.kind,
        body: row.body,
        state: row.state,
        errorCode: row.error_code,
        flag: row.flag,
        sentBy: row.sent_by === null ? null : { id: row.sent_by, name: row.sent_by_name ?? `User #${row.sent_by}` },
        broadcastId: row.broadcast_id,
        campaignId: row.campaign_id,
        createdAt: Number(row.created_at),
        sendAt: Number(row.send_at),
        sentAt: row.sent_at === null ? null : Number(row.sent_at),
        deliveredAt: row.delivered_at === null ? null : Number(row.delivered_at),
      })),
  };
}

export async function notesOf(db: Executor, workspaceId: number, conversationId: number): Promise<ConversationNote[]> {
  const rows = await db
    .selectFrom('conversation_notes as n')
    .leftJoin('users as u', 'u.id', 'n.user_id')
    .select(['n.id', 'n.body', 'n.user_id', 'u.name', 'n.created_at'])
    .where('n.workspace_id', '=', workspaceId)
    .where('n.conversation_id', '=', conversationId)
    .orderBy('n.id')
    .execute();
  return rows.map((row) => ({
    id: row.id,
    body: row.body,
    author: row.user_id === null ? null : { id: row.user_id, name: row.name ?? `User #${row.user_id}` },
    createdAt: Number(row.created_at),
  }));
}

/** Recent member texts a person answered, with the answer: the material suggested replies are ranked from. */
export async function answeredTexts(db: Executor, workspaceId: number, limit: number, excludeMemberId: number) {
  const rows = await db
    .selectFrom('messages as a')
    .innerJoin('members as m', (join) => join.onRef('m.id', '=', 'a.member_id').on('m.workspace_id', '=', workspaceId))
    .select((eb) => [
      'a.body as answer',
      'm.first_name',
      eb
        .selectFrom('messages as i')
        .select('i.body')
        .whereRef('i.member_id', '=', 'a.member_id')
        .where('i.workspace_id', '=', workspaceId)
        .where('i.direction', '=', 'in')
        .whereRef('i.id', '<', 'a.id')
        .orderBy('i.id', 'desc')
        .limit(1)
        .as('question'),
    ])
    .where('a.workspace_id', '=', workspaceId)
    .where('a.direction', '=', 'out')
    .where('a.kind', '=', 'conversation')
    .where('a.state', 'not in', ['cancelled', 'failed'])
    // Not the member's own thread: suggesting what they were already told helps nobody.
    .where('a.member_id', '!=', excludeMemberId)
    .orderBy('a.id', 'desc')
    .limit(limit)
    .execute();
  return rows.flatMap((row) => (row.question ? [{ question: row.question, answer: row.answer, memberFirstName: row.first_name }] : []));
}

import { can, PERMISSIONS, type Role } from '../../../common/roles.ts';
import { analyzeSms } from '../../../common/sms-encoding.ts';
import type { Db } from '../../db/database.ts';
import type { Tenant } from '../../http/auth.ts';
import { AppError } from '../../http/errors.ts';
import { PRIORITY } from '../../jobs/define.ts';
import type { Clock } from '../../lib/clock.ts';
import { normalizePhone } from '../../lib/phone.ts';
import { displayName, type Executor, isUniqueViolation, parseCustomFields } from '../members/members.repo.ts';
import { getDefaultSender, getSender } from '../messaging/channels.repo.ts';
import { createQuietHours } from '../messaging/quiet-hours.ts';
import { cannedProblems, renderCanned } from './canned.ts';
import { noteOutbound } from './conversations.repo.ts';
import {
  answeredTexts,
  conversationTags,
  countConversations,
  findConversation,
  listConversations,
  notesOf,
  threadOf,
  type Viewer,
} from './inbox.repo.ts';
import type { CannedResponse, ConversationDetail, ConversationSummary, ListConversationsQuery } from './inbox.schema.ts';
import type { InboxEvents } from './inbox-events.ts';
import { rankSuggestions } from './suggestions.ts';

type Deps = { db: Db; clock: Clock; events?: Pick<InboxEvents, 'nudge'> };

const PHONE_LIKE = /^[+\d\s().-]{5,}$/;
/** How many answered texts the suggestions learn from. */
const SUGGESTION_HISTORY = 2_000;
/** Roles that may be handed conversations. */
const REPLYING_ROLES = PERMISSIONS['inbox.reply'] as readonly Role[];

/** Who is asking, and what they may see: texters (no inbox.manage) see theirs and the unassigned conversations. */
export function viewerOf(tenant: Tenant): Viewer {
  return { userId: tenant.actor.type === 'user' ? tenant.actor.userId : null, manage: can(tenant.role, 'inbox.manage') };
}

const notFound = () =>
  new AppError({ code: 'conversation.not_found', status: 404, message: 'There is no such conversation in your inbox.' });
const cannedNotFound = () => new AppError({ code: 'canned_response.not_found', status: 404, message: 'There is no such saved reply.' });

const assignedElsewhere = () =>
  new AppError({
    code: 'conversation.assigned_elsewhere',
    status: 409,
    message: 'Someone else just answered this conversation and took it; it is no longer yours to answer.',
  });

/**
 * True when a texter no longer sees a conversation because someone took it by answering the very text they were
 * answering (a race they lost: 409), rather than because it was someone else's all along (404).
 */
async function lostTheRace(trx: Executor, workspaceId: number, viewer: Viewer, conversationId: number, afterMessageId?: number) {
  const row = await trx
    .selectFrom('conversations')
    .select(['member_id', 'assignee_id'])
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', conversationId)
    .executeTakeFirst();
  if (!row || row.assignee_id === null || row.assignee_id === viewer.userId) return false;
  const lastInbound = await trx
    .selectFrom('messages')
    .select((eb) => eb.fn.max('id').as('id'))
    .where('workspace_id', '=', workspaceId)
    .where('member_id', '=', row.member_id)
    .where('direction', '=', 'in')
    .executeTakeFirst();
  const since = Math.max(afterMessageId ?? 0, Number(lastInbound?.id ?? 0));
  const answer = await trx
    .selectFrom('messages')
    .select('id')
    .where('workspace_id', '=', workspaceId)
    .where('member_id', '=', row.member_id)
    .where('kind', '=', 'conversation')
    .where('sent_by', '=', row.assignee_id)
    .where('id', '>', since)
    .executeTakeFirst();
  return answer !== undefined;
}

const encodeCursor = (c: ConversationSummary) => `${c.lastMessageAt}:${c.id}`;
function decodeCursor(cursor: string | undefined) {
  if (!cursor) return undefined;
  const [at, id] = cursor.split(':').map(Number);
  return { lastMessageAt: at ?? 0, id: id ?? 0 };
}

export function createInboxService({ db, clock, events }: Deps) {
  async function summaryOf(executor: Executor, workspaceId: number, viewer: Viewer, conversationId: number) {
    const [summary] = await listConversations(executor, workspaceId, viewer, { view: 'all', ids: [conversationId], limit: 1 });
    if (!summary) throw notFound();
    return summary;
  }

  async function visible(executor: Executor, workspaceId: number, viewer: Viewer, conversationId: number) {
    const row = await findConversation(executor, workspaceId, viewer, conversationId);
    if (!row) throw notFound();
    return row;
  }

  async function userName(executor: Executor, userId: number | null) {
    if (userId === null) return 'Your team';
    const user = await executor.selectFrom('users').select('name').where('id', '=', userId).executeTakeFirst();
    return user?.name ?? 'Your team';
  }

  const touch = (executor: Executor, workspaceId: number, conversationId: number, now: number) =>
    executor
      .updateTable('conversations')
      .set({ updated_at: now })
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', conversationId)
      .execute();

  return {
    async list(workspaceId: number, viewer: Viewer, query: ListConversationsQuery) {
      const q = query.q?.toLowerCase().replace(/\s+/g, ' ');
      let phone: string | undefined;
      let namePrefix: string | undefined;
      if (q) {
        if (PHONE_LIKE.test(q)) {
          const workspace = await db
            .selectFrom('workspaces')
            .select('default_country')
            .where('id', '=', workspaceId)
            .executeTakeFirstOrThrow();
          const parsed = normalizePhone(q, workspace.default_country);
          if (!parsed.ok) return { conversations: [], nextCursor: null };
          phone = parsed.e164;
        } else namePrefix = q;
      }
      const conversations = await listConversations(db, workspaceId, viewer, {
        view: query.view,
        status: query.status,
        tag: query.tag?.toLowerCase(),
        communityId: query.communityId,
        campaignId: query.campaignId,
        namePrefix,
        phone,
        after: decodeCursor(query.cursor),
        limit: query.limit + 1,
      });
      const page = conversations.slice(0, query.limit);
      const last = page.at(-1);
      return { conversations: page, nextCursor: conversations.length > query.limit && last ? encodeCursor(last) : null };
    },

    counts: (workspaceId: number, viewer: Viewer) => countConversations(db, workspaceId, viewer),

    async get(workspaceId: number, viewer: Viewer, conversationId: number, page: { before?: number | undefined; limit: number }) {
      const conversation = await summaryOf(db, workspaceId, viewer, conversationId);
      const member = await db
        .selectFrom('members')
        .select(['id', 'first_name', 'last_name', 'phone', 'language', 'timezone', 'sms_consent'])
        .where('workspace_id', '=', workspaceId)
        .where('id', '=', conversation.member.id)
        .executeTakeFirstOrThrow();
      const communities = await db
        .selectFrom('memberships as ms')
        .innerJoin('communities as co', (join) => join.onRef('co.id', '=', 'ms.community_id').on('co.workspace_id', '=', workspaceId))
        .select(['co.id', 'co.name'])
        .where('ms.workspace_id', '=', workspaceId)
        .where('ms.member_id', '=', member.id)
        .where('ms.status', '=', 'active')
        .orderBy('co.name')
        .execute();
      const tags = await db
        .selectFrom('member_tags')
        .select('tag')
        .where('workspace_id', '=', workspaceId)
        .where('member_id', '=', member.id)
        .orderBy('tag')
        .execute();
      const detail: ConversationDetail = {
        conversation,
        member: {
          id: member.id,
          name: displayName(member),
          firstName: member.first_name,
          lastName: member.last_name,
          phone: member.phone,
          language: member.language,
          timezone: member.timezone,
          smsConsent: member.sms_consent,
          communities,
          tags: tags.map((t) => t.tag),
        },
        thread: await threadOf(db, workspaceId, member.id, page),
        notes: await notesOf(db, workspaceId, conversationId),
      };
      return detail;
    },

    async markRead(workspaceId: number, viewer: Viewer, conversationId: number) {
      const row = await visible(db, workspaceId, viewer, conversationId);
      if (row.unread !== 0) {
        await db
          .updateTable('conversations')
          .set({ unread: 0, updated_at: clock.now() })
          .where('workspace_id', '=', workspaceId)
          .where('id', '=', conversationId)
          .execute();
        events?.nudge(workspaceId);
      }
      return summaryOf(db, workspaceId, viewer, conversationId);
    },

    /**
     * A person's answer. A texter answering an unassigned conversation takes it, atomically: of two texters answering
     * at once one wins and the other hears it is assigned elsewhere; nothing is queued for the loser.
     */
    async reply(workspaceId: number, viewer: Viewer, conversationId: number, input: { body: string; afterMessageId?: number | undefined }) {
      const now = clock.now();
      const result = await db.transaction().execute(async (trx) => {
        const row = await findConversation(trx, workspaceId, viewer, conversationId);
        if (!row)
          throw (await lostTheRace(trx, workspaceId, viewer, conversationId, input.afterMessageId)) ? assignedElsewhere() : notFound();
        const member = await trx
          .selectFrom('members')
          .select(['id', 'phone', 'timezone', 'sms_consent', 'erased_at'])
          .where('workspace_id', '=', workspaceId)
          .where('id', '=', row.member_id)
          .executeTakeFirstOrThrow();
        if (member.sms_consent === 'revoked' || row.flag === 'opted_out') {
          throw new AppError({
            code: 'conversation.opted_out',
            status: 409,
            message: 'This member opted out of texts: nothing more can be sent to them unless they text START.',
          });
        }
        if (member.phone === null || member.erased_at !== null) {
          throw new AppError({ code: 'conversation.no_phone', status: 409, message: 'This member has no phone number to text.' });
        }

        // Take the conversation (or keep it): this write also holds the row, so two people answering the same
        // conversation go one after the other and the second one's checks below see the first one's answer.
        const me = viewer.userId;
        const taken = await trx
          .updateTable('conversations')
          .set((eb) => ({
            assignee_id: me === null ? eb.ref('assignee_id') : eb.fn.coalesce('assignee_id', eb.val(me)),
            unread: 0,
            updated_at: now,
          }))
          .where('workspace_id', '=', workspaceId)
          .where('id', '=', conversationId)
          .where((eb) =>
            viewer.manage
              ? eb.lit(true)
              : me === null
                ? eb('assignee_id', 'is', null)
                : eb.or([eb('assignee_id', 'is', null), eb('assignee_id', '=', me)]),
          )
          .returning('id')
          .executeTakeFirst();
        if (!taken) throw assignedElsewhere();

        if (input.afterMessageId !== undefined) {
          const newer = await trx
            .selectFrom('messages')
            .select(['id', 'body', 'sent_by'])
            .where('workspace_id', '=', workspaceId)
            .where('member_id', '=', member.id)
            .where('direction', '=', 'out')
            .where('kind', 'in', ['conversation', 'p2p'])
            .where('id', '>', input.afterMessageId)
            .where((eb) => (me === null ? eb('sent_by', 'is not', null) : eb.or([eb('sent_by', 'is', null), eb('sent_by', '!=', me)])))
            .orderBy('id', 'desc')
            .executeTakeFirst();
          if (newer) {
            const who = await userName(trx, newer.sent_by);
            throw new AppError({
              code: 'conversation.stale',
              status: 409,
              message: `${who} answered while you were typing: "${newer.body}". Read it before sending yours.`,
              fields: [{ path: 'afterMessageId', message: `${who} already sent: ${newer.body}` }],
            });
          }
        }

        // From the number the member last texted, else the workspace's default SMS sender.
        const lastInbound = await trx
          .selectFrom('messages')
          .select('sender_id')
          .where('workspace_id', '=', workspaceId)
          .where('member_id', '=', member.id)
          .where('direction', '=', 'in')
          .where('sender_id', 'is not', null)
          .orderBy('id', 'desc')
          .executeTakeFirst();
        const sender =
          (lastInbound?.sender_id ? await getSender(trx, workspaceId, lastInbound.sender_id) : undefined) ??
          (await getDefaultSender(trx, workspaceId, 'sms'));
        if (!sender || sender.archived_at !== null) {
          throw new AppError({
            code: 'conversation.no_sender',
            status: 409,
            message: 'The workspace has no SMS number to answer from. Add one under Settings → Channels.',
          });
        }

        // Inside the member's sending window: held until morning when it is night where they are.
        const workspace = await trx
          .selectFrom('workspaces')
          .select(['quiet_hours_start', 'quiet_hours_end'])
          .where('id', '=', workspaceId)
          .executeTakeFirstOrThrow();
        const hours = createQuietHours({ start: workspace.quiet_hours_start, end: workspace.quiet_hours_end });
        const sendAt = hours.nextAllowed(now, member.timezone);
        const expiresAt = hours.windowEnd(sendAt, member.timezone);

        const analysis = analyzeSms(input.body);
        const message = await trx
          .insertInto('messages')
          .values({
            workspace_id: workspaceId,
            direction: 'out',
            channel: 'sms',
            kind: 'conversation',
            member_id: member.id,
            broadcast_id: null,
            sender_id: sender.id,
            to_address: member.phone,
            from_address: sender.address,
            subject: null,
            body: input.body,
            media_urls: null,
            segments: Math.max(1, analysis.segments),
            encoding: analysis.encoding,
            priority: PRIORITY.reply,
            state: 'queued',
            send_at: sendAt,
            expires_at: expiresAt,
            created_at: now,
            updated_at: now,
            sent_by: me,
            campaign_id: null,
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        await noteOutbound(trx, {
          workspaceId,
          memberId: member.id,
          messageId: message.id,
          body: input.body,
          at: now,
          byPerson: true,
          create: false,
        });
        const thread = await threadOf(trx, workspaceId, member.id, { before: message.id + 1, limit: 1 });
        return {
          message: thread.messages[0] as NonNullable<(typeof thread.messages)[0]>,
          scheduledFor: sendAt > now ? sendAt : null,
          conversation: await summaryOf(trx, workspaceId, { ...viewer, manage: true }, conversationId),
        };
      });
      events?.nudge(workspaceId);
      return result;
    },

    async update(
      workspaceId: number,
      viewer: Viewer,
      conversationId: number,
      patch: { status?: 'open' | 'closed' | undefined; assigneeId?: number | null | undefined; needsResponse?: boolean | undefined },
    ) {
      const now = clock.now();
      await db.transaction().execute(async (trx) => {
        const row = await visible(trx, workspaceId, viewer, conversationId);
        if (patch.assigneeId !== undefined && patch.assigneeId !== row.assignee_id) {
          const target = patch.assigneeId;
          if (!viewer.manage) {
            // A texter takes an unassigned conversation or lets go of theirs; handing it to someone else is for managers.
            if (target !== null && target !== viewer.userId) {
              throw new AppError({
                code: 'auth.forbidden',
                status: 403,
                message: 'Only organizers can assign conversations to someone else; you can take one or release yours.',
              });
            }
          } else if (target !== null) {
            const member = await trx
              .selectFrom('workspace_users')
              .select('role')
              .where('workspace_id', '=', workspaceId)
              .where('user_id', '=', target)
              .executeTakeFirst();
            if (!member || !REPLYING_ROLES.includes(member.role)) {
              throw new AppError({
                code: 'request.invalid',
                status: 400,
                message: 'Conversations can only be assigned to people of this workspace who can answer texts.',
                fields: [{ path: 'assigneeId', message: 'is not someone of this workspace who can answer texts' }],
              });
            }
          }
          const expected = row.assignee_id;
          // Compare-and-set on the assignee seen above: a concurrent change makes this one fail rather than overwrite it.
          const changed = await trx
            .updateTable('conversations')
            .set({ assignee_id: target, updated_at: now })
            .where('workspace_id', '=', workspaceId)
            .where('id', '=', conversationId)
            .where('assignee_id', expected === null ? 'is' : '=', expected)
            .returning('id')
            .executeTakeFirst();
          if (!changed) {
            throw new AppError({
              code: 'conversation.assigned_elsewhere',
              status: 409,
              message: 'Someone else changed who this conversation is assigned to; reload and try again.',
            });
          }
        }
        const changes = {
          ...(patch.status ? { status: patch.status } : {}),
          ...(patch.status === 'closed' ? { needs_response: 0 } : {}),
          ...(patch.needsResponse === undefined ? {} : { needs_response: patch.needsResponse ? 1 : 0 }),
        };
        if (Object.keys(changes).length > 0) {
          await trx
            .updateTable('conversations')
            .set({ ...changes, updated_at: now })
            .where('workspace_id', '=', workspaceId)
            .where('id', '=', conversationId)
            .execute();
        }
      });
      events?.nudge(workspaceId);
      // A texter who released a conversation may still see it (unassigned); one assigned away is answered as a manager would see it.
      return summaryOf(db, workspaceId, { ...viewer, manage: true }, conversationId);
    },

    async addTag(workspaceId: number, viewer: Viewer, conversationId: number, tag: string) {
      const now = clock.now();
      const normalized = tag.trim().toLowerCase().replace(/\s+/g, ' ');
      await visible(db, workspaceId, viewer, conversationId);
      try {
        await db
          .insertInto('conversation_tags')
          .values({ workspace_id: workspaceId, conversation_id: conversationId, tag: normalized, created_at: now })
          .onConflict((oc) => oc.columns(['conversation_id', 'tag']).doNothing())
          .execute();
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
      }
      await touch(db, workspaceId, conversationId, now);
      events?.nudge(workspaceId);
      return { tags: (await conversationTags(db, workspaceId, [conversationId])).get(conversationId) ?? [] };
    },

    async removeTag(workspaceId: number, viewer: Viewer, conversationId: number, tag: string) {
      const now = clock.now();
      await visible(db, workspaceId, viewer, conversationId);
      await db
        .deleteFrom('conversation_tags')
        .where('workspace_id', '=', workspaceId)
        .where('conversation_id', '=', conversationId)
        .where('tag', '=', tag.trim().toLowerCase())
        .execute();
      await touch(db, workspaceId, conversationId, now);
      events?.nudge(workspaceId);
      return { tags: (await conversationTags(db, workspaceId, [conversationId])).get(conversationId) ?? [] };
    },

    async addNote(workspaceId: number, viewer: Viewer, conversationId: number, body: string) {
      const now = clock.now();
      await visible(db, workspaceId, viewer, conversationId);
      const row = await db
        .insertInto('conversation_notes')
        .values({ workspace_id: workspaceId, conversation_id: conversationId, user_id: viewer.userId, body, created_at: now })
        .returning('id')
        .executeTakeFirstOrThrow();
      return {
        id: row.id,
        body,
        author: viewer.userId === null ? null : { id: viewer.userId, name: await userName(db, viewer.userId) },
        createdAt: now,
      };
    },

    /** Saved replies rendered for this member and this texter, and answers people gave to texts like the member's last one. */
    async suggestions(workspaceId: number, viewer: Viewer, conversationId: number) {
      const row = await visible(db, workspaceId, viewer, conversationId);
      const member = await db
        .selectFrom('members')
        .select(['first_name', 'last_name', 'email', 'postal_code', 'language', 'custom_fields'])
        .where('workspace_id', '=', workspaceId)
        .where('id', '=', row.member_id)
        .executeTakeFirstOrThrow();
      const workspace = await db.selectFrom('workspaces').select('name').where('id', '=', workspaceId).executeTakeFirstOrThrow();
      const texter = { name: viewer.userId === null ? '' : await userName(db, viewer.userId) };
      const templateMember = { ...member, custom: parseCustomFields(member.custom_fields) };
      const canned = (await cannedRows(workspaceId)).map((c) => ({
        id: c.id,
        title: c.title,
        body: renderCanned(c.body, { member: templateMember, texter, workspace }),
      }));
      const last = await db
        .selectFrom('messages')
        .select('body')
        .where('workspace_id', '=', workspaceId)
        .where('member_id', '=', row.member_id)
        .where('direction', '=', 'in')
        .orderBy('id', 'desc')
        .executeTakeFirst();
      const suggested = last
        ? rankSuggestions(last.body, await answeredTexts(db, workspaceId, SUGGESTION_HISTORY, row.member_id), {
            memberFirstName: member.first_name,
          })
        : [];
      return { canned, suggested };
    },

    /** People a manager may hand conversations to. */
    async assignees(workspaceId: number) {
      const rows = await db
        .selectFrom('workspace_users as wu')
        .innerJoin('users as u', 'u.id', 'wu.user_id')
        .select(['u.id', 'u.name', 'wu.role'])
        .where('wu.workspace_id', '=', workspaceId)
        .where('wu.role', 'in', [...REPLYING_ROLES])
        .orderBy('u.name')
        .execute();
      return rows;
    },

    listCanned: async (workspaceId: number): Promise<CannedResponse[]> => (await cannedRows(workspaceId)).map(cannedView),

    async createCanned(workspaceId: number, userId: number | null, input: { title: string; body: string }) {
      checkCanned(input.body);
      const now = clock.now();
      const row = await db
        .insertInto('canned_responses')
        .values({ workspace_id: workspaceId, title: input.title, body: input.body, created_by: userId, created_at: now, updated_at: now })
        .returningAll()
        .executeTakeFirstOrThrow();
      return cannedView(row);
    },

    async updateCanned(workspaceId: number, cannedId: number, patch: { title?: string | undefined; body?: string | undefined }) {
      if (patch.body !== undefined) checkCanned(patch.body);
      const row = await db
        .updateTable('canned_responses')
        .set({
          ...(patch.title === undefined ? {} : { title: patch.title }),
          ...(patch.body === undefined ? {} : { body: patch.body }),
          updated_at: clock.now(),
        })
        .where('workspace_id', '=', workspaceId)
        .where('id', '=', cannedId)
        .where('archived_at', 'is', null)
        .returningAll()
        .executeTakeFirst();
      if (!row) throw cannedNotFound();
      return cannedView(row);
    },

    async archiveCanned(workspaceId: number, cannedId: number) {
      const row = await db
        .updateTable('canned_responses')
        .set({ archived_at: clock.now() })
        .where('workspace_id', '=', workspaceId)
        .where('id', '=', cannedId)
        .where('archived_at', 'is', null)
        .returning('id')
        .executeTakeFirst();
      if (!row) throw cannedNotFound();
    },
  };

  function cannedRows(workspaceId: number) {
    return db
      .selectFrom('canned_responses')
      .select(['id', 'title', 'body', 'created_at', 'updated_at'])
      .where('workspace_id', '=', workspaceId)
      .where('archived_at', 'is', null)
      .orderBy('title')
      .orderBy('id')
      .execute();
  }
}

function cannedView(row: { id: number; title: string; body: string; created_at: number; updated_at: number }): CannedResponse {
  return { id: row.id, title: row.title, body: row.body, createdAt: Number(row.created_at), updatedAt: Number(row.updated_at) };
}

function checkCanned(body: string) {
  const problems = cannedProblems(body);
  if (problems.length > 0) {
    throw new AppError({
      code: 'request.invalid',
      status: 400,
      message: `The reply does not read as a template: ${problems.join('; ')}.`,
      fields: problems.map((message) => ({ path: 'body', message })),
    });
  }
}

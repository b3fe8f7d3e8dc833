import type { Selectable } from 'kysely';
import type { Config } from '../../config.ts';
import type { Db } from '../../db/database.ts';
import type { CommunitiesTable, KeywordTarget, MembershipRole } from '../../db/schema.ts';
import type { Actor } from '../../http/auth.ts';
import { AppError, type FieldError } from '../../http/errors.ts';
import type { Clock } from '../../lib/clock.ts';
import { recordActivities } from '../activities/activities.repo.ts';
import { recordAudit } from '../audit/audit.repo.ts';
import { isUniqueViolation } from '../members/members.repo.ts';
import {
  ancestorIds,
  findCommunity,
  findMembership,
  joinCommunities,
  keywordHolders,
  keywordsByCommunity,
  leadersByCommunity,
  leaveCommunity,
  listCommunityMembers,
  listCommunityRows,
  liveMemberIds,
  replaceCommunityKeywords,
  totalMemberCounts,
} from './communities.repo.ts';
import type { CommunityInput, CommunityPatch } from './communities.schema.ts';

type Deps = { db: Db; clock: Clock; config: Pick<Config, 'publicUrl'> };
type Executor = Parameters<typeof findCommunity>[0];
type CommunityRow = Selectable<CommunitiesTable>;

export type CommunitiesService = ReturnType<typeof createCommunitiesService>;

/** A URL-safe slug from a community name ("Climate – Austin Parents" → "climate-austin-parents"). */
export function communitySlug(name: string): string {
  return (
    name
      .normalize('NFKD')
      .replace(/[\u0300-\u036f]/g, '')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 48)
      .replace(/-+$/, '') || 'community'
  );
}

/** The public join page of a community. */
export const joinUrlOf = (publicUrl: string, workspaceSlug: string, communitySlug: string) =>
  `${publicUrl}/p/${encodeURIComponent(workspaceSlug)}/c/${encodeURIComponent(communitySlug)}`;

/**
 * Runs a write again when a concurrent one took the same slug or keyword between our check and our insert (the unique
 * constraints catch it); the second run's checks then answer with the precise 409.
 */
async function onceMoreOnConflict<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    return write();
  }
}

const byName = new Intl.Collator('en', { sensitivity: 'base', numeric: true });

const notFound = () =>
  new AppError({ code: 'community.not_found', status: 404, message: 'There is no community with this id in the workspace.' });

/** How the community form names a keyword that does something else (Messages → Keywords). */
const OTHER_HOLDERS: Record<KeywordTarget, string> = {
  community: 'another community',
  survey: 'a survey',
  link: 'a link keyword',
  reply: 'an auto-reply keyword',
  action: 'an action',
};

export function createCommunitiesService({ db, clock, config }: Deps) {
  async function workspaceSlug(workspaceId: number) {
    const ws = await db.selectFrom('workspaces').select('slug').where('id', '=', workspaceId).executeTakeFirstOrThrow();
    return ws.slug;
  }

  async function views(workspaceId: number, rows: CommunityRow[]) {
    const ids = rows.map((r) => r.id);
    const [slug, totals, keywords, leaders] = await Promise.all([
      workspaceSlug(workspaceId),
      totalMemberCounts(db, workspaceId, ids),
      keywordsByCommunity(db, workspaceId, ids),
      leadersByCommunity(db, workspaceId, ids),
    ]);
    return rows.map((c) => ({
      id: c.id,
      name: c.name,
      slug: c.slug,
      parentId: c.parent_id,
      description: c.description,
      guidelines: c.guidelines,
      visibility: c.visibility,
      keywords: keywords.get(c.id) ?? [],
      consentWording: c.consent_wording,
      memberCount: c.member_count,
      totalMemberCount: totals.get(c.id) ?? 0,
      leaders: leaders.get(c.id) ?? [],
      archived: c.archived_at !== null,
      createdAt: new Date(c.created_at).toISOString(),
      joinUrl: joinUrlOf(config.publicUrl, slug, c.slug),
    }));
  }

  async function requireCommunity(executor: Executor, workspaceId: number, communityId: number) {
    const row = await findCommunity(executor, workspaceId, communityId);
    if (!row) throw notFound();
    return row;
  }

  async function list(workspaceId: number, options: { includeArchived: boolean }) {
    // Totals for every community in one recursive query rather than one per community.
    const rows = await listCommunityRows(db, workspaceId, options);
    // Sorted here so both dialects agree whatever their collation.
    rows.sort((a, b) => byName.compare(a.name, b.name) || a.id - b.id);
    return views(workspaceId, rows);
  }

  async function get(workspaceId: number, communityId: number) {
    const row = await requireCommunity(db, workspaceId, communityId);
    const [view] = await views(workspaceId, [row]);
    if (!view) throw notFound();
    return view;
  }

  async function slugTaken(executor: Executor, workspaceId: number, slug: string, exceptId?: number) {
    let q = executor.selectFrom('communities').select('id').where('workspace_id', '=', workspaceId).where('slug', '=', slug);
    if (exceptId !== undefined) q = q.where('id', '!=', exceptId);
    return (await q.executeTakeFirst()) !== undefined;
  }

  async function uniqueSlug(executor: Executor, workspaceId: number, name: string) {
    const base = communitySlug(name);
    for (let n = 1; ; n++) {
      const slug = n === 1 ? base : `${base}-${n}`;
      if (!(await slugTaken(executor, workspaceId, slug))) return slug;
    }
  }

  async function checkSlug(executor: Executor, workspaceId: number, slug: string, exceptId?: number) {
    if (await slugTaken(executor, workspaceId, slug, exceptId)) {
      throw new AppError({
        code: 'community.slug_taken',
        status: 409,
        message: `Another community of this workspace already uses the address "${slug}"; choose another slug.`,
        fields: [{ path: 'body.slug', message: 'is already used by another community' }],
      });
    }
  }

  /** The parent must be a live community of the workspace and must not be the community itself or one of its descendants. */
  async function checkParent(executor: Executor, workspaceId: number, parentId: number, communityId?: number) {
    const parent = await findCommunity(executor, workspaceId, parentId);
    const refuse = (message: string) =>
      new AppError({
        code: 'community.invalid_parent',
        status: 400,
        message: `The parent community ${message}.`,
        fields: [{ path: 'body.parentId', message }],
      });
    if (!parent) throw refuse('is not a community of this workspace');
    if (parent.archived_at !== null) throw refuse('is archived');
    if (communityId !== undefined && (await ancestorIds(executor, workspaceId, parentId)).includes(communityId)) {
      throw refuse(parentId === communityId ? 'cannot be the community itself' : 'is inside this community, which would make a loop');
    }
  }

  async function checkKeywords(executor: Executor, workspaceId: number, keywords: readonly string[], communityId?: number) {
    const holders = (await keywordHolders(executor, workspaceId, keywords)).filter(
      (h) => !(h.target_type === 'community' && h.target_id === communityId),
    );
    if (holders.length === 0) return;
    const fields: FieldError[] = holders.map((h) => {
      const who = h.community_name !== null ? `the community "${h.community_name}"` : OTHER_HOLDERS[h.target_type];
      return { path: `body.keywords.${keywords.indexOf(h.keyword)}`, message: `${h.keyword} is already the keyword of ${who}` };
    });
    throw new AppError({
      code: 'keyword.taken',
      status: 409,
      message: `${fields.map((f) => f.message).join('; ')}. Keywords are unique in a workspace; choose another word.`,
      fields,
    });
  }

  async function create(actor: Actor, workspaceId: number, input: CommunityInput) {
    const now = clock.now();
    const id = await onceMoreOnConflict(() =>
      db.transaction().execute(async (trx) => {
        if (input.slug) await checkSlug(trx, workspaceId, input.slug);
        if (input.parentId != null) await checkParent(trx, workspaceId, input.parentId);
        const keywords = input.keywords ?? [];
        await checkKeywords(trx, workspaceId, keywords);
        const row = await trx
          .insertInto('communities')
          .values({
            workspace_id: workspaceId,
            parent_id: input.parentId ?? null,
            name: input.name,
            slug: input.slug ?? (await uniqueSlug(trx, workspaceId, input.name)),
            description: input.description ?? '',
            guidelines: input.guidelines ?? '',
            visibility: input.visibility,
            consent_wording: input.consentWording ?? null,
            archived_at: null,
            created_at: now,
            updated_at: now,
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        await replaceCommunityKeywords(trx, { workspaceId, communityId: row.id, keywords, at: now });
        await recordAudit(trx, {
          workspaceId,
          actor,
          action: 'community.created',
          targetType: 'community',
          targetId: row.id,
          data: { name: input.name, visibility: input.visibility, keywords },
          at: now,
        });
        return row.id;
      }),
    );
    return get(workspaceId, id);
  }

  async function update(actor: Actor, workspaceId: number, communityId: number, patch: CommunityPatch) {
    const now = clock.now();
    await onceMoreOnConflict(() =>
      db.transaction().execute(async (trx) => {
        const current = await requireCommunity(trx, workspaceId, communityId);
        if (current.archived_at !== null && patch.archived !== false) {
          throw new AppError({
            code: 'community.archived',
            status: 409,
            message: 'This community is archived; restore it first (archived: false) to change it.',
          });
        }
        if (patch.slug !== undefined && patch.slug !== current.slug) await checkSlug(trx, workspaceId, patch.slug, communityId);
        if (patch.parentId != null && patch.parentId !== current.parent_id)
          await checkParent(trx, workspaceId, patch.parentId, communityId);
        if (patch.keywords) await checkKeywords(trx, workspaceId, patch.keywords, communityId);
        const set = {
          ...(patch.name !== undefined ? { name: patch.name } : {}),
          ...(patch.slug !== undefined ? { slug: patch.slug } : {}),
          ...(patch.description !== undefined ? { description: patch.description } : {}),
          ...(patch.guidelines !== undefined ? { guidelines: patch.guidelines } : {}),
          ...(patch.visibility !== undefined ? { visibility: patch.visibility } : {}),
          ...(patch.parentId !== undefined ? { parent_id: patch.parentId } : {}),
          ...(patch.consentWording !== undefined ? { consent_wording: patch.consentWording } : {}),
          ...(patch.archived === false ? { archived_at: null } : {}),
          ...(patch.archived === true && current.archived_at === null ? { archived_at: now } : {}),
        };
        await trx
          .updateTable('communities')
          .set({ ...set, updated_at: now })
          .where('workspace_id', '=', workspaceId)
          .where('id', '=', communityId)
          .execute();
        if (patch.keywords) await replaceCommunityKeywords(trx, { workspaceId, communityId, keywords: patch.keywords, at: now });
        if (patch.archived === true && current.archived_at === null) {
          await replaceCommunityKeywords(trx, { workspaceId, communityId, keywords: [], at: now });
        }
        await recordAudit(trx, {
          workspaceId,
          actor,
          action: 'community.updated',
          targetType: 'community',
          targetId: communityId,
          data: { changed: [...Object.keys(set), ...(patch.keywords ? ['keywords'] : [])] },
          at: now,
        });
      }),
    );
    return get(workspaceId, communityId);
  }

  /** Archives a community: it leaves the public pages and lists, keeps its memberships, and releases its keywords. */
  async function archive(actor: Actor, workspaceId: number, communityId: number) {
    const now = clock.now();
    await db.transaction().execute(async (trx) => {
      const current = await requireCommunity(trx, workspaceId, communityId);
      if (current.archived_at !== null) return;
      await trx
        .updateTable('communities')
        .set({ archived_at: now, updated_at: now })
        .where('workspace_id', '=', workspaceId)
        .where('id', '=', communityId)
        .execute();
      await replaceCommunityKeywords(trx, { workspaceId, communityId, keywords: [], at: now });
      await recordAudit(trx, { workspaceId, actor, action: 'community.archived', targetType: 'community', targetId: communityId, at: now });
    });
  }

  async function listMembers(
    workspaceId: number,
    communityId: number,
    query: {
      status?: 'active' | 'pending' | 'left' | undefined;
      role?: MembershipRole | undefined;
      cursor?: number | undefined;
      limit: number;
    },
  ) {
    await requireCommunity(db, workspaceId, communityId);
    const { rows, nextCursor } = await listCommunityMembers(db, { workspaceId, communityId, ...query });
    return {
      members: rows.map((r) => ({
        memberId: r.member_id,
        firstName: r.first_name,
        lastName: r.last_name,
        phone: r.phone,
        role: r.role,
        status: r.status,
        source: r.source,
        joinedAt: new Date(r.joined_at).toISOString(),
        leftAt: r.left_at === null ? null : new Date(r.left_at).toISOString(),
      })),
      nextCursor,
    };
  }

  async function addMembers(
    workspaceId: number,
    communityId: number,
    input: { memberIds: number[]; role?: MembershipRole | undefined; source?: string | undefined },
  ) {
    const now = clock.now();
    return db.transaction().execute(async (trx) => {
      const community = await requireCommunity(trx, workspaceId, communityId);
      if (community.archived_at !== null) {
        throw new AppError({
          code: 'community.archived',
          status: 409,
          message: 'This community is archived; restore it before adding members.',
        });
      }
      const live = await liveMemberIds(trx, workspaceId, input.memberIds);
      const missing = input.memberIds.filter((id) => !live.has(id));
      if (missing.length > 0) {
        // Names the ids the caller sent, never anything about another workspace's members.
        throw new AppError({
          code: 'member.not_found',
          status: 404,
          message: `${missing.length === 1 ? 'One member' : `${missing.length} members`} of this list ${missing.length === 1 ? 'does' : 'do'} not exist in the workspace (ids ${missing.slice(0, 20).join(', ')}${missing.length > 20 ? ', …' : ''}); nothing was added.`,
          fields: [
            { path: 'body.memberIds', message: `has ids that are not members of this workspace: ${missing.slice(0, 20).join(', ')}` },
          ],
        });
      }
      const result = await joinCommunities(trx, {
        workspaceId,
        memberIds: input.memberIds,
        communityIds: [communityId],
        role: input.role ?? 'member',
        source: input.source ?? 'staff',
        at: now,
      });
      return { added: result.added, alreadyMembers: result.alreadyMembers };
    });
  }

  async function requireMembership(executor: Executor, workspaceId: number, communityId: number, memberId: number) {
    const membership = await findMembership(executor, workspaceId, communityId, memberId);
    if (!membership) {
      throw new AppError({
        code: 'membership.not_found',
        status: 404,
        message: 'This member is not (and never was) in this community.',
      });
    }
    return membership;
  }

  async function membershipView(workspaceId: number, communityId: number, memberId: number) {
    const { members } = await listMembers(workspaceId, communityId, { cursor: memberId + 1, limit: 1 });
    const view = members[0];
    if (!view || view.memberId !== memberId) throw new Error('membership vanished');
    return view;
  }

  async function updateMembership(
    actor: Actor,
    workspaceId: number,
    communityId: number,
    memberId: number,
    patch: { role?: MembershipRole | undefined; status?: 'active' | undefined },
  ) {
    const now = clock.now();
    await db.transaction().execute(async (trx) => {
      const community = await requireCommunity(trx, workspaceId, communityId);
      const membership = await requireMembership(trx, workspaceId, communityId, memberId);
      if (patch.status === 'active' && membership.status !== 'active') {
        if (community.archived_at !== null) {
          throw new AppError({ code: 'community.archived', status: 409, message: 'This community is archived; restore it first.' });
        }
        await joinCommunities(trx, {
          workspaceId,
          memberIds: [memberId],
          communityIds: [communityId],
          role: patch.role ?? membership.role,
          source: membership.status === 'pending' ? (membership.source ?? 'request') : 'staff',
          at: now,
        });
      } else if (patch.role !== undefined && patch.role !== membership.role) {
        await trx
          .updateTable('memberships')
          .set({ role: patch.role, updated_at: now })
          .where('workspace_id', '=', workspaceId)
          .where('id', '=', membership.id)
          .execute();
        await recordActivities(
          trx,
          [
            {
              workspaceId,
              memberId,
              type: 'role_changed',
              communityId,
              data: { from: membership.role, to: patch.role },
              occurredAt: now,
            },
          ],
          now,
        );
        await recordAudit(trx, {
          workspaceId,
          actor,
          action: 'membership.role_changed',
          targetType: 'member',
          targetId: memberId,
          data: { communityId, from: membership.role, to: patch.role },
          at: now,
        });
      }
    });
    return membershipView(workspaceId, communityId, memberId);
  }

  async function removeMember(workspaceId: number, communityId: number, memberId: number) {
    const now = clock.now();
    await db.transaction().execute(async (trx) => {
      await requireCommunity(trx, workspaceId, communityId);
      const membership = await requireMembership(trx, workspaceId, communityId, memberId);
      if (membership.status === 'left') return;
      await leaveCommunity(trx, { workspaceId, communityId, memberIds: [memberId], at: now, reason: 'removed_by_staff' });
    });
  }

  return { list, get, create, update, archive, listMembers, addMembers, updateMembership, removeMember };
}

import { type Kysely, sql, type Transaction } from 'kysely';
import type { Counters } from '../../db/group-commit.ts';
import type { Database, MembershipRole, MembershipStatus } from '../../db/schema.ts';
import { type ActivityInput, recordActivities } from '../activities/activities.repo.ts';

type Executor = Kysely<Database> | Transaction<Database>;

const BATCH = 500;

function* batches<T>(items: readonly T[], size = BATCH): Generator<T[]> {
  for (let i = 0; i < items.length; i += size) yield items.slice(i, i + size);
}

async function assertCommunitiesOf(db: Executor, workspaceId: number, communityIds: readonly number[]) {
  if (communityIds.length === 0) return;
  const found = await db
    .selectFrom('communities')
    .select('id')
    .where('workspace_id', '=', workspaceId)
    .where('id', 'in', [...communityIds])
    .where('archived_at', 'is', null)
    .execute();
  if (found.length !== new Set(communityIds).size) {
    throw new Error(`joinCommunities: communities ${communityIds.join(', ')} are not all live communities of workspace ${workspaceId}`);
  }
}

export type JoinCommunitiesInput = {
  workspaceId: number;
  /** Live members of the workspace (the caller has checked them). */
  memberIds: readonly number[];
  /** Live (not archived) communities of the workspace; checked, a wrong id throws. */
  communityIds: readonly number[];
  role: MembershipRole;
  source: string | null;
  at: number;
  /** 'pending' asks to join (a leader approves); default 'active'. */
  status?: 'active' | 'pending';
  /** Inside a group commit: member_count is bumped once per batch instead of by this call. */
  counters?: Counters;
  /** The caller read the communities as live in this transaction: they are not checked again. */
  communitiesChecked?: boolean;
  /** The members were created in this transaction, so they have no memberships to look for. */
  newMembers?: boolean;
  /** Collects the 'joined' activities for the caller to record with its own, instead of writing them here. */
  activities?: ActivityInput[];
};

export type JoinResult = {
  /** Memberships created or brought back (left → active, pending → active, or left → pending for a request). */
  added: number;
  /** Member × community pairs that already had the wanted status (or better, for a request). */
  alreadyMembers: number;
  /** Member ids that became active, per community. */
  joined: Map<number, number[]>;
};

/**
 * Joins members to communities, set-based and batched (a few statements per 500 members and community, whatever
 * their number): creates memberships, brings back those who left (a new joined_at; the earlier stay lives in the
 * activity log as joined/left), approves pending requests, writes a 'joined' activity for each new active membership
 * and keeps communities.member_count in step. Run it inside the caller's transaction.
 */
export async function joinCommunities(db: Executor, input: JoinCommunitiesInput): Promise<JoinResult> {
  const target = input.status ?? 'active';
  const memberIds = [...new Set(input.memberIds)];
  const communityIds = [...new Set(input.communityIds)];
  if (!input.communitiesChecked) await assertCommunitiesOf(db, input.workspaceId, communityIds);
  let added = 0;
  let alreadyMembers = 0;
  const joined = new Map<number, number[]>();
  for (const communityId of communityIds) {
    const joinedHere: number[] = [];
    for (const batch of batches(memberIds)) {
      const existing = input.newMembers
        ? []
        : await db
            .selectFrom('memberships')
            .select(['id', 'member_id', 'status'])
            .where('workspace_id', '=', input.workspaceId)
            .where('community_id', '=', communityId)
            .where('member_id', 'in', batch)
            .execute();
      const known = new Set(existing.map((m) => m.member_id));
      const fresh = batch.filter((id) => !known.has(id));
      const inserted =
        fresh.length === 0
          ? []
          : await db
              .insertInto('memberships')
              .values(
                fresh.map((memberId) => ({
                  workspace_id: input.workspaceId,
                  community_id: communityId,
                  member_id: memberId,
                  role: input.role,
                  status: target,
                  source: input.source,
                  joined_at: input.at,
                  left_at: null,
                  updated_at: input.at,
                })),
              )
              .onConflict((oc) => oc.columns(['community_id', 'member_id']).doNothing())
              .returning('member_id')
              .execute();
      // Who comes back: for an active join, anyone not active; for a request, only those who left.
      const revivable: MembershipStatus[] = target === 'active' ? ['left', 'pending'] : ['left'];
      const toRevive = existing.filter((m) => revivable.includes(m.status)).map((m) => m.id);
      const revived =
        toRevive.length === 0
          ? []
          : await db
              .updateTable('memberships')
              .set({ status: target, role: input.role, source: input.source, joined_at: input.at, left_at: null, updated_at: input.at })
              .where('workspace_id', '=', input.workspaceId)
              .where('id', 'in', toRevive)
              .where('status', 'in', revivable)
              .returning('member_id')
              .execute();
      const changed = [...inserted, ...revived].map((r) => r.member_id);
      added += changed.length;
      alreadyMembers += batch.length - changed.length;
      if (target === 'active') joinedHere.push(...changed);
    }
    if (joinedHere.length > 0 && input.counters) {
      input.counters.add('communities.member_count', input.workspaceId, communityId, joinedHere.length, input.at);
    } else if (joinedHere.length > 0) {
      await db
        .updateTable('communities')
        .set({ member_count: sql<number>`member_count + ${joinedHere.length}`, updated_at: input.at })
        .where('workspace_id', '=', input.workspaceId)
        .where('id', '=', communityId)
        .execute();
    }
    if (joinedHere.length > 0) {
      const activities = joinedHere.map(
        (memberId): ActivityInput => ({
          workspaceId: input.workspaceId,
          memberId,
          type: 'joined',
          communityId,
          data: { role: input.role, ...(input.source ? { source: input.source } : {}) },
          occurredAt: input.at,
        }),
      );
      if (input.activities) input.activities.push(...activities);
      else await recordActivities(db, activities, input.at);
      joined.set(communityId, joinedHere);
    }
  }
  return { added, alreadyMembers, joined };
}

/**
 * Members leave a community (or a pending request is declined): status 'left' with left_at, a 'left' activity for
 * each active membership that ends, and member_count kept in step. Returns the member ids whose membership ended.
 * Run it inside the caller's transaction.
 */
export async function leaveCommunity(
  db: Executor,
  input: { workspaceId: number; communityId: number; memberIds: readonly number[]; at: number; reason?: string },
): Promise<number[]> {
  const ended: number[] = [];
  let activeLeft = 0;
  for (const batch of batches([...new Set(input.memberIds)])) {
    const rows = await db
      .selectFrom('memberships')
      .select(['id', 'member_id', 'status'])
      .where('workspace_id', '=', input.workspaceId)
      .where('community_id', '=', input.communityId)
      .where('member_id', 'in', batch)
      .where('status', 'in', ['active', 'pending'])
      .execute();
    if (rows.length === 0) continue;
    const updated = await db
      .updateTable('memberships')
      .set({ status: 'left', left_at: input.at, updated_at: input.at })
      .where('workspace_id', '=', input.workspaceId)
      .where(
        'id',
        'in',
        rows.map((r) => r.id),
      )
      .where('status', 'in', ['active', 'pending'])
      .returning(['member_id'])
      .execute();
    const updatedIds = new Set(updated.map((r) => r.member_id));
    const wereActive = rows.filter((r) => r.status === 'active' && updatedIds.has(r.member_id)).map((r) => r.member_id);
    activeLeft += wereActive.length;
    ended.push(...updatedIds);
    await recordActivities(
      db,
      wereActive.map((memberId) => ({
        workspaceId: input.workspaceId,
        memberId,
        type: 'left' as const,
        communityId: input.communityId,
        ...(input.reason ? { data: { reason: input.reason } } : {}),
        occurredAt: input.at,
      })),
      input.at,
    );
  }
  if (activeLeft > 0) {
    await db
      .updateTable('communities')
      .set({ member_count: sql<number>`member_count - ${activeLeft}`, updated_at: input.at })
      .where('workspace_id', '=', input.workspaceId)
      .where('id', '=', input.communityId)
      .execute();
  }
  return ended;
}

/**
 * Asks to join a community that needs approval: a pending membership (created, or brought back from 'left');
 * active and pending memberships stay as they are. Returns the membership's status afterwards.
 */
export async function requestMembership(
  db: Executor,
  input: { workspaceId: number; communityId: number; memberId: number; source: string | null; at: number },
): Promise<MembershipStatus> {
  await joinCommunities(db, {
    workspaceId: input.workspaceId,
    memberIds: [input.memberId],
    communityIds: [input.communityId],
    role: 'member',
    source: input.source,
    at: input.at,
    status: 'pending',
  });
  const row = await db
    .selectFrom('memberships')
    .select('status')
    .where('workspace_id', '=', input.workspaceId)
    .where('community_id', '=', input.communityId)
    .where('member_id', '=', input.memberId)
    .executeTakeFirstOrThrow();
  return row.status;
}

// ── Reading communities ─────────────────────────────────────────────────────

export async function findCommunity(db: Executor, workspaceId: number, communityId: number) {
  return db.selectFrom('communities').selectAll().where('workspace_id', '=', workspaceId).where('id', '=', communityId).executeTakeFirst();
}

export async function listCommunityRows(db: Executor, workspaceId: number, options: { includeArchived: boolean; ids?: number[] }) {
  let q = db.selectFrom('communities').selectAll().where('workspace_id', '=', workspaceId).orderBy('name').orderBy('id');
  if (!options.includeArchived) q = q.where('archived_at', 'is', null);
  if (options.ids) q = q.where('id', 'in', options.ids.length ? options.ids : [0]);
  return q.execute();
}

/**
 * Distinct active members of each community and all its (live) descendants, in one query: a recursive CTE pairs
 * every community with itself and each descendant, and COUNT(DISTINCT member_id) rolls them up, so a member of two
 * chapters counts once in the network. `rootIds` limits the roots (all communities of the workspace otherwise).
 */
export async function totalMemberCounts(db: Executor, workspaceId: number, rootIds?: readonly number[]): Promise<Map<number, number>> {
  if (rootIds && rootIds.length === 0) return new Map();
  const rows = await db
    .withRecursive('tree(root_id, community_id)', (qb) => {
      let base = qb
        .selectFrom('communities')
        .select(['communities.id as root_id', 'communities.id as community_id'])
        .where('communities.workspace_id', '=', workspaceId);
      if (rootIds) base = base.where('communities.id', 'in', [...rootIds]);
      // UNION (not UNION ALL) ends the recursion even if the data ever held a cycle.
      return base.union(
        qb
          .selectFrom('tree')
          .innerJoin('communities as child', 'child.parent_id', 'tree.community_id')
          .select(['tree.root_id', 'child.id as community_id'])
          .where('child.workspace_id', '=', workspaceId)
          .where('child.archived_at', 'is', null),
      );
    })
    .selectFrom('tree')
    .innerJoin('memberships as m', 'm.community_id', 'tree.community_id')
    .select(['tree.root_id', (eb) => eb.fn.count<number>('m.member_id').distinct().as('total')])
    .where('m.workspace_id', '=', workspaceId)
    .where('m.status', '=', 'active')
    .groupBy('tree.root_id')
    .execute();
  return new Map(rows.map((r) => [Number(r.root_id), Number(r.total)]));
}

/** The community and its ancestors, nearest first (a recursive CTE up the parent links). */
export async function ancestorIds(db: Executor, workspaceId: number, communityId: number): Promise<number[]> {
  const rows = await db
    .withRecursive('up(id, parent_id, depth)', (qb) =>
      qb
        .selectFrom('communities')
        .select(['communities.id', 'communities.parent_id', sql<number>`0`.as('depth')])
        .where('communities.workspace_id', '=', workspaceId)
        .where('communities.id', '=', communityId)
        .union(
          qb
            .selectFrom('up')
            .innerJoin('communities as p', 'p.id', 'up.parent_id')
            .select(['p.id', 'p.parent_id', sql<number>`up.depth + 1`.as('depth')])
            .where('p.workspace_id', '=', workspaceId)
            .where('up.depth', '<', 1000),
        ),
    )
    .selectFrom('up')
    .select(['id', 'depth'])
    .orderBy('depth')
    .execute();
  return rows.map((r) => Number(r.id));
}

export async function keywordsByCommunity(db: Executor, workspaceId: number, communityIds: readonly number[]) {
  const map = new Map<number, string[]>();
  if (communityIds.length === 0) return map;
  const rows = await db
    .selectFrom('keywords')
    .select(['target_id', 'keyword'])
    .where('workspace_id', '=', workspaceId)
    .where('target_type', '=', 'community')
    .where('target_id', 'in', [...communityIds])
    .orderBy('keyword')
    .execute();
  for (const row of rows) map.set(row.target_id, [...(map.get(row.target_id) ?? []), row.keyword]);
  return map;
}

export async function leadersByCommunity(db: Executor, workspaceId: number, communityIds: readonly number[]) {
  const map = new Map<number, { memberId: number; name: string }[]>();
  if (communityIds.length === 0) return map;
  const rows = await db
    .selectFrom('memberships as ms')
    .innerJoin('members as m', 'm.id', 'ms.member_id')
    .select(['ms.community_id', 'm.id', 'm.first_name', 'm.last_name'])
    .where('ms.workspace_id', '=', workspaceId)
    .where('m.workspace_id', '=', workspaceId)
    .where('ms.community_id', 'in', [...communityIds])
    .where('ms.role', '=', 'leader')
    .where('ms.status', '=', 'active')
    .orderBy('m.first_name')
    .orderBy('m.id')
    .execute();
  for (const row of rows) {
    const name = [row.first_name, row.last_name].filter(Boolean).join(' ') || `Member ${row.id}`;
    map.set(row.community_id, [...(map.get(row.community_id) ?? []), { memberId: row.id, name }]);
  }
  return map;
}

/** Who holds these keywords in the workspace (any kind of target). */
export async function keywordHolders(db: Executor, workspaceId: number, keywords: readonly string[]) {
  if (keywords.length === 0) return [];
  return db
    .selectFrom('keywords as k')
    .leftJoin('communities as c', (join) =>
      join.onRef('c.id', '=', 'k.target_id').on('k.target_type', '=', 'community').on('c.workspace_id', '=', workspaceId),
    )
    .select(['k.keyword', 'k.target_type', 'k.target_id', 'c.name as community_name'])
    .where('k.workspace_id', '=', workspaceId)
    .where('k.keyword', 'in', [...keywords])
    .execute();
}

/**
 * Gives a community exactly these keywords (releasing the others). A keyword it keeps keeps its row, so what the
 * keywords page set on it (match rule, auto-reply, double opt-in, uses) survives an edit of the community.
 */
export async function replaceCommunityKeywords(
  db: Executor,
  input: { workspaceId: number; communityId: number; keywords: readonly string[]; at: number },
) {
  let released = db
    .deleteFrom('keywords')
    .where('workspace_id', '=', input.workspaceId)
    .where('target_type', '=', 'community')
    .where('target_id', '=', input.communityId);
  if (input.keywords.length > 0) released = released.where('keyword', 'not in', [...input.keywords]);
  await released.execute();
  const kept = new Set((await keywordsByCommunity(db, input.workspaceId, [input.communityId])).get(input.communityId) ?? []);
  const added = input.keywords.filter((keyword) => !kept.has(keyword));
  if (added.length === 0) return;
  await db
    .insertInto('keywords')
    .values(
      added.map((keyword) => ({
        workspace_id: input.workspaceId,
        keyword,
        target_type: 'community' as const,
        target_id: input.communityId,
        created_at: input.at,
      })),
    )
    .execute();
}

export async function listCommunityMembers(
  db: Executor,
  query: {
    workspaceId: number;
    communityId: number;
    status?: MembershipStatus | undefined;
    role?: MembershipRole | undefined;
    cursor?: number | undefined;
    limit: number;
  },
) {
  let q = db
    .selectFrom('memberships as ms')
    .innerJoin('members as m', 'm.id', 'ms.member_id')
    .select(['ms.member_id', 'm.first_name', 'm.last_name', 'm.phone', 'ms.role', 'ms.status', 'ms.source', 'ms.joined_at', 'ms.left_at'])
    .where('ms.workspace_id', '=', query.workspaceId)
    .where('m.workspace_id', '=', query.workspaceId)
    .where('ms.community_id', '=', query.communityId)
    .orderBy('ms.member_id', 'desc')
    .limit(query.limit + 1);
  if (query.status) q = q.where('ms.status', '=', query.status);
  if (query.role) q = q.where('ms.role', '=', query.role);
  if (query.cursor !== undefined) q = q.where('ms.member_id', '<', query.cursor);
  const rows = await q.execute();
  const page = rows.slice(0, query.limit);
  return { rows: page, nextCursor: rows.length > query.limit ? String(page.at(-1)?.member_id) : null };
}

export async function findMembership(db: Executor, workspaceId: number, communityId: number, memberId: number) {
  return db
    .selectFrom('memberships')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('community_id', '=', communityId)
    .where('member_id', '=', memberId)
    .executeTakeFirst();
}

/** The ids among `memberIds` that are live members (not merged, not erased) of the workspace. */
export async function liveMemberIds(db: Executor, workspaceId: number, memberIds: readonly number[]): Promise<Set<number>> {
  const found = new Set<number>();
  for (const batch of batches(memberIds)) {
    const rows = await db
      .selectFrom('members')
      .select('id')
      .where('workspace_id', '=', workspaceId)
      .where('id', 'in', batch)
      .where('merged_into', 'is', null)
      .where('erased_at', 'is', null)
      .execute();
    for (const row of rows) found.add(row.id);
  }
  return found;
}

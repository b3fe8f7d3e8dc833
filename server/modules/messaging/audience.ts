import { type Expression, type ExpressionBuilder, type Kysely, type SqlBool, sql, type Transaction } from 'kysely';
import type { Channel, Database } from '../../db/schema.ts';
import { type ResolvedSegment, resolveSegment, segmentWhere, selectSegment } from '../segments/segment-sql.ts';
import { findSegment, storedRules } from '../segments/segments.repo.ts';
import { inSnapshot, segmentNotFound } from '../segments/snapshots.ts';

// A broadcast's audience: the live members of any of its communities (each with its descendants, active memberships
// only) or carrying any of its tags, each member once. It is read in windows of member ids, never whole: a window
// spans the next `size` members of the workspace (members_list_idx); the ids of the audience inside it come from the
// covering indexes of memberships and tags, and the members are then read by id range (a dense audience) or by id
// (a sparse one). A million-member audience streams at a steady cost per window, and a small audience in a large
// workspace costs one pass over the workspace's member ids.
//
// A segment narrows the audience: its members, and of them only those in the communities or tags when some are given.
// Previews read the segment live; a broadcast's expansion reads the snapshot frozen when it began.

type Executor = Kysely<Database> | Transaction<Database>;

export type Audience = { communityIds: readonly number[]; tags: readonly string[]; segmentId?: number | null | undefined };

/**
 * An audience whose communities include every live descendant and whose segment is ready to read (resolveAudience):
 * its compiled rules, or the snapshot it was frozen into.
 */
export type ResolvedAudience = Audience & { resolved: true; segment?: ResolvedSegment | undefined; snapshotId?: number | null | undefined };

/** Whether the audience can hold anyone at all. */
const hasAny = (a: ResolvedAudience) => a.communityIds.length > 0 || a.tags.length > 0 || a.segment !== undefined || a.snapshotId != null;
/** Whether it names communities or tags (a segment alone names neither). */
const hasGroups = (a: ResolvedAudience) => a.communityIds.length > 0 || a.tags.length > 0;

export type SkipReason = 'no_consent' | 'opted_out' | 'no_address' | 'landline';

export type AudienceMember = {
  id: number;
  phone: string | null;
  email: string | null;
  first_name: string | null;
  last_name: string | null;
  postal_code: string | null;
  language: string;
  timezone: string;
  /** JSON text; '{}' unless asked for (most templates never read custom fields). */
  custom_fields: string;
  /** Why the member cannot be reached on the channel read for, or null. */
  skip: SkipReason | null;
};

export type AudienceCounts = { total: number; reachable: number; noConsent: number; optedOut: number; noAddress: number; landline: number };

/**
 * The audience's communities with all their live descendants (roots are kept as given), and its segment: the
 * snapshot `options.snapshotId` when one was frozen, else the segment's rules as they are now (`options.now` is when
 * "in the last n days" counts back from). A segment that no longer exists is segment.not_found.
 */
export async function resolveAudience(
  executor: Executor,
  workspaceId: number,
  audience: Audience | ResolvedAudience,
  options: { now?: number; snapshotId?: number | null } = {},
): Promise<ResolvedAudience> {
  if ('resolved' in audience) return audience;
  const tags = [...new Set(audience.tags)];
  const roots = [...new Set(audience.communityIds)];
  const segmentId = audience.segmentId ?? null;
  let segment: ResolvedSegment | undefined;
  const snapshotId = segmentId === null ? null : (options.snapshotId ?? null);
  if (segmentId !== null && snapshotId === null) {
    const row = await findSegment(executor, workspaceId, segmentId);
    if (!row) throw segmentNotFound();
    segment = await resolveSegment(executor, workspaceId, storedRules(row.rules), options.now ?? Date.now());
  }
  const withSegment = { segmentId, segment, snapshotId };
  if (roots.length === 0) return { communityIds: [], tags, resolved: true, ...withSegment };
  const rows = await executor
    .withRecursive('tree(id)', (qb) =>
      qb
        .selectFrom('communities')
        .select('communities.id')
        .where('communities.workspace_id', '=', workspaceId)
        .where('communities.id', 'in', roots)
        // UNION (not UNION ALL) ends the recursion even if the data ever held a cycle.
        .union(
          qb
            .selectFrom('tree')
            .innerJoin('communities as child', 'child.parent_id', 'tree.id')
            .select('child.id')
            .where('child.workspace_id', '=', workspaceId)
            .where('child.archived_at', 'is', null),
        ),
    )
    .selectFrom('tree')
    .select('id')
    .execute();
  return { communityIds: rows.map((r) => Number(r.id)).sort((a, b) => a - b), tags, resolved: true, ...withSegment };
}

type MemberEb = ExpressionBuilder<Database & { m: Database['members'] }, 'm'>;

/** members m is live and in the audience (whole-audience counts and samples). */
function inAudience(eb: MemberEb, workspaceId: number, audience: ResolvedAudience) {
  const branches: Expression<SqlBool>[] = [];
  if (audience.communityIds.length > 0) {
    branches.push(
      eb(
        'm.id',
        'in',
        eb
          .selectFrom('memberships')
          .select('memberships.member_id')
          .where('memberships.workspace_id', '=', workspaceId)
          .where('memberships.community_id', 'in', [...audience.communityIds])
          .where('memberships.status', '=', 'active'),
      ),
    );
  }
  if (audience.tags.length > 0) {
    branches.push(
      eb(
        'm.id',
        'in',
        eb
          .selectFrom('member_tags')
          .select('member_tags.member_id')
          .where('member_tags.workspace_id', '=', workspaceId)
          .where('member_tags.tag', 'in', [...audience.tags]),
      ),
    );
  }
  const conditions: Expression<SqlBool>[] = [
    eb('m.workspace_id', '=', workspaceId),
    eb('m.merged_into', 'is', null),
    eb('m.erased_at', 'is', null),
  ];
  if (branches.length > 0) conditions.push(eb.or(branches));
  if (audience.snapshotId != null) conditions.push(inSnapshot('m.id', workspaceId, audience.snapshotId));
  else if (audience.segment) conditions.push(segmentWhere(audience.segment)(eb));
  return eb.and(conditions);
}

/**
 * Why a member cannot be reached on the channel, or null when they can, checked in this order (countAudience counts
 * the same way): opted out, no recorded consent, no address, landline.
 */
function skipColumn(channel: Channel) {
  return channel === 'sms'
    ? sql<SkipReason | null>`case when m.sms_consent = 'revoked' then 'opted_out' when m.sms_consent <> 'granted' then 'no_consent' when m.phone is null then 'no_address' when m.phone_type = 'landline' then 'landline' else null end`.as(
        'skip',
      )
    : sql<SkipReason | null>`case when m.email_consent = 'revoked' then 'opted_out' when m.email_consent <> 'granted' then 'no_consent' when m.email is null then 'no_address' else null end`.as(
        'skip',
      );
}

/** The id of the `size`-th member of the workspace after `after` (live or not), or null when fewer are left. */
async function windowEnd(executor: Executor, workspaceId: number, after: number, size: number): Promise<number | null> {
  const row = await executor
    .selectFrom('members')
    .select('id')
    .where('workspace_id', '=', workspaceId)
    .where('id', '>', after)
    .orderBy('id')
    .limit(1)
    .offset(size - 1)
    .executeTakeFirst();
  return row ? Number(row.id) : null;
}

/**
 * Ids of the audience's members in (after, upTo], from the covering indexes of memberships and tags, and of the
 * segment's snapshot (or its rules) when it has one.
 */
async function idsInWindow(
  executor: Executor,
  workspaceId: number,
  audience: ResolvedAudience,
  after: number,
  upTo: number | null,
): Promise<Set<number>> {
  const inSegment = await segmentIdsInWindow(executor, workspaceId, audience, after, upTo);
  if (!hasGroups(audience)) return inSegment ?? new Set();
  const ids = new Set<number>();
  if (audience.communityIds.length > 0) {
    let q = executor
      .selectFrom('memberships')
      .select('member_id')
      .where('workspace_id', '=', workspaceId)
      .where('community_id', 'in', [...audience.communityIds])
      .where('status', '=', 'active')
      .where('member_id', '>', after);
    if (upTo !== null) q = q.where('member_id', '<=', upTo);
    for (const row of await q.execute()) ids.add(Number(row.member_id));
  }
  if (audience.tags.length > 0) {
    let q = executor
      .selectFrom('member_tags')
      .select('member_id')
      .where('workspace_id', '=', workspaceId)
      .where('tag', 'in', [...audience.tags])
      .where('member_id', '>', after);
    if (upTo !== null) q = q.where('member_id', '<=', upTo);
    for (const row of await q.execute()) ids.add(Number(row.member_id));
  }
  if (inSegment) for (const id of ids) if (!inSegment.has(id)) ids.delete(id);
  return ids;
}

/** The segment's members in (after, upTo], or null when the audience has no segment. */
async function segmentIdsInWindow(
  executor: Executor,
  workspaceId: number,
  audience: ResolvedAudience,
  after: number,
  upTo: number | null,
): Promise<Set<number> | null> {
  if (audience.snapshotId != null) {
    let q = executor
      .selectFrom('segment_snapshot_members')
      .select('member_id')
      .where('workspace_id', '=', workspaceId)
      .where('snapshot_id', '=', audience.snapshotId)
      .where('member_id', '>', after);
    if (upTo !== null) q = q.where('member_id', '<=', upTo);
    return new Set((await q.execute()).map((row) => Number(row.member_id)));
  }
  if (!audience.segment) return null;
  let q = selectSegment(executor, audience.segment).select('m.id').where('m.id', '>', after);
  if (upTo !== null) q = q.where('m.id', '<=', upTo);
  return new Set((await q.execute()).map((row) => Number(row.id)));
}

export type AudienceBatchOptions = {
  /** The channel the skip reason is for (default sms). */
  channel?: Channel;
  /** Read members' custom fields (only templates that use them need it). */
  customFields?: boolean;
  /**
   * Leave out the personal fields no template reads (first/last name, email, postal code): they come back null. A
   * million members read faster with fewer strings. The channel's address is always read.
   */
  only?: { names: boolean; email: boolean; postalCode: boolean };
};

/** Ids per `in (…)` list when a sparse audience is read by id. */
const ID_CHUNK = 2_000;

/**
 * The audience's members in the window of the next `size` members of the workspace after `after` (in id order),
 * and the window's last id (null when the workspace has no member after the window: the audience is exhausted).
 */
export async function audienceWindow(
  executor: Executor,
  workspaceId: number,
  audience: ResolvedAudience,
  after: number,
  size: number,
  options: AudienceBatchOptions = {},
): Promise<{ members: AudienceMember[]; upTo: number | null }> {
  if (!hasAny(audience)) return { members: [], upTo: null };
  const upTo = await windowEnd(executor, workspaceId, after, size);
  const ids = await idsInWindow(executor, workspaceId, audience, after, upTo);
  if (ids.size === 0) return { members: [], upTo };
  const only = options.only;
  const absent = sql<string | null>`null`;
  const select = () =>
    executor
      .selectFrom('members as m')
      .select([
        'm.id',
        'm.phone',
        only?.email === false ? absent.as('email') : 'm.email',
        only?.names === false ? absent.as('first_name') : 'm.first_name',
        only?.names === false ? absent.as('last_name') : 'm.last_name',
        only?.postalCode === false ? absent.as('postal_code') : 'm.postal_code',
        'm.language',
        'm.timezone',
        options.customFields ? 'm.custom_fields' : sql<string>`'{}'`.as('custom_fields'),
        skipColumn(options.channel ?? 'sms'),
      ])
      .where('m.workspace_id', '=', workspaceId)
      .where('m.merged_into', 'is', null)
      .where('m.erased_at', 'is', null);
  // Ids are numbers on both dialects (database.ts parses PostgreSQL's int8).
  if (ids.size * 3 < size) {
    // A sparse audience: only its members are read.
    const sorted = [...ids].sort((a, b) => a - b);
    const members: AudienceMember[] = [];
    for (let i = 0; i < sorted.length; i += ID_CHUNK) {
      const rows = (await select()
        .where('m.id', 'in', sorted.slice(i, i + ID_CHUNK))
        .orderBy('m.id')
        .execute()) as AudienceMember[];
      for (const row of rows) members.push(row);
    }
    return { members, upTo };
  }
  // A dense one: the whole window is read, those outside the audience are dropped here.
  let q = select().where('m.id', '>', after);
  if (upTo !== null) q = q.where('m.id', '<=', upTo);
  const rows = (await q.orderBy('m.id').execute()) as AudienceMember[];
  return { members: rows.filter((row) => ids.has(row.id)), upTo };
}

/**
 * The next members of the audience after `afterMemberId`, by id, at most `limit`; fewer than `limit` means the
 * audience is exhausted. The next batch starts after the last returned id.
 */
export async function audienceBatch(
  executor: Executor,
  workspaceId: number,
  audience: Audience | ResolvedAudience,
  afterMemberId: number,
  limit: number,
  options: AudienceBatchOptions = {},
): Promise<AudienceMember[]> {
  const resolved = await resolveAudience(executor, workspaceId, audience);
  const out: AudienceMember[] = [];
  let after = afterMemberId;
  while (out.length < limit) {
    const window = await audienceWindow(executor, workspaceId, resolved, after, limit, options);
    for (const member of window.members) out.push(member);
    if (window.upTo === null) break;
    after = window.upTo;
  }
  return out.length > limit ? out.slice(0, limit) : out;
}

export type AudienceBreakdown = {
  counts: AudienceCounts;
  /** Reachable members per member language (as stored on the member). */
  reachableByLanguage: Map<string, number>;
  /** Live members per member language. */
  totalByLanguage: Map<string, number>;
};

/** Distinct live members of the audience by reachability on the channel, and reachable ones per language. */
export async function countAudienceByLanguage(
  executor: Executor,
  workspaceId: number,
  audience: Audience | ResolvedAudience,
  channel: Channel,
): Promise<AudienceBreakdown> {
  const counts: AudienceCounts = { total: 0, reachable: 0, noConsent: 0, optedOut: 0, noAddress: 0, landline: 0 };
  const reachableByLanguage = new Map<string, number>();
  const totalByLanguage = new Map<string, number>();
  const resolved = await resolveAudience(executor, workspaceId, audience);
  if (!hasAny(resolved)) return { counts, reachableByLanguage, totalByLanguage };
  const consent = sql.ref(channel === 'sms' ? 'm.sms_consent' : 'm.email_consent');
  const address = sql.ref(channel === 'sms' ? 'm.phone' : 'm.email');
  // The same order as skipReason: opted out, no consent, no address, landline.
  const landline = channel === 'sms' ? sql`m.phone_type = 'landline'` : sql`1 = 0`;
  const rows = await executor
    .selectFrom('members as m')
    .select([
      'm.language',
      (eb) => eb.fn.countAll<number>().as('total'),
      sql<number>`sum(case when ${consent} = 'revoked' then 1 else 0 end)`.as('opted_out'),
      sql<number>`sum(case when ${consent} <> 'revoked' and ${consent} <> 'granted' then 1 else 0 end)`.as('no_consent'),
      sql<number>`sum(case when ${consent} = 'granted' and ${address} is null then 1 else 0 end)`.as('no_address'),
      sql<number>`sum(case when ${consent} = 'granted' and ${address} is not null and ${landline} then 1 else 0 end)`.as('landline'),
    ])
    .where((eb) => inAudience(eb, workspaceId, resolved))
    .groupBy('m.language')
    .execute();
  for (const row of rows) {
    const total = Number(row.total);
    const optedOut = Number(row.opted_out);
    const noConsent = Number(row.no_consent);
    const noAddress = Number(row.no_address);
    const landlines = Number(row.landline);
    const reachable = total - optedOut - noConsent - noAddress - landlines;
    counts.total += total;
    counts.optedOut += optedOut;
    counts.noConsent += noConsent;
    counts.noAddress += noAddress;
    counts.landline += landlines;
    counts.reachable += reachable;
    totalByLanguage.set(row.language, total);
    if (reachable > 0) reachableByLanguage.set(row.language, reachable);
  }
  return { counts, reachableByLanguage, totalByLanguage };
}

/** Distinct live members of the audience by reachability on the channel. */
export async function countAudience(
  executor: Executor,
  workspaceId: number,
  audience: Audience | ResolvedAudience,
  channel: Channel,
): Promise<AudienceCounts> {
  return (await countAudienceByLanguage(executor, workspaceId, audience, channel)).counts;
}

const reachableOn = (eb: MemberEb, channel: Channel) =>
  channel === 'sms'
    ? eb.and([eb('m.sms_consent', '=', 'granted'), eb('m.phone', 'is not', null), eb('m.phone_type', '<>', 'landline')])
    : eb.and([eb('m.email_consent', '=', 'granted'), eb('m.email', 'is not', null)]);

/** The first reachable member of the audience (by id) whose language is one of `languages`, for a sample render. */
export async function firstReachable(
  executor: Executor,
  workspaceId: number,
  audience: Audience | ResolvedAudience,
  channel: Channel,
  languages: readonly string[],
): Promise<AudienceMember | undefined> {
  if (languages.length === 0) return undefined;
  const resolved = await resolveAudience(executor, workspaceId, audience);
  if (!hasAny(resolved)) return undefined;
  const row = await executor
    .selectFrom('members as m')
    .select([
      'm.id',
      'm.phone',
      'm.email',
      'm.first_name',
      'm.last_name',
      'm.postal_code',
      'm.language',
      'm.timezone',
      'm.custom_fields',
      skipColumn(channel),
    ])
    .where((eb) => eb.and([inAudience(eb, workspaceId, resolved), reachableOn(eb, channel), eb('m.language', 'in', [...languages])]))
    .orderBy('m.id')
    .limit(1)
    .executeTakeFirst();
  return row as AudienceMember | undefined;
}

/** Reachable members of the audience who already received an outbound message from the workspace (tests aside). */
export async function countContacted(
  executor: Executor,
  workspaceId: number,
  audience: Audience | ResolvedAudience,
  channel: Channel,
): Promise<number> {
  const resolved = await resolveAudience(executor, workspaceId, audience);
  if (!hasAny(resolved)) return 0;
  const row = await executor
    .selectFrom('members as m')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where((eb) =>
      eb.and([
        inAudience(eb, workspaceId, resolved),
        reachableOn(eb, channel),
        eb.exists(
          eb
            .selectFrom('messages as x')
            .select(sql`1`.as('one'))
            .whereRef('x.member_id', '=', 'm.id')
            .where('x.workspace_id', '=', workspaceId)
            .where('x.direction', '=', 'out')
            .where('x.kind', '<>', 'test')
            .where('x.state', 'not in', ['cancelled', 'failed']),
        ),
      ]),
    )
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

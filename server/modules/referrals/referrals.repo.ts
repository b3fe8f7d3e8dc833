import { sql } from 'kysely';
import { recordActivities } from '../activities/activities.repo.ts';
import { newLinkCode } from '../links/link-rewrite.ts';
import type { Executor } from '../members/members.repo.ts';

// Referral attribution, one way for every kind of action. Each member has one share code (random, never sequential),
// carried as ?ref=<code> on every action link they pass on. When someone takes an action through such a link, the
// kind's taking-part transaction calls `attribute`: the referrer is credited once per action and member, the first
// time per (referrer, member) counts as a recruitment (a 'referred' activity for the referrer, members.referred_by when
// empty), and the roll-up counters per member and per community move in the same transaction.

export const SHARE_CODE = /^[A-Za-z0-9]{10}$/;
const TAG = /^[\w.-]{1,60}$/;

/**
 * The member's share code, created on first use (in the caller's transaction). `created`: the member was created in
 * this transaction, so there is no code to look for yet.
 */
export async function shareCodeOf(
  executor: Executor,
  workspaceId: number,
  memberId: number,
  now = Date.now(),
  created = false,
): Promise<string> {
  const existing = created
    ? undefined
    : await executor
        .selectFrom('share_codes')
        .select('code')
        .where('workspace_id', '=', workspaceId)
        .where('member_id', '=', memberId)
        .executeTakeFirst();
  if (existing) return existing.code;
  for (let attempt = 0; ; attempt++) {
    const code = newLinkCode();
    const inserted = await executor
      .insertInto('share_codes')
      .values({ workspace_id: workspaceId, member_id: memberId, code, created_at: now })
      .onConflict((oc) => oc.doNothing())
      .returning('code')
      .executeTakeFirst();
    if (inserted) return inserted.code;
    // Either another request gave this member a code a moment ago, or (rarely) the random code is taken.
    const taken = await executor
      .selectFrom('share_codes')
      .select('code')
      .where('workspace_id', '=', workspaceId)
      .where('member_id', '=', memberId)
      .executeTakeFirst();
    if (taken) return taken.code;
    if (attempt > 5) throw new Error('could not draw a free share code');
  }
}

/** The live member whose share code this is, in this workspace only (a merged member's code credits the survivor). */
export async function memberOfShareCode(executor: Executor, workspaceId: number, code: string): Promise<number | undefined> {
  if (!SHARE_CODE.test(code)) return undefined;
  const row = await executor
    .selectFrom('share_codes as c')
    .innerJoin('members as m', (join) => join.onRef('m.id', '=', 'c.member_id').onRef('m.workspace_id', '=', 'c.workspace_id'))
    .select(['m.id', 'm.merged_into', 'm.erased_at'])
    .where('c.workspace_id', '=', workspaceId)
    .where('c.code', '=', code)
    .executeTakeFirst();
  if (!row || row.erased_at !== null) return undefined;
  return row.merged_into ?? row.id;
}

type TallyScope = { scope: 'member' | 'community'; id: number };
type TallyBump = Partial<Record<'recruits' | 'conversions' | 'shares', number>>;

/** Adds to the roll-up counters of members and communities (rows created on first use). */
export async function bumpReferralTallies(
  executor: Executor,
  workspaceId: number,
  scopes: readonly TallyScope[],
  by: TallyBump,
  now: number,
): Promise<void> {
  const recruits = by.recruits ?? 0;
  const conversions = by.conversions ?? 0;
  const shares = by.shares ?? 0;
  for (const { scope, id } of scopes) {
    await executor
      .insertInto('referral_tallies')
      .values({ workspace_id: workspaceId, scope, scope_id: id, recruits, conversions, shares, updated_at: now })
      .onConflict((oc) =>
        oc.columns(['workspace_id', 'scope', 'scope_id']).doUpdateSet({
          recruits: sql`referral_tallies.recruits + ${recruits}`,
          conversions: sql`referral_tallies.conversions + ${conversions}`,
          shares: sql`referral_tallies.shares + ${shares}`,
          updated_at: now,
        }),
      )
      .execute();
  }
}

export type AttributeInput = {
  workspaceId: number;
  actionId: number;
  /** The member who just took the action. */
  memberId: number;
  /** The ?ref= value the page carried (anything else than a share code is ignored). */
  ref: string;
  source?: string | null;
  medium?: string | null;
  now: number;
};

export type Attribution = { referrerId: number; ref: string; firstForPair: boolean; credited: boolean };

/**
 * Credits the member whose share code `ref` is for `memberId` taking `actionId`, in the caller's transaction. Returns
 * null when the code is unknown, of another workspace, or the member's own. Idempotent per (action, member): calling
 * it again for the same pair changes nothing (`credited: false`).
 */
export async function attribute(executor: Executor, input: AttributeInput): Promise<Attribution | null> {
  const { workspaceId, actionId, memberId, now } = input;
  const ref = input.ref.trim();
  const referrerId = await memberOfShareCode(executor, workspaceId, ref);
  if (referrerId === undefined || referrerId === memberId) return null;
  const action = await executor
    .selectFrom('actions')
    .select(['id', 'community_id'])
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', actionId)
    .executeTakeFirst();
  if (!action) return null;
  const tag = (value: string | null | undefined) => (value && TAG.test(value.trim()) ? value.trim() : null);
  const source = tag(input.source);

  const inserted = await executor
    .insertInto('referrals')
    .values({
      workspace_id: workspaceId,
      action_id: actionId,
      member_id: memberId,
      referrer_id: referrerId,
      source,
      medium: tag(input.medium),
      created_at: now,
    })
    .onConflict((oc) => oc.columns(['action_id', 'member_id']).doNothing())
    .returning('id')
    .executeTakeFirst();
  if (!inserted) {
    const before = await executor
      .selectFrom('referrals')
      .select('referrer_id')
      .where('action_id', '=', actionId)
      .where('member_id', '=', memberId)
      .executeTakeFirstOrThrow();
    return { referrerId: before.referrer_id, ref, firstForPair: false, credited: false };
  }

  const earlier = await executor
    .selectFrom('referrals')
    .select('id')
    .where('workspace_id', '=', workspaceId)
    .where('referrer_id', '=', referrerId)
    .where('member_id', '=', memberId)
    .where('id', '!=', inserted.id)
    .executeTakeFirst();
  const firstForPair = earlier === undefined;

  await executor
    .updateTable('members')
    .set({ referred_by: referrerId })
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', memberId)
    .where('referred_by', 'is', null)
    .execute();

  const scopes: TallyScope[] = [{ scope: 'member', id: referrerId }];
  if (action.community_id !== null) scopes.push({ scope: 'community', id: action.community_id });
  await bumpReferralTallies(executor, workspaceId, scopes, { conversions: 1, recruits: firstForPair ? 1 : 0 }, now);
  if (firstForPair) {
    await recordActivities(
      executor,
      [
        {
          workspaceId,
          memberId: referrerId,
          type: 'referred',
          communityId: action.community_id,
          subjectType: 'action',
          subjectId: actionId,
          data: { memberId, actionId, ref, ...(source ? { source } : {}) },
          occurredAt: now,
        },
      ],
      now,
    );
  }

  // A sign-up through a link of a share action the referrer tapped: counted on that share action too.
  const shared = await executor
    .selectFrom('share_sharers')
    .select('action_id')
    .where('workspace_id', '=', workspaceId)
    .where('member_id', '=', referrerId)
    .where('target_action_id', '=', actionId)
    .orderBy('last_shared_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (shared) {
    await executor
      .updateTable('share_sharers')
      .set((eb) => ({ signups: eb('signups', '+', 1) }))
      .where('action_id', '=', shared.action_id)
      .where('member_id', '=', referrerId)
      .execute();
    await executor
      .insertInto('share_tallies')
      .values({ workspace_id: workspaceId, action_id: shared.action_id, network: source ?? 'other', shares: 0, signups: 1 })
      .onConflict((oc) => oc.columns(['action_id', 'network']).doUpdateSet({ signups: sql`share_tallies.signups + 1` }))
      .execute();
  }
  return { referrerId, ref, firstForPair, credited: true };
}

const TREE_LIMIT = 200;

/** A member's recruits and their recruits (two generations), first recruitment of each pair, oldest first. */
export async function recruitmentTree(executor: Executor, workspaceId: number, memberId: number) {
  const firstOf = (referrers: number[]) =>
    executor
      .selectFrom('referrals as r')
      .innerJoin('members as m', (join) => join.onRef('m.id', '=', 'r.member_id').onRef('m.workspace_id', '=', 'r.workspace_id'))
      .innerJoin('actions as a', (join) => join.onRef('a.id', '=', 'r.action_id').onRef('a.workspace_id', '=', 'r.workspace_id'))
      .select([
        'r.referrer_id',
        'r.member_id',
        'r.created_at',
        'r.source',
        'a.id as action_id',
        'a.title as action_title',
        'a.type as action_type',
        'm.first_name',
        'm.last_name',
      ])
      .where('r.workspace_id', '=', workspaceId)
      .where('r.referrer_id', 'in', referrers)
      .where('m.erased_at', 'is', null)
      .orderBy('r.id')
      .execute();
  const dedupe = (rows: Awaited<ReturnType<typeof firstOf>>) => {
    const seen = new Set<string>();
    return rows.filter((row) => {
      const key = `${row.referrer_id}:${row.member_id}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  };
  const direct = dedupe(await firstOf([memberId])).slice(0, TREE_LIMIT);
  const ids = direct.map((row) => row.member_id);
  const second = ids.length > 0 ? dedupe(await firstOf(ids)).filter((row) => row.member_id !== memberId) : [];
  const tallies = await tallyOf(executor, workspaceId, 'member', [memberId, ...ids]);
  return { direct, second, tallies };
}

/** The counters of members or communities, by id (missing ids: all zero). */
export async function tallyOf(executor: Executor, workspaceId: number, scope: 'member' | 'community', ids: readonly number[]) {
  const rows =
    ids.length === 0
      ? []
      : await executor
          .selectFrom('referral_tallies')
          .select(['scope_id', 'recruits', 'conversions', 'shares'])
          .where('workspace_id', '=', workspaceId)
          .where('scope', '=', scope)
          .where('scope_id', 'in', [...ids])
          .execute();
  const byId = new Map(rows.map((row) => [Number(row.scope_id), row]));
  return (id: number) => {
    const row = byId.get(id);
    return { recruits: row?.recruits ?? 0, conversions: row?.conversions ?? 0, shares: row?.shares ?? 0 };
  };
}

import { sql } from 'kysely';
import type { ActionRow } from '../actions/actions.repo.ts';
import { bumpTaken } from '../actions/actions.repo.ts';
import { recordActivities } from '../activities/activities.repo.ts';
import type { Executor } from '../members/members.repo.ts';
import { bumpReferralTallies } from '../referrals/referrals.repo.ts';
import type { ShareNetwork } from './share-links.ts';
import { postsSchema, type SharePosts } from './shares.schema.ts';

// SQL of share actions: their settings (JSON in actions.settings), the taps, and the counters the results read.

/** What a share action keeps in `actions.settings`. */
export type ShareSettings = { targetActionId: number | null; targetUrl: string; posts: SharePosts; mastodonInstance: string };

export const DEFAULT_SHARE_SETTINGS: ShareSettings = { targetActionId: null, targetUrl: '', posts: {}, mastodonInstance: '' };

export function shareSettingsOf(row: Pick<ActionRow, 'settings'>): ShareSettings {
  try {
    const value = JSON.parse(row.settings) as Partial<ShareSettings>;
    const posts = postsSchema.safeParse(value.posts ?? {});
    return {
      targetActionId: typeof value.targetActionId === 'number' ? value.targetActionId : null,
      targetUrl: typeof value.targetUrl === 'string' ? value.targetUrl : '',
      posts: posts.success ? posts.data : {},
      mastodonInstance: typeof value.mastodonInstance === 'string' ? value.mastodonInstance : '',
    };
  } catch {
    return { ...DEFAULT_SHARE_SETTINGS };
  }
}

/**
 * One tap on a share button, in the caller's transaction: a 'shared' activity, the counters of the share action (per
 * network and per member), the member's and the community's roll-ups; a member's first tap counts them as a sharer.
 */
export async function recordShareTap(
  executor: Executor,
  input: { action: ActionRow; targetActionId: number | null; memberId: number; network: ShareNetwork; now: number },
): Promise<void> {
  const { action, memberId, network, now } = input;
  const ws = action.workspace_id;
  const first = await executor
    .insertInto('share_sharers')
    .values({
      workspace_id: ws,
      action_id: action.id,
      member_id: memberId,
      target_action_id: input.targetActionId,
      shares: 1,
      signups: 0,
      last_shared_at: now,
    })
    .onConflict((oc) => oc.columns(['action_id', 'member_id']).doNothing())
    .returning('member_id')
    .executeTakeFirst();
  if (first) await bumpTaken(executor, ws, action.id, 1, now);
  else {
    await executor
      .updateTable('share_sharers')
      .set((eb) => ({ shares: eb('shares', '+', 1), last_shared_at: now, target_action_id: input.targetActionId }))
      .where('action_id', '=', action.id)
      .where('member_id', '=', memberId)
      .execute();
  }
  await executor
    .insertInto('share_tallies')
    .values({ workspace_id: ws, action_id: action.id, network, shares: 1, signups: 0 })
    .onConflict((oc) => oc.columns(['action_id', 'network']).doUpdateSet({ shares: sql`share_tallies.shares + 1` }))
    .execute();
  const scopes: { scope: 'member' | 'community'; id: number }[] = [{ scope: 'member', id: memberId }];
  if (action.community_id !== null) scopes.push({ scope: 'community', id: action.community_id });
  await bumpReferralTallies(executor, ws, scopes, { shares: 1 }, now);
  await recordActivities(
    executor,
    [
      {
        workspaceId: ws,
        memberId,
        type: 'shared',
        communityId: action.community_id,
        subjectType: 'action',
        subjectId: action.id,
        data: { network, ...(input.targetActionId !== null ? { targetActionId: input.targetActionId } : {}) },
        occurredAt: now,
      },
    ],
    now,
  );
  await executor.updateTable('members').set({ last_active_at: now }).where('workspace_id', '=', ws).where('id', '=', memberId).execute();
}

/** The counters of a share action: per network, and its top sharers. */
export async function shareCounters(executor: Executor, workspaceId: number, actionId: number) {
  const perNetwork = await executor
    .selectFrom('share_tallies')
    .select(['network', 'shares', 'signups'])
    .where('workspace_id', '=', workspaceId)
    .where('action_id', '=', actionId)
    .orderBy('shares', 'desc')
    .execute();
  const top = await executor
    .selectFrom('share_sharers as s')
    .innerJoin('members as m', (join) => join.onRef('m.id', '=', 's.member_id').onRef('m.workspace_id', '=', 's.workspace_id'))
    .select(['s.member_id', 's.shares', 's.signups', 'm.first_name', 'm.last_name'])
    .where('s.workspace_id', '=', workspaceId)
    .where('s.action_id', '=', actionId)
    .orderBy('s.signups', 'desc')
    .orderBy('s.shares', 'desc')
    .orderBy('s.member_id')
    .limit(10)
    .execute();
  return { perNetwork, top };
}

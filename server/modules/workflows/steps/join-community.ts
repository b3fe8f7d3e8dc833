import { findCommunity, joinCommunities } from '../../communities/communities.repo.ts';
import type { StepExecutor } from './types.ts';

// join_community: makes the member an active member of the community (a 'joined' activity when they were not); a
// community archived or deleted since the workflow was published is skipped with the reason recorded.

export const joinCommunity: StepExecutor<'join_community'> = {
  kind: 'join_community',
  async execute(step, ctx) {
    const community = await findCommunity(ctx.trx, ctx.run.workspaceId, step.communityId);
    if (!community || community.archived_at !== null) return { kind: 'next', exit: 'next', outcome: { skipped: 'community_gone' } };
    const result = await joinCommunities(ctx.trx, {
      workspaceId: ctx.run.workspaceId,
      memberIds: [ctx.run.memberId],
      communityIds: [step.communityId],
      role: 'member',
      source: 'workflow',
      at: ctx.now,
    });
    return { kind: 'next', exit: 'next', outcome: { joined: result.added > 0 } };
  },
};

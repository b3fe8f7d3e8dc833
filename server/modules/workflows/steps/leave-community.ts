import { leaveCommunity as leave } from '../../communities/communities.repo.ts';
import type { StepExecutor } from './types.ts';

// leave_community: ends the member's membership of the community (a 'left' activity when it was active).

export const leaveCommunity: StepExecutor<'leave_community'> = {
  kind: 'leave_community',
  async execute(step, ctx) {
    const ended = await leave(ctx.trx, {
      workspaceId: ctx.run.workspaceId,
      communityId: step.communityId,
      memberIds: [ctx.run.memberId],
      at: ctx.now,
      reason: 'workflow',
    });
    return { kind: 'next', exit: 'next', outcome: { left: ended.length > 0 } };
  },
};

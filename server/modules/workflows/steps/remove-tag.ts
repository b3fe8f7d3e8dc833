import { removeTags } from '../../members/members.repo.ts';
import type { StepExecutor } from './types.ts';

// remove_tag: takes a tag off the member (nothing happens when they do not have it).

export const removeTag: StepExecutor<'remove_tag'> = {
  kind: 'remove_tag',
  async execute(step, ctx) {
    await removeTags(ctx.trx, ctx.run.workspaceId, ctx.run.memberId, [step.tag]);
    return { kind: 'next', exit: 'next', outcome: {} };
  },
};

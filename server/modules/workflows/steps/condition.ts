import { memberMatches } from './shared.ts';
import type { StepExecutor } from './types.ts';

// condition: the member's tags, communities, activities or a segment rule tree, tested now: the "yes" exit or the "no" one.

export const condition: StepExecutor<'condition'> = {
  kind: 'condition',
  async execute(step, ctx) {
    const matched = await memberMatches(
      ctx.trx,
      { workspaceId: ctx.run.workspaceId, memberId: ctx.run.memberId, now: ctx.now },
      step.condition,
    );
    return { kind: 'next', exit: matched ? 'yes' : 'no', outcome: { matched } };
  },
};

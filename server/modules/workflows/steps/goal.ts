import { goalReached } from './shared.ts';
import type { StepExecutor } from './types.ts';

// goal: the run ends here as completed when the member reached the workflow's goal since enrolling; else it goes on.

export const goal: StepExecutor<'goal'> = {
  kind: 'goal',
  async execute(_step, ctx) {
    if (await goalReached(ctx)) return { kind: 'end', reason: 'goal_reached', outcome: { reached: true } };
    return { kind: 'next', exit: 'next', outcome: { reached: false } };
  },
};

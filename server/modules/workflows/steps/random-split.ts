import type { StepExecutor } from './types.ts';

// random_split: one of the branches at random, in proportion to their weights (A/B tests). The branch drawn is stored,
// so a retried tick takes the same one.

export const randomSplit: StepExecutor<'random_split'> = {
  kind: 'random_split',
  async execute(step, ctx) {
    const total = step.branches.reduce((n, b) => n + b.weight, 0);
    let draw = ctx.random() * total;
    let branch = step.branches.length - 1;
    for (const [i, b] of step.branches.entries()) {
      if (draw < b.weight) {
        branch = i;
        break;
      }
      draw -= b.weight;
    }
    return { kind: 'next', exit: `split:${branch}`, outcome: { branch } };
  },
};

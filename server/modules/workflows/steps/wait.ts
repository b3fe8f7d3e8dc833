import { zoneOf } from './shared.ts';
import type { StepExecutor } from './types.ts';

// wait: entering the step sets the run's timer (a duration, the next time the member's clock shows a time of day, or a
// date) and parks the run, even when that time has already come (a wait of 0 hands the run to the next batch); the tick
// wakes the run then, and the stored time says the wait is over. A wake-up before the time (a goal check) waits again
// for the same time.

export const wait: StepExecutor<'wait'> = {
  kind: 'wait',
  async execute(step, ctx) {
    const { now } = ctx;
    const stored = typeof ctx.stored?.until === 'number' ? ctx.stored.until : null;
    // Entering always parks the run, even for a time already past: the run is taken again by the next batch.
    if (stored === null) {
      const until = wakeTime(step.until, ctx);
      return { kind: 'wait', until, outcome: { until } };
    }
    if (now >= stored) return { kind: 'next', exit: 'next', outcome: { until: stored } };
    return { kind: 'wait', until: stored, outcome: { until: stored } };
  },
};

function wakeTime(until: Parameters<typeof wait.execute>[0]['until'], ctx: Parameters<typeof wait.execute>[1]): number {
  switch (until.kind) {
    case 'duration':
      return ctx.now + until.seconds * 1000;
    case 'until_date':
      return until.at;
    case 'time_of_day': {
      // Any window serves: localTime only reads the zone.
      const clock = ctx.cache.quietHours(ctx.workspace.quietHoursStart, ctx.workspace.quietHoursEnd);
      return clock.localTime(ctx.now, zoneOf(ctx), until.time);
    }
  }
}

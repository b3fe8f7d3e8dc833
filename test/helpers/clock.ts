import type { Clock } from '../../server/lib/clock.ts';

export type TestClock = Clock & { advance: (ms: number) => void; set: (ms: number) => void };

/** A clock that only moves when told to. */
export function createTestClock(start = Date.parse('2026-11-22T15:00:00Z')): TestClock {
  let now = start;
  return {
    now: () => now,
    advance: (ms) => {
      now += ms;
    },
    set: (ms) => {
      now = ms;
    },
  };
}

import type { Clock } from '../../../../src/clock.js';

/** A Clock whose time moves only when told to or when something sleeps. */
export interface FakeClock extends Clock {
  /** Every sleep requested, in ms, in order. */
  readonly sleeps: number[];
  advance(ms: number): void;
  set(epochMs: number): void;
}

/** Returns a fake clock starting at `startMs`; `random()` is fixed so backoff is deterministic. */
export function createFakeClock(
  startMs = Date.UTC(2026, 0, 15, 10, 0, 0),
  random = 0.5,
): FakeClock {
  let now = startMs;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => now,
    random: () => random,
    advance: (ms) => {
      now += ms;
    },
    set: (epochMs) => {
      now = epochMs;
    },
    sleep: async (ms, signal) => {
      if (signal?.aborted === true) throw signal.reason;
      sleeps.push(ms);
      now += ms;
      await Promise.resolve();
    },
  };
}

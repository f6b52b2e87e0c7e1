import type { Clock } from '../../../../src/clock.js';

/** A virtual clock: sleeps resolve in virtual time, as soon as the event loop is otherwise idle. */
export interface FakeClock extends Clock {
  /** Every sleep requested, in ms, in order. */
  readonly sleeps: number[];
  /** Sets what `random()` returns from now on. */
  setRandom(value: number): void;
}

interface Timer {
  wakeAt: number;
  resolve: () => void;
}

/**
 * Returns a clock whose time moves only when someone sleeps: pending sleeps wake in order of
 * their wake time, one macrotask apart, so a 5-minute retry storm runs in milliseconds.
 * A frozen clock never wakes a sleeper: only an abort ends the sleep.
 */
export function createFakeClock(
  startMs = Date.UTC(2026, 0, 1),
  options: { isFrozen?: boolean } = {},
): FakeClock {
  let nowMs = startMs;
  let randomValue = 0.5;
  let isScheduled = false;
  const timers: Timer[] = [];
  const sleeps: number[] = [];

  const advance = (): void => {
    isScheduled = false;
    timers.sort((a, b) => a.wakeAt - b.wakeAt);
    const next = timers.shift();
    if (!next) return;
    nowMs = Math.max(nowMs, next.wakeAt);
    next.resolve();
    schedule();
  };
  // setImmediate runs after pending I/O callbacks, so real sockets make progress between wakes.
  const schedule = (): void => {
    if (options.isFrozen || isScheduled || timers.length === 0) return;
    isScheduled = true;
    setImmediate(advance);
  };

  return {
    sleeps,
    now: () => nowMs,
    random: () => randomValue,
    setRandom: (value) => {
      randomValue = value;
    },
    sleep(ms, signal) {
      sleeps.push(ms);
      return new Promise<void>((resolve, reject) => {
        if (signal?.aborted) {
          reject(signal.reason as Error);
          return;
        }
        const timer: Timer = { wakeAt: nowMs + ms, resolve };
        const onAbort = (): void => {
          timers.splice(timers.indexOf(timer), 1);
          reject(signal?.reason as Error);
        };
        timer.resolve = () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        };
        signal?.addEventListener('abort', onAbort, { once: true });
        timers.push(timer);
        schedule();
      });
    },
  };
}

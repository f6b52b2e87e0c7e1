/**
 * A virtual clock shared by the pipe (its `Clock`) and the emulator (its `EmuClock`): time moves
 * only when someone sleeps, so a 5-minute retry storm or a 2-hour run passes in milliseconds
 * while requests still travel over real loopback sockets. Randomness (retry jitter) comes from a
 * seeded generator, so a chaos schedule replays from its seed.
 */
import type { Clock } from '../../src/clock.js';

/** A Clock (and emulator EmuClock) whose time moves only when someone sleeps. */
export interface VirtualClock extends Clock {
  /** Runs `callback` once virtual time reaches `atMs` (e.g. expiring tokens mid-wait). */
  at(atMs: number, callback: () => void): void;
  /** Every sleep requested, in ms, in order. */
  readonly sleeps: readonly number[];
}

interface Timer {
  wakeAt: number;
  seq: number;
  fire: () => void;
}

/** Returns a PRNG (mulberry32) yielding numbers in [0, 1) from a 32-bit seed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/**
 * Returns a clock starting at `startMs` whose pending sleeps wake in order of their wake time,
 * one `setImmediate` apart, so real socket I/O makes progress between wakes. A sequential flow
 * (one sleeper at a time) sees exactly the delays it asked for and no time passes during I/O.
 */
export function createVirtualClock(seed: number, startMs = Date.UTC(2026, 5, 1, 9)): VirtualClock {
  let nowMs = startMs;
  let seq = 0;
  let isScheduled = false;
  const timers: Timer[] = [];
  const sleeps: number[] = [];
  const random = seededRandom(seed);

  const wakeNext = (): void => {
    isScheduled = false;
    timers.sort((a, b) => a.wakeAt - b.wakeAt || a.seq - b.seq);
    const next = timers.shift();
    if (!next) return;
    nowMs = Math.max(nowMs, next.wakeAt);
    next.fire();
    schedule();
  };
  const schedule = (): void => {
    if (isScheduled || !timers.some((t) => !isPassive(t))) return;
    isScheduled = true;
    setImmediate(wakeNext);
  };
  // Events set with at() never drive time on their own: only a sleeper moves the clock.
  const passive = new WeakSet<Timer>();
  const isPassive = (timer: Timer): boolean => passive.has(timer);

  return {
    sleeps,
    now: () => nowMs,
    random,
    at(atMs, callback) {
      const timer: Timer = { wakeAt: atMs, seq: seq++, fire: callback };
      passive.add(timer);
      timers.push(timer);
    },
    sleep(ms, signal) {
      sleeps.push(ms);
      return new Promise<void>((resolve, reject) => {
        if (signal?.aborted) {
          reject(signal.reason as Error);
          return;
        }
        // Whole milliseconds, as Date.now() and setTimeout have: evidence records integer times.
        const wakeAt = nowMs + Math.max(0, Math.ceil(ms));
        const timer: Timer = { wakeAt, seq: seq++, fire: () => undefined };
        const onAbort = (): void => {
          const index = timers.indexOf(timer);
          if (index >= 0) timers.splice(index, 1);
          reject(signal?.reason as Error);
        };
        timer.fire = () => {
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

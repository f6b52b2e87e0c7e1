import type { Clock } from '../../../../src/clock.js';
import { createTransport } from '../../../../src/databricks/transport.js';
import type { HttpTransport } from '../../../../src/databricks/transport-types.js';
import { createLogger } from '../../../../src/log/logger.js';
import { CaptureStream } from '../../../support/capture.js';

/**
 * A clock whose time moves only when every actor is asleep: no request in flight (those sent
 * through {@link VirtualClock.transport}) and at least one sleeper. Sleepers then wake in order
 * of their wake time, one macrotask apart. An hour of polling by twenty parallel actions takes
 * milliseconds, and the emulator (sharing the clock) logs each request at the virtual moment it
 * was sent, so request rates can be read off its log exactly.
 */
export interface VirtualClock extends Clock {
  /** Every sleep requested, in ms, in order. */
  readonly sleeps: number[];
  /** Called at the start of every sleep, with the time it was asked at. */
  onSleep?: ((ms: number, now: number) => void) | undefined;
  /** A real transport whose requests hold the clock while in flight. */
  readonly transport: HttpTransport;
}

interface Timer {
  wakeAt: number;
  wake: () => void;
}

/** Returns a virtual clock starting at `startMs`. */
export function virtualClock(startMs = Date.UTC(2026, 0, 15, 9, 0, 0)): VirtualClock {
  let nowMs = startMs;
  let isScheduled = false;
  let inFlight = 0;
  const timers: Timer[] = [];
  const sleeps: number[] = [];
  const advance = (): void => {
    isScheduled = false;
    // A response still on its way may make someone act at the current time.
    if (inFlight > 0) return;
    timers.sort((a, b) => a.wakeAt - b.wakeAt);
    const next = timers.shift();
    if (!next) return;
    nowMs = Math.max(nowMs, next.wakeAt);
    next.wake();
    schedule();
  };
  const schedule = (): void => {
    if (isScheduled || timers.length === 0 || inFlight > 0) return;
    isScheduled = true;
    setImmediate(advance);
  };
  let real: HttpTransport | undefined;
  const clock: VirtualClock = {
    sleeps,
    now: () => nowMs,
    random: () => 0.5,
    transport: {
      send: async (req) => {
        real ??= createTransport({
          network: {},
          logger: createLogger({ stream: new CaptureStream() }),
        });
        inFlight += 1;
        try {
          return await real.send(req);
        } finally {
          inFlight -= 1;
          schedule();
        }
      },
    },
    sleep(ms, signal) {
      sleeps.push(ms);
      clock.onSleep?.(ms, nowMs);
      return new Promise<void>((resolve, reject) => {
        if (signal?.aborted) {
          reject(signal.reason as Error);
          return;
        }
        const onAbort = (): void => {
          timers.splice(timers.indexOf(timer), 1);
          reject(signal?.reason as Error);
        };
        const timer: Timer = {
          wakeAt: nowMs + ms,
          wake: () => {
            signal?.removeEventListener('abort', onAbort);
            resolve();
          },
        };
        signal?.addEventListener('abort', onAbort, { once: true });
        timers.push(timer);
        schedule();
      });
    },
  };
  return clock;
}

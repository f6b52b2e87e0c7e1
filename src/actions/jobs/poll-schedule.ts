/**
 * When to look at a run again. A pure function of the time waited and, when the workspace knows
 * it, how long the job's recent successful runs took:
 *
 * - No prediction: look after 1 s, then wait 1 s plus 15 % of the time waited so far, capped at
 *   15 s. A 10 s run is noticed within 2.5 s, a 1-minute one within 10 s, and a long one costs
 *   one request per 15 s.
 * - With a prediction: while the predicted end is far, wait quietly: the gap doubles from 1 s up
 *   to 25 % of the typical duration (15 s–2 min), so a failure is still noticed within that
 *   share of the run; near the predicted end (the window spanned by the recent durations, padded)
 *   look every 1 % of the typical duration (2–6 s), less often toward the window's edges (at
 *   most 6 s); past the window, back off as without a prediction. A 2-hour run then costs about
 *   a sixth of the requests of a fixed 10 s poll.
 *
 * The figures for 10 s, 1 min, 10 min and 2 h runs are computed in
 * test/unit/actions/jobs/poll-schedule.test.ts.
 */

/** How long a job's recent successful runs took (queue time excluded), in ms. */
export interface DurationPrediction {
  /** The median. */
  expectedMs: number;
  earliestMs: number;
  latestMs: number;
  /** How many runs it is based on. */
  samples: number;
}

export const MIN_POLL_MS = 1_000;
/** The shortest gap near the predicted end (short runs). */
export const CLOSE_POLL_MS = 2_000;
/** The longest gap near the predicted end: a long run is still noticed within seconds. */
export const CLOSE_POLL_MAX_MS = 6_000;
// Near the predicted end a run of duration d is looked at every CLOSE_SHARE × d (within bounds):
// a 10-minute run every 6 s, not every 2 s, at no cost to how soon its end is noticed on average.
const CLOSE_SHARE = 0.01;
/** The longest gap without a prediction, or once a run outlives its prediction. */
export const BACKOFF_CAP_MS = 15_000;
/** The longest quiet gap while the predicted end is far. */
export const QUIET_CAP_MAX_MS = 120_000;

// Without a prediction (or past it) the gap is 1 s plus this share of the time waited.
const BACKOFF_RATIO = 0.15;
// Before the predicted window the gap may grow to the time waited so far (doubling).
const QUIET_RATIO = 1;
// ...and to this share of the typical duration.
const QUIET_SHARE_OF_EXPECTED = 0.25;
// Inside the window the gap grows with the distance from the typical end.
const WINDOW_RATIO = 0.1;
const WINDOW_PAD_SHARE = 0.005;
const WINDOW_PAD_MIN_MS = 2_000;

/** Returns how long to wait before the next look, given the time waited so far (ms). */
export function nextPollDelayMs(elapsedMs: number, prediction?: DurationPrediction): number {
  if (!prediction) return backoff(elapsedMs);
  const pad = Math.max(WINDOW_PAD_MIN_MS, WINDOW_PAD_SHARE * prediction.expectedMs);
  const windowStart = prediction.earliestMs - pad;
  const windowEnd = prediction.latestMs + pad;
  if (elapsedMs < windowStart) {
    const quietCap = clamp(
      QUIET_SHARE_OF_EXPECTED * prediction.expectedMs,
      BACKOFF_CAP_MS,
      QUIET_CAP_MAX_MS,
    );
    // Never sleep past the window's start: that is where the run most likely ends.
    return Math.max(
      MIN_POLL_MS,
      Math.min(QUIET_RATIO * elapsedMs, quietCap, windowStart - elapsedMs),
    );
  }
  if (elapsedMs <= windowEnd) {
    const distance = Math.abs(elapsedMs - prediction.expectedMs);
    const close = clamp(CLOSE_SHARE * prediction.expectedMs, CLOSE_POLL_MS, CLOSE_POLL_MAX_MS);
    return clamp(WINDOW_RATIO * distance, close, CLOSE_POLL_MAX_MS);
  }
  return Math.max(CLOSE_POLL_MS, backoff(elapsedMs - windowEnd));
}

function backoff(elapsedMs: number): number {
  return clamp(MIN_POLL_MS + BACKOFF_RATIO * elapsedMs, MIN_POLL_MS, BACKOFF_CAP_MS);
}

function clamp(value: number, low: number, high: number): number {
  return Math.min(high, Math.max(low, value));
}

/** The part of a past run the prediction needs. */
export interface PastRun {
  result_state?: string | undefined;
  start_time?: number | undefined;
  end_time?: number | undefined;
  run_duration?: number | undefined;
  queue_duration?: number | undefined;
}

/** Returns the prediction from a job's recent runs (successful ones only), or undefined. */
export function predictDuration(runs: readonly PastRun[]): DurationPrediction | undefined {
  const durations = runs
    .filter((run) => run.result_state === 'SUCCESS')
    .map(durationOf)
    .filter((ms): ms is number => ms !== undefined && ms > 0)
    .sort((a, b) => a - b);
  if (durations.length === 0) return undefined;
  const middle = Math.floor(durations.length / 2);
  const expectedMs =
    durations.length % 2 === 1
      ? (durations[middle] ?? 0)
      : ((durations[middle - 1] ?? 0) + (durations[middle] ?? 0)) / 2;
  return {
    expectedMs,
    earliestMs: durations[0] ?? expectedMs,
    latestMs: durations[durations.length - 1] ?? expectedMs,
    samples: durations.length,
  };
}

// Queue time depends on other runs, not on the job: the wait loop restarts its clock when
// the run leaves the queue, so the prediction leaves it out too.
function durationOf(run: PastRun): number | undefined {
  const total =
    run.run_duration !== undefined && run.run_duration > 0
      ? run.run_duration
      : run.start_time !== undefined && run.end_time !== undefined && run.end_time > 0
        ? run.end_time - run.start_time
        : undefined;
  return total === undefined ? undefined : total - (run.queue_duration ?? 0);
}

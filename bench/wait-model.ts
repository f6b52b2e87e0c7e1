/**
 * Pure models of two waiting clients, for durations too long to wait out in real time and as
 * a cross-check of the measured figures:
 *
 * - the official Databricks Python SDK: `Wait.result()` → `wait_get_run_job_terminated_or_skipped`
 *   (databricks/sdk/service/jobs.py): look at once, then `time.sleep(min(attempt, 10) +
 *   random.random())` seconds between looks, attempt counting from 1;
 * - the pipe's schedule: `nextPollDelayMs(elapsed, prediction)` from
 *   src/actions/jobs/poll-schedule.ts, looking once at the trigger.
 */
import { nextPollDelayMs, type DurationPrediction } from '../src/actions/jobs/poll-schedule.js';
import { median } from './stats.js';

/** What one simulated wait costs and how late it noticed the end. */
export interface PollTrace {
  /** runs/get calls from the trigger up to and including the one that saw the end. */
  polls: number;
  /** From the run's end to the look that saw it. */
  noticeDelayMs: number;
}

/** Returns the delay before look `attempt + 1` given the look count so far and time waited. */
export type DelayFn = (attempt: number, elapsedMs: number) => number;

/**
 * Returns the trace of a client that looks at `t = 0` and then after each `delay`, each look
 * taking `latencyMs` (a request's round trip), until a look at or after `runEndMs`.
 */
export function simulatePolling(runEndMs: number, delay: DelayFn, latencyMs = 0): PollTrace {
  let t = latencyMs;
  let attempt = 1;
  // A client that never reached the end would loop forever; a wait this long is a bug.
  const maxLooks = 1_000_000;
  while (t < runEndMs && attempt < maxLooks) {
    t += delay(attempt, t) + latencyMs;
    attempt += 1;
  }
  return { polls: attempt, noticeDelayMs: t - runEndMs };
}

/** Returns the SDK's delay after look `attempt` (ms) for a uniform `random` in [0, 1). */
export function sdkDelayMs(attempt: number, random: number): number {
  return (Math.min(attempt, 10) + random) * 1000;
}

/** Returns the pipe schedule's delay (ms) after a look at `elapsedMs`. */
export function pipeDelayFn(prediction?: DurationPrediction): DelayFn {
  return (_attempt, elapsedMs) => nextPollDelayMs(elapsedMs, prediction);
}

/** Returns a seeded PRNG in [0, 1) (mulberry32), so modelled figures are reproducible. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Medians of many simulated waits. */
export interface ModelSummary {
  medianPolls: number;
  medianNoticeDelayMs: number;
  samples: number;
}

/** Returns the SDK's median polls and notice delay over `samples` jittered waits. */
export function modelSdk(runEndMs: number, samples = 1000, seed = 9, latencyMs = 0): ModelSummary {
  const random = seededRandom(seed);
  const traces = Array.from({ length: samples }, () =>
    simulatePolling(runEndMs, (attempt) => sdkDelayMs(attempt, random()), latencyMs),
  );
  return summarizeTraces(traces);
}

/** Returns the pipe schedule's polls and notice delay (deterministic: one sample). */
export function modelPipe(
  runEndMs: number,
  prediction?: DurationPrediction,
  latencyMs = 0,
): ModelSummary {
  return summarizeTraces([simulatePolling(runEndMs, pipeDelayFn(prediction), latencyMs)]);
}

function summarizeTraces(traces: readonly PollTrace[]): ModelSummary {
  return {
    medianPolls: median(traces.map((t) => t.polls)),
    medianNoticeDelayMs: median(traces.map((t) => t.noticeDelayMs)),
    samples: traces.length,
  };
}

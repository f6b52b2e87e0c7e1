import {
  nextPollDelayMs,
  type DurationPrediction,
} from '../../../../../src/actions/jobs/poll-schedule.js';

/** What waiting on one run costs: runs/get requests, and how late the end was noticed. */
export interface WaitCost {
  requests: number;
  noticeDelayMs: number;
}

/** A poll schedule: the delay before the next look, given the time waited and the looks so far. */
export type Schedule = (elapsedMs: number, looks: number) => number;

/** The pipe's schedule with (or without) a prediction. */
export function pipeSchedule(prediction?: DurationPrediction): Schedule {
  return (elapsedMs) => nextPollDelayMs(elapsedMs, prediction);
}

/**
 * The official SDKs' wait (reference §3.4): min(attempt, 10) s plus jitter; the Python SDK's
 * jitter is random() s, modelled as its mean, 0.5 s.
 */
export const sdkSchedule: Schedule = (_elapsedMs, looks) => Math.min(looks, 10) * 1000 + 500;

/** Returns the cost of waiting on a run that ends `endMs` after the first look (at 0). */
export function simulateWait(endMs: number, schedule: Schedule): WaitCost {
  let t = 0;
  for (let looks = 1; ; looks++) {
    if (t >= endMs) return { requests: looks, noticeDelayMs: t - endMs };
    t += schedule(t, looks);
  }
}

/** Median and worst notice delay (ms) over run ends spread evenly across `[low, high]`. */
export function delaySpread(
  low: number,
  high: number,
  schedule: Schedule,
): { medianMs: number; worstMs: number; medianRequests: number } {
  const samples = Array.from({ length: 201 }, (_, i) => low + ((high - low) * i) / 200).map((end) =>
    simulateWait(end, schedule),
  );
  const delays = samples.map((s) => s.noticeDelayMs).sort((a, b) => a - b);
  const requests = samples.map((s) => s.requests).sort((a, b) => a - b);
  return {
    medianMs: delays[100] ?? 0,
    worstMs: delays[200] ?? 0,
    medianRequests: requests[100] ?? 0,
  };
}

import {
  BACKOFF_CAP_MS,
  MIN_POLL_MS,
  QUIET_CAP_MAX_MS,
  nextPollDelayMs,
  predictDuration,
  type DurationPrediction,
} from '../../../../src/actions/jobs/poll-schedule.js';
import { delaySpread, pipeSchedule, sdkSchedule, simulateWait } from './support/poll-simulation.js';

const S = 1000;
const MIN = 60 * S;
const HOUR = 60 * MIN;

function exact(ms: number): DurationPrediction {
  return { expectedMs: ms, earliestMs: ms, latestMs: ms, samples: 5 };
}

describe('nextPollDelayMs', () => {
  const tenMinutes = exact(10 * MIN);
  // Five-minute runs (4 to 6 min): looked at every 3 s (1 %) at the typical end, more
  // rarely toward the edges, at most every 6 s.
  const spread: DurationPrediction = {
    expectedMs: 5 * MIN,
    earliestMs: 4 * MIN,
    latestMs: 6 * MIN,
    samples: 5,
  };
  it.each([
    { name: 'no prediction: first look after 1 s', elapsed: 0, prediction: undefined, want: 1 * S },
    {
      name: 'no prediction: 1 s + 15 % of the time waited',
      elapsed: 40 * S,
      prediction: undefined,
      want: 7 * S,
    },
    { name: 'no prediction: capped at 15 s', elapsed: HOUR, prediction: undefined, want: 15 * S },
    { name: 'predicted: starts at 1 s', elapsed: 0, prediction: tenMinutes, want: 1 * S },
    { name: 'predicted: doubles early on', elapsed: 4 * S, prediction: tenMinutes, want: 4 * S },
    {
      name: 'predicted: quiet, 25 % of 10 min (capped at 2 min)',
      elapsed: 200 * S,
      prediction: tenMinutes,
      want: 120 * S,
    },
    {
      name: 'predicted: quiet gap capped at 2 min',
      elapsed: 20 * MIN,
      prediction: exact(2 * HOUR),
      want: 120 * S,
    },
    {
      name: 'predicted: never sleeps past the window',
      elapsed: 560 * S,
      prediction: tenMinutes,
      want: 37 * S,
    },
    {
      name: 'predicted: close look in the window, 1 % of the typical duration',
      elapsed: 598 * S,
      prediction: tenMinutes,
      want: 6 * S,
    },
    {
      name: 'predicted: just past the window',
      elapsed: 605 * S,
      prediction: tenMinutes,
      want: 2 * S,
    },
    { name: 'predicted: overrun backs off', elapsed: 643 * S, prediction: tenMinutes, want: 7 * S },
    {
      name: 'predicted: long overrun backs off to 15 s',
      elapsed: 700 * S,
      prediction: tenMinutes,
      want: 15 * S,
    },
    {
      name: 'spread: sparser toward the window edge',
      elapsed: 340 * S,
      prediction: spread,
      want: 4 * S,
    },
    {
      name: 'spread: at most 6 s at the edge',
      elapsed: 361 * S,
      prediction: spread,
      want: 6 * S,
    },
    {
      name: 'spread: closest at the typical end',
      elapsed: 300 * S,
      prediction: spread,
      want: 3 * S,
    },
  ])('$name', ({ elapsed, prediction, want }) => {
    expect(nextPollDelayMs(elapsed, prediction)).toBe(want);
  });

  it.each([
    { name: 'no prediction', prediction: undefined },
    { name: '10 s', prediction: exact(10 * S) },
    { name: '10 min', prediction: exact(10 * MIN) },
    {
      name: '2 h spread ±10 %',
      prediction: { ...exact(2 * HOUR), earliestMs: 1.8 * HOUR, latestMs: 2.2 * HOUR },
    },
  ])(
    'stays within [1 s, 2 min] and never jumps past the window start ($name)',
    ({ prediction }) => {
      const windowStart = prediction
        ? prediction.earliestMs - Math.max(2 * S, prediction.expectedMs * 0.005)
        : 0;
      const cap = prediction ? QUIET_CAP_MAX_MS : BACKOFF_CAP_MS;
      const wrong: string[] = [];
      for (let elapsed = 0; elapsed < 3 * HOUR; elapsed += 997) {
        const delay = nextPollDelayMs(elapsed, prediction);
        const isPastWindow = elapsed < windowStart - MIN_POLL_MS && elapsed + delay > windowStart;
        if (delay < MIN_POLL_MS || delay > cap || isPastWindow) wrong.push(`${elapsed} → ${delay}`);
      }
      expect(wrong).toEqual([]);
    },
  );
});

describe('predictDuration', () => {
  it.each([
    { name: 'no history', runs: [], want: undefined },
    {
      name: 'only failures',
      runs: [{ result_state: 'FAILED', run_duration: 5 * S }],
      want: undefined,
    },
    {
      name: 'odd count: median, min, max of successes',
      runs: [
        { result_state: 'SUCCESS', run_duration: 100 * S },
        { result_state: 'SUCCESS', run_duration: 300 * S },
        { result_state: 'FAILED', run_duration: 1 * S },
        { result_state: 'SUCCESS', run_duration: 200 * S },
      ],
      want: { expectedMs: 200 * S, earliestMs: 100 * S, latestMs: 300 * S, samples: 3 },
    },
    {
      name: 'even count: mean of the middle two',
      runs: [
        { result_state: 'SUCCESS', run_duration: 100 * S },
        { result_state: 'SUCCESS', run_duration: 200 * S },
      ],
      want: { expectedMs: 150 * S, earliestMs: 100 * S, latestMs: 200 * S, samples: 2 },
    },
    {
      name: 'end − start when run_duration is absent, queue time left out',
      runs: [
        { result_state: 'SUCCESS', start_time: 1_000, end_time: 11_000, queue_duration: 2_000 },
      ],
      want: { expectedMs: 8_000, earliestMs: 8_000, latestMs: 8_000, samples: 1 },
    },
    {
      name: 'a run without an end is ignored',
      runs: [{ result_state: 'SUCCESS', start_time: 1_000, end_time: 0 }],
      want: undefined,
    },
  ])('$name', ({ runs, want }) => {
    expect(predictDuration(runs)).toEqual(want);
  });
});

// The figures of the README's polling table: requests while waiting (runs/get; with a
// prediction +1 for the runs/list that makes it) and how late the end is noticed, for runs
// ending anywhere within ±5 % of the nominal duration.
describe('what waiting costs, against the official SDKs (min(attempt, 10) s + jitter)', () => {
  const durations = [
    { name: '10 s', ms: 10 * S },
    { name: '1 min', ms: MIN },
    { name: '10 min', ms: 10 * MIN },
    { name: '2 h', ms: 2 * HOUR },
  ];
  const rows = durations.map(({ name, ms }) => {
    const low = ms * 0.95;
    const high = ms * 1.05;
    const steady: DurationPrediction = {
      expectedMs: ms,
      earliestMs: low,
      latestMs: high,
      samples: 5,
    };
    return {
      name,
      ms,
      sdk: delaySpread(low, high, sdkSchedule),
      none: delaySpread(low, high, pipeSchedule()),
      steady: delaySpread(low, high, pipeSchedule(steady)),
      exact: simulateWait(ms, pipeSchedule(exact(ms))),
    };
  });

  if (process.env['PRINT_POLL_TABLE']) {
    const s = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
    const lines = [
      '| run | SDK: requests, median / worst notice | pipe, no history | pipe, recent runs ±5 % | pipe, recent runs equal |',
      '|---|---|---|---|---|',
      ...rows.map(
        (r) =>
          `| ${r.name} | ${r.sdk.medianRequests}, ${s(r.sdk.medianMs)} / ${s(r.sdk.worstMs)} ` +
          `| ${r.none.medianRequests}, ${s(r.none.medianMs)} / ${s(r.none.worstMs)} ` +
          `| ${r.steady.medianRequests + 1}, ${s(r.steady.medianMs)} / ${s(r.steady.worstMs)} ` +
          `| ${r.exact.requests + 1}, ${s(r.exact.noticeDelayMs)} |`,
      ),
    ];
    console.log(lines.join('\n'));
  }

  it.each(rows)('$name: without history, noticed within 1 s + 15 % of the run (≤ 15 s)', (row) => {
    expect(row.none.worstMs).toBeLessThanOrEqual(
      Math.min(BACKOFF_CAP_MS, S + row.ms * 1.05 * 0.15),
    );
  });

  it.each(rows.filter((r) => r.ms >= 10 * MIN))(
    '$name: with equal recent runs, ≥ 3× fewer requests and a faster notice than the SDK',
    (row) => {
      expect((row.exact.requests + 1) * 3).toBeLessThanOrEqual(row.sdk.medianRequests);
      expect(row.exact.noticeDelayMs).toBeLessThanOrEqual(row.sdk.medianMs);
    },
  );

  it.each(rows.filter((r) => r.ms >= 10 * MIN))(
    '$name: with recent runs varying ±5 %, ≥ 3× fewer requests, median notice no worse',
    (row) => {
      expect((row.steady.medianRequests + 1) * 3).toBeLessThanOrEqual(row.sdk.medianRequests);
      expect(row.steady.medianMs).toBeLessThanOrEqual(row.sdk.medianMs);
    },
  );

  it('a 10 s run is noticed within a couple of seconds, with or without history', () => {
    const [tenSeconds] = rows;
    expect(tenSeconds?.none.worstMs).toBeLessThanOrEqual(2.5 * S);
    expect(tenSeconds?.steady.worstMs).toBeLessThanOrEqual(2 * S);
  });
});

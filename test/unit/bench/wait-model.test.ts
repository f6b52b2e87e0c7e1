import { predictDuration } from '../../../src/actions/jobs/poll-schedule.js';
import {
  modelPipe,
  modelSdk,
  sdkDelayMs,
  seededRandom,
  simulatePolling,
} from '../../../bench/wait-model.js';

describe('sdkDelayMs (databricks-sdk: min(attempt, 10) s + random() s)', () => {
  it.each([
    { name: 'first gap', attempt: 1, random: 0, expected: 1000 },
    { name: 'grows by a second per attempt', attempt: 4, random: 0.5, expected: 4500 },
    { name: 'capped at 10 s plus jitter', attempt: 25, random: 0.999, expected: 10_999 },
  ])('$name', ({ attempt, random, expected }) => {
    expect(sdkDelayMs(attempt, random)).toBeCloseTo(expected, 6);
  });
});

describe('simulatePolling', () => {
  it.each([
    {
      name: 'a run already over is seen by the first look',
      endMs: 0,
      gap: 1000,
      polls: 1,
      delay: 0,
    },
    { name: 'constant gaps', endMs: 2500, gap: 1000, polls: 4, delay: 500 },
    { name: 'an end exactly on a look', endMs: 3000, gap: 1000, polls: 4, delay: 0 },
  ])('$name', ({ endMs, gap, polls, delay }) => {
    expect(simulatePolling(endMs, () => gap)).toEqual({ polls, noticeDelayMs: delay });
  });

  it('adds the round trip to every look', () => {
    expect(simulatePolling(2500, () => 1000, 10)).toEqual({ polls: 4, noticeDelayMs: 540 });
  });

  it('follows the SDK schedule without jitter: looks at 0, 1, 3, 6, 10, 15 s', () => {
    expect(simulatePolling(12_000, (attempt) => sdkDelayMs(attempt, 0))).toEqual({
      polls: 6,
      noticeDelayMs: 3000,
    });
  });
});

describe('seeded models', () => {
  it('gives the same SDK figures for the same seed', () => {
    expect(modelSdk(600_000, 200, 5)).toEqual(modelSdk(600_000, 200, 5));
  });

  it('draws uniformly in [0, 1)', () => {
    const random = seededRandom(1);
    const draws = Array.from({ length: 1000 }, random);
    expect(Math.min(...draws)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...draws)).toBeLessThan(1);
  });

  it('the SDK spends about one request per 10.5 s on a 2-hour run', () => {
    const { medianPolls } = modelSdk(7_200_000, 200);
    expect(medianPolls).toBeGreaterThan(680);
    expect(medianPolls).toBeLessThan(700);
  });

  it('the pipe with a prediction looks fewer times than without', () => {
    const history = [0.94, 1, 1.06].map((s) => ({
      result_state: 'SUCCESS',
      run_duration: s * 600_000,
    }));
    const withPrediction = modelPipe(600_000, predictDuration(history));
    const without = modelPipe(600_000);
    expect(withPrediction.medianPolls).toBeLessThan(without.medianPolls);
  });
});

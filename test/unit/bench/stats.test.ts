import { maxInWindow, median, pairedRatio, percentile, ratio, round, summarize } from '../../../bench/stats.js';
import { pairedDifferences, roundOrder } from '../../../bench/spawn-timer.js';

describe('median and percentile', () => {
  it.each([
    { name: 'odd count', values: [5, 1, 3], p: 50, expected: 3 },
    { name: 'even count averages the middle two', values: [4, 1, 3, 2], p: 50, expected: 2.5 },
    { name: 'single value', values: [7], p: 90, expected: 7 },
    {
      name: '10th percentile interpolates',
      values: [0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100],
      p: 10,
      expected: 10,
    },
    { name: '90th percentile between ranks', values: [1, 2, 3, 4], p: 90, expected: 3.7 },
    { name: 'p above 100 clamps to the maximum', values: [1, 9], p: 120, expected: 9 },
  ])('$name', ({ values, p, expected }) => {
    expect(percentile(values, p)).toBeCloseTo(expected, 10);
    if (p === 50) expect(median(values)).toBeCloseTo(expected, 10);
  });

  it('returns NaN for no values and does not reorder the input', () => {
    const values = [3, 1, 2];
    expect(median([])).toBeNaN();
    expect(median(values)).toBe(2);
    expect(values).toEqual([3, 1, 2]);
  });

  it('summarizes a series', () => {
    expect(summarize([4, 1, 3, 2, 5])).toEqual({
      count: 5,
      median: 3,
      p10: 1.4,
      p90: 4.6,
      min: 1,
      max: 5,
    });
  });
});

describe('ratio and round', () => {
  it.each([
    { name: 'plain ratio', a: 6, b: 4, expected: 1.5 },
    { name: 'zero denominator', a: 6, b: 0, expected: Number.NaN },
    { name: 'NaN denominator', a: 6, b: Number.NaN, expected: Number.NaN },
  ])('$name', ({ a, b, expected }) => {
    expect(ratio(a, b)).toEqual(expected);
  });

  it('rounds finite numbers and leaves NaN alone', () => {
    expect(round(1.23456, 2)).toBe(1.23);
    expect(round(Number.NaN)).toBeNaN();
  });
});

describe('pairedRatio', () => {
  it('takes the median of the per-round ratios, so a slow stretch cancels out', () => {
    // Rounds 3 and 4 ran on a machine twice as slow: both variants doubled.
    const bare = [30, 30, 60, 60, 30];
    const pipe = [36, 36, 72, 72, 36];
    expect(pairedRatio(pipe, bare)).toBeCloseTo(1.2, 10);
    // Three slow rounds for the pipe, two for bare Node: the medians land on different
    // sides of the slow stretch (72 / 30 = 2.4), the per-round ratios do not.
    const unevenPipe = [36, 36, 72, 72, 72];
    const unevenBare = [30, 30, 30, 60, 60];
    expect(ratio(median(unevenPipe), median(unevenBare))).toBeCloseTo(2.4, 10);
    expect(pairedRatio(unevenPipe, unevenBare)).toBeCloseTo(1.2, 10);
  });

  it('ignores rounds without a positive denominator and pairs only the common rounds', () => {
    expect(pairedRatio([10, 20, 99], [5, 0])).toBe(2);
    expect(pairedRatio([], [])).toBeNaN();
  });
});

describe('maxInWindow', () => {
  it.each([
    { name: 'no requests', times: [], expected: 0 },
    {
      name: 'evenly at 15/s',
      times: Array.from({ length: 60 }, (_, i) => Math.round((i * 1000) / 15)),
      expected: 15,
    },
    { name: 'a burst inside one second', times: [0, 10, 20, 990, 2000], expected: 4 },
    { name: 'the window is half-open', times: [0, 1000, 2000], expected: 1 },
    { name: 'unsorted input', times: [900, 100, 950, 5000, 500], expected: 4 },
    {
      name: 'the busiest window starts mid-log',
      times: [0, 1500, 1600, 1700, 2400, 2600],
      expected: 4,
    },
  ])('$name', ({ times, expected }) => {
    expect(maxInWindow(times, 1000)).toBe(expected);
  });
});

describe('interleaving helpers', () => {
  it.each([
    { name: 'first round keeps the order', count: 3, round: 0, expected: [0, 1, 2] },
    { name: 'next round rotates by one', count: 3, round: 1, expected: [1, 2, 0] },
    { name: 'rounds wrap around', count: 3, round: 4, expected: [1, 2, 0] },
  ])('roundOrder: $name', ({ count, round: r, expected }) => {
    expect(roundOrder(count, r)).toEqual(expected);
  });

  it('pairs differences by round and stops at the shorter series', () => {
    expect(pairedDifferences([10, 12, 15], [4, 5])).toEqual([6, 7]);
  });
});

/**
 * Pure statistics for the benchmark: medians, percentiles, ratios measured in the same run,
 * and the busiest one-second window of a request log. No I/O, no clock.
 */

/** Returns the median of `values` (the mean of the middle two for an even count); NaN when empty. */
export function median(values: readonly number[]): number {
  return percentile(values, 50);
}

/**
 * Returns the `p`-th percentile (0–100) of `values` by linear interpolation between closest
 * ranks (the definition numpy uses by default); NaN when empty.
 */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (Math.min(100, Math.max(0, p)) / 100) * (sorted.length - 1);
  const low = Math.floor(rank);
  const high = Math.ceil(rank);
  const lowValue = sorted[low] ?? Number.NaN;
  const highValue = sorted[high] ?? lowValue;
  return lowValue + (highValue - lowValue) * (rank - low);
}

/** Returns `numerator / denominator`, or NaN when the denominator is not a positive number. */
export function ratio(numerator: number, denominator: number): number {
  return denominator > 0 ? numerator / denominator : Number.NaN;
}

/**
 * Returns the median of the round-by-round ratios `numerators[i] / denominators[i]`: each pair
 * was measured side by side in one round, so a stretch of time when this shared machine runs
 * slow raises both and cancels out, where a ratio of the two medians would carry it. NaN when
 * no round has a positive denominator.
 */
export function pairedRatio(numerators: readonly number[], denominators: readonly number[]): number {
  const ratios: number[] = [];
  const rounds = Math.min(numerators.length, denominators.length);
  for (let i = 0; i < rounds; i++) {
    const r = ratio(numerators[i] ?? Number.NaN, denominators[i] ?? Number.NaN);
    if (Number.isFinite(r)) ratios.push(r);
  }
  return median(ratios);
}

/** Summary of one measured series. */
export interface Summary {
  count: number;
  median: number;
  p10: number;
  p90: number;
  min: number;
  max: number;
}

/** Returns the count, median, 10th/90th percentiles and extremes of `values`. */
export function summarize(values: readonly number[]): Summary {
  return {
    count: values.length,
    median: median(values),
    p10: percentile(values, 10),
    p90: percentile(values, 90),
    min: values.length ? Math.min(...values) : Number.NaN,
    max: values.length ? Math.max(...values) : Number.NaN,
  };
}

/**
 * Returns the most requests whose times fall in any half-open window `[t, t + windowMs)`.
 * Only windows starting at a request time need checking: sliding a window's start forward to
 * its first request never loses one.
 */
export function maxInWindow(timesMs: readonly number[], windowMs = 1000): number {
  const sorted = [...timesMs].sort((a, b) => a - b);
  let best = 0;
  let end = 0;
  for (let start = 0; start < sorted.length; start++) {
    const limit = (sorted[start] ?? 0) + windowMs;
    if (end < start) end = start;
    while (end < sorted.length && (sorted[end] ?? 0) < limit) end++;
    best = Math.max(best, end - start);
  }
  return best;
}

/** Returns `values` rounded to `digits` decimals, for results.json and the table. */
export function round(value: number, digits = 2): number {
  if (!Number.isFinite(value)) return value;
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

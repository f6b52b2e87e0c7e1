const MAX_EDITS = 3;

/**
 * Returns the candidate closest to `word` by edit distance (case-insensitive), or undefined
 * when none is close enough to be a plausible typo: at most `maxEdits` edits and at most a
 * third of the word's length (at least one edit).
 */
export function closestMatch<T extends string>(
  word: string,
  candidates: readonly T[],
  maxEdits: number = MAX_EDITS,
): T | undefined {
  const limit = Math.min(maxEdits, Math.max(1, Math.floor(word.length / 3)));
  const lower = word.toLowerCase();
  let best: T | undefined;
  let bestDistance = limit + 1;
  for (const candidate of candidates) {
    // Lengths further apart than the limit cannot be close: skip the quadratic distance.
    if (Math.abs(word.length - candidate.length) > limit) continue;
    const other = candidate.toLowerCase();
    const distance =
      limit === 1 ? distanceUpToOne(lower, other) : editDistance(lower, other, bestDistance - 1);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/**
 * Returns editDistance(a, b) when it is 0 or 1, else 2, in one pass over the strings. Every
 * start compares each environment variable outside DATABRICKS_* with the pipe's names at this
 * limit, in code that runs cold, where the full table's loops are slow (issue #9).
 */
export function distanceUpToOne(a: string, b: string): 0 | 1 | 2 {
  if (a === b) return 0;
  const short = a.length <= b.length ? a : b;
  const long = short === a ? b : a;
  if (long.length - short.length > 1) return 2;
  let i = 0;
  while (i < short.length && short[i] === long[i]) i++;
  if (short.length === long.length) {
    // One substitution, or one swap of adjacent characters.
    if (short.slice(i + 1) === long.slice(i + 1)) return 1;
    const swapped = short[i] === long[i + 1] && short[i + 1] === long[i];
    return swapped && short.slice(i + 2) === long.slice(i + 2) ? 1 : 2;
  }
  // One insertion into the shorter string.
  return short.slice(i) === long.slice(i + 1) ? 1 : 2;
}

/**
 * Returns the optimal-string-alignment distance between `a` and `b`: Levenshtein edits plus
 * the swap of two adjacent characters as one edit, the most common typing slip (HOTS → HOST).
 * With `limit`, any distance above it is returned as `limit + 1` as soon as it is certain:
 * every pipe start compares each environment variable with the pipe's names (issue #9).
 */
export function editDistance(a: string, b: string, limit = Number.POSITIVE_INFINITY): number {
  // Three rows of the table: distances from the first i-2, i-1 and i characters of a. Plain
  // loops and swaps: this runs cold at every start, where spreads and destructuring cost
  // V8's interpreter far more than the arithmetic.
  const width = b.length + 1;
  let before = new Array<number>(width).fill(0);
  let up = new Array<number>(width);
  for (let j = 0; j < width; j++) up[j] = j;
  let row = new Array<number>(width).fill(0);
  let upMin = 0;
  for (let i = 1; i <= a.length; i++) {
    row[0] = i;
    let rowMin = i;
    for (let j = 1; j < width; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let distance = Math.min(
        (up[j] as number) + 1,
        (row[j - 1] as number) + 1,
        (up[j - 1] as number) + cost,
      );
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        distance = Math.min(distance, (before[j - 2] as number) + 1);
      }
      row[j] = distance;
      if (distance < rowMin) rowMin = distance;
    }
    // Distances never shrink further down the table, except by a swap, which reaches back
    // one more row: both rows above the limit means the answer is too.
    if (rowMin > limit && upMin > limit) return limit + 1;
    const spare = before;
    before = up;
    up = row;
    row = spare;
    upMin = rowMin;
  }
  return Math.min(up[b.length] as number, limit + 1);
}

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
    const distance = editDistance(lower, candidate.toLowerCase(), bestDistance - 1);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/**
 * Returns the optimal-string-alignment distance between `a` and `b`: Levenshtein edits plus
 * the swap of two adjacent characters as one edit, the most common typing slip (HOTS → HOST).
 * With `limit`, any distance above it is returned as `limit + 1` as soon as it is certain:
 * every pipe start compares each environment variable with the pipe's names (issue #9).
 */
export function editDistance(a: string, b: string, limit = Number.POSITIVE_INFINITY): number {
  // Three rows of the table: distances from the first i-2, i-1 and i characters of a.
  let before = new Array<number>(b.length + 1).fill(0);
  let up = Array.from({ length: b.length + 1 }, (_, j) => j);
  let row = new Array<number>(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    row[0] = i;
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
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
      rowMin = Math.min(rowMin, distance);
    }
    // Distances never shrink further down the table, except by a swap, which reaches back
    // one more row: both rows above the limit means the answer is too.
    if (rowMin > limit && Math.min(...up) > limit) return limit + 1;
    [before, up, row] = [up, row, before];
  }
  return Math.min(up[b.length] as number, limit + 1);
}

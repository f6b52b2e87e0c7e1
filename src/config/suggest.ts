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
  let best: T | undefined;
  let bestDistance = limit + 1;
  for (const candidate of candidates) {
    // Lengths further apart than the limit cannot be close: skip the quadratic distance.
    if (Math.abs(word.length - candidate.length) > limit) continue;
    const distance = editDistance(word.toLowerCase(), candidate.toLowerCase());
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
 */
export function editDistance(a: string, b: string): number {
  // rows[i][j]: distance between the first i characters of a and the first j of b.
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      if (i === 0) {
        row.push(j);
        continue;
      }
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      const up = rows[i - 1] as number[];
      let distance = Math.min(
        (up[j] as number) + 1,
        (row[j - 1] as number) + 1,
        (up[j - 1] as number) + cost,
      );
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        distance = Math.min(distance, ((rows[i - 2] as number[])[j - 2] as number) + 1);
      }
      row.push(distance);
    }
    rows.push(row);
  }
  return (rows[a.length] as number[])[b.length] as number;
}

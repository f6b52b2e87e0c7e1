import { closestMatch } from '../config/suggest.js';

/**
 * Returns ` (did you mean "x"?)` when `word` looks like a typo of one of `candidates`, else an
 * empty string. Variables and plan keys share one notion of "close enough".
 */
export function didYouMean(word: string, candidates: readonly string[]): string {
  const match = closestMatch(word, candidates);
  return match === undefined ? '' : ` (did you mean "${match}"?)`;
}

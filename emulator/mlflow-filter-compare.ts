import type { Comparator, FilterValue } from './mlflow-filter-parser.js';

/** How MLflow's search comparators compare a stored value with a filter value. */

/** Returns SQL LIKE (`%`, `_`) as a matcher, case-insensitive for ILIKE. */
export function likeMatcher(pattern: string, ignoreCase: boolean): (value: string) => boolean {
  const escaped = pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const source = `^${escaped.replace(/%/g, '.*').replace(/_/g, '.')}$`;
  const re = new RegExp(source, ignoreCase ? 'is' : 's');
  return (value) => re.test(value);
}

/** Returns whether a string satisfies a string comparator (`=`, `!=`, LIKE, ILIKE, IN). */
export function compareString(lhs: string, comparator: Comparator, value: FilterValue): boolean {
  if (value.kind === 'list') {
    if (comparator === 'IN') return value.values.includes(lhs);
    if (comparator === 'NOT IN') return !value.values.includes(lhs);
    return false;
  }
  const rhs = String(value.value);
  switch (comparator) {
    case '=':
      return lhs === rhs;
    case '!=':
      return lhs !== rhs;
    case 'LIKE':
      return likeMatcher(rhs, false)(lhs);
    case 'ILIKE':
      return likeMatcher(rhs, true)(lhs);
    case '>':
    case '>=':
    case '<':
    case '<=':
    case 'IN':
    case 'NOT IN':
      return false;
  }
}

/** Returns whether a number satisfies a numeric comparator. */
export function compareNumber(lhs: number, comparator: Comparator, rhs: number): boolean {
  switch (comparator) {
    case '=':
      return lhs === rhs;
    case '!=':
      return lhs !== rhs;
    case '>':
      return lhs > rhs;
    case '>=':
      return lhs >= rhs;
    case '<':
      return lhs < rhs;
    case '<=':
      return lhs <= rhs;
    case 'LIKE':
    case 'ILIKE':
    case 'IN':
    case 'NOT IN':
      return false;
  }
}

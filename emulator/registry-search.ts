import { invalidParameter } from './api-args.js';
import { compareNumber, compareString } from './mlflow-filter-compare.js';
import {
  parseComparisons,
  parseOrderTerm,
  type Comparator,
  type FilterValue,
} from './mlflow-filter-parser.js';
import type { ModelVersion } from './registry-store.js';

/**
 * `model-versions/search` semantics (MLflow `SearchModelVersionUtils`): `name`, `run_id`,
 * `source_path`, `version_number` and `tags.<key>` clauses joined with AND, and `order_by`
 * on name, version_number and the timestamps (default name ASC, version_number DESC).
 */

type Key = 'name' | 'run_id' | 'source_path' | 'version_number' | 'tag';

export interface VersionClause {
  key: Key;
  tagKey: string;
  comparator: Comparator;
  value: FilterValue;
}

const ATTRIBUTE_KEYS = ['name', 'run_id', 'source_path', 'version_number'];
const ALLOWED: Record<Key, Comparator[]> = {
  name: ['=', '!=', 'LIKE', 'ILIKE'],
  run_id: ['=', '!=', 'IN', 'NOT IN'],
  source_path: ['=', '!=', 'LIKE', 'ILIKE'],
  version_number: ['=', '!=', '>', '>=', '<', '<='],
  tag: ['=', '!=', 'LIKE', 'ILIKE'],
};

function keyOf(parts: { value: string }[]): { key: Key; tagKey: string } {
  const [first, ...rest] = parts;
  if (rest.length > 0) {
    if (first?.value === 'tags' || first?.value === 'tag') {
      return { key: 'tag', tagKey: rest.map((p) => p.value).join('.') };
    }
    throw invalidParameter(
      `Invalid entity type '${first?.value ?? ''}'. Valid values are ['tag', 'attribute']`,
    );
  }
  const key = first?.value ?? '';
  if (!ATTRIBUTE_KEYS.includes(key)) {
    throw invalidParameter(
      `Invalid attribute key '${key}' specified. Valid keys are '${ATTRIBUTE_KEYS.join(', ')}'`,
    );
  }
  return { key: key as Key, tagKey: '' };
}

/**
 * Returns the validated clauses of a `model-versions/search` filter.
 * @throws ApiError INVALID_PARAMETER_VALUE for anything outside MLflow's grammar.
 */
export function parseVersionFilter(filter: string | undefined): VersionClause[] {
  return parseComparisons(filter).map((c) => {
    const { key, tagKey } = keyOf(c.parts);
    if (!ALLOWED[key].includes(c.comparator)) {
      throw invalidParameter(
        `Invalid comparator '${c.comparator}' not one of '${ALLOWED[key].join(', ')}'`,
      );
    }
    const numeric = key === 'version_number';
    if (c.value.kind !== 'list' && numeric !== (c.value.kind === 'number')) {
      throw invalidParameter(`Invalid value ${c.value.text} for comparison with '${c.identText}'.`);
    }
    return { key, tagKey, comparator: c.comparator, value: c.value };
  });
}

function clauseMatches(mv: ModelVersion, clause: VersionClause): boolean {
  const { key, comparator, value } = clause;
  if (key === 'version_number')
    return value.kind === 'number' && compareNumber(mv.version, comparator, value.value);
  const lhs =
    key === 'name'
      ? mv.name
      : key === 'run_id'
        ? mv.run_id
        : key === 'source_path'
          ? mv.source
          : mv.tags[clause.tagKey];
  return lhs !== undefined && compareString(lhs, comparator, value);
}

/** Returns whether a version satisfies every clause. */
export function versionMatches(mv: ModelVersion, clauses: VersionClause[]): boolean {
  return clauses.every((clause) => clauseMatches(mv, clause));
}

type OrderKey = 'name' | 'version_number' | 'creation_timestamp' | 'last_updated_timestamp';
const ORDER_KEYS: OrderKey[] = [
  'name',
  'version_number',
  'creation_timestamp',
  'last_updated_timestamp',
];

function orderValue(mv: ModelVersion, key: OrderKey): string | number {
  if (key === 'name') return mv.name;
  if (key === 'version_number') return mv.version;
  return mv[key];
}

/**
 * Returns the versions sorted by `order_by`, then name ascending and version descending.
 * @throws ApiError INVALID_PARAMETER_VALUE for an unknown order key.
 */
export function sortVersions(versions: ModelVersion[], orderBy: string[]): ModelVersion[] {
  const terms = orderBy.map((text) => {
    const term = parseOrderTerm(text);
    const key = term.parts.map((p) => p.value).join('.');
    if (!(ORDER_KEYS as string[]).includes(key)) {
      throw invalidParameter(
        `Invalid order by key '${key}' specified. Valid keys are ${ORDER_KEYS.join(', ')}`,
      );
    }
    return { key: key as OrderKey, ascending: term.ascending };
  });
  terms.push({ key: 'name', ascending: true }, { key: 'version_number', ascending: false });
  return [...versions].sort((a, b) => {
    for (const { key, ascending } of terms) {
      const x = orderValue(a, key);
      const y = orderValue(b, key);
      if (x !== y) return (x < y ? -1 : 1) * (ascending ? 1 : -1);
    }
    return 0;
  });
}

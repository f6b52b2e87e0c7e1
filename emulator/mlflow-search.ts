import { invalidParameter } from './api-args.js';
import type { IdentPart } from './mlflow-filter-lexer.js';
import { compareNumber, compareString } from './mlflow-filter-compare.js';
import {
  parseComparisons,
  type Comparator,
  type Comparison,
  type FilterValue,
} from './mlflow-filter-parser.js';

/**
 * `runs/search` semantics: MLflow's filter grammar over runs (`metrics.`, `params.`, `tags.`,
 * `attributes.` and their aliases) and `order_by`, as `mlflow/utils/search_utils.py` defines
 * them, including which comparators each entity accepts and the errors for everything else.
 */

/** What a filter can see of a run. */
export interface SearchableRun {
  info: {
    run_id: string;
    run_name: string;
    status: string;
    user_id: string;
    start_time: number;
    end_time?: number | undefined;
    artifact_uri: string;
  };
  metrics: Record<string, number>;
  params: Record<string, string>;
  tags: Record<string, string>;
}

export type EntityType = 'metric' | 'parameter' | 'tag' | 'attribute' | 'dataset';

/** A validated filter clause. */
export interface RunClause {
  type: EntityType;
  key: string;
  comparator: Comparator;
  value: FilterValue;
}

const ENTITY_ALIASES: Record<string, EntityType> = {
  metric: 'metric',
  metrics: 'metric',
  parameter: 'parameter',
  parameters: 'parameter',
  param: 'parameter',
  params: 'parameter',
  tag: 'tag',
  tags: 'tag',
  attribute: 'attribute',
  attributes: 'attribute',
  attr: 'attribute',
  run: 'attribute',
  dataset: 'dataset',
  datasets: 'dataset',
};
const KEY_ALIASES: Record<string, string> = {
  created: 'start_time',
  Created: 'start_time',
  'run name': 'run_name',
  'Run name': 'run_name',
  'Run Name': 'run_name',
};
const NUMERIC_ATTRIBUTES = new Set(['start_time', 'end_time']);
const STRING_ATTRIBUTES = new Set(['artifact_uri', 'run_id', 'run_name', 'status', 'user_id']);
const SEARCH_ATTRIBUTE_KEYS = [
  ...STRING_ATTRIBUTES,
  ...NUMERIC_ATTRIBUTES,
  ...Object.keys(KEY_ALIASES),
].sort();
export const ORDER_ATTRIBUTE_KEYS = [
  ...STRING_ATTRIBUTES,
  ...NUMERIC_ATTRIBUTES,
  'created',
  'Created',
].sort();
const DATASET_KEYS = ['name', 'digest', 'context'];
const NUMERIC_COMPARATORS: Comparator[] = ['>', '>=', '!=', '=', '<', '<='];
const STRING_COMPARATORS: Comparator[] = ['!=', '=', 'LIKE', 'ILIKE'];
const LIST_COMPARATORS: Comparator[] = [...STRING_COMPARATORS, 'IN', 'NOT IN'];

function pyList(values: string[]): string {
  return `[${values.map((v) => `'${v}'`).join(', ')}]`;
}

/** Returns the entity type and key an identifier names (no prefix → attribute). */
export function identify(
  parts: IdentPart[],
  validAttributes: string[],
): { type: EntityType; key: string } {
  const [first, ...rest] = parts;
  const entity = rest.length === 0 ? 'attribute' : (first?.value ?? '');
  const key = rest.length === 0 ? (first?.value ?? '') : rest.map((p) => p.value).join('.');
  const type = ENTITY_ALIASES[entity];
  if (!type) {
    const valid = pyList(['metric', 'parameter', 'tag', 'attribute', 'dataset']);
    throw invalidParameter(`Invalid entity type '${entity}'. Valid values are ${valid}`);
  }
  if (type === 'attribute' && !validAttributes.includes(key)) {
    throw invalidParameter(
      `Invalid attribute key '${key}' specified. Valid keys are '${pyList(validAttributes)}'`,
    );
  }
  if (type === 'dataset' && !DATASET_KEYS.includes(key)) {
    throw invalidParameter(
      `Invalid dataset key '${key}' specified. Valid keys are '${pyList(DATASET_KEYS)}'`,
    );
  }
  return { type, key: type === 'attribute' ? (KEY_ALIASES[key] ?? key) : key };
}

function checkComparator(comparator: Comparator, allowed: Comparator[]): void {
  if (!allowed.includes(comparator)) {
    throw invalidParameter(`Invalid comparator '${comparator}' not one of '${pyList(allowed)}'`);
  }
}

function checkValue(clause: RunClause): void {
  const { type, key, value } = clause;
  const numeric = type === 'metric' || (type === 'attribute' && NUMERIC_ATTRIBUTES.has(key));
  if (numeric) {
    checkComparator(clause.comparator, NUMERIC_COMPARATORS);
    if (value.kind !== 'number') {
      const what = type === 'metric' ? 'metric' : `numeric attribute: ${key}`;
      throw invalidParameter(`Expected numeric value type for ${what}. Found ${value.text}`);
    }
    return;
  }
  const listAllowed = (type === 'attribute' && key === 'run_id') || type === 'dataset';
  checkComparator(clause.comparator, listAllowed ? LIST_COMPARATORS : STRING_COMPARATORS);
  if (value.kind === 'list' && !listAllowed) {
    throw invalidParameter(
      "Only the 'run_id' attribute supports comparison with a list of quoted string values.",
    );
  }
  if (value.kind === 'number') {
    const what = type === 'attribute' ? 'attributes' : `${type} (e.g. 'my-value')`;
    throw invalidParameter(`Expected a quoted string value for ${what}. Got value ${value.text}`);
  }
}

/**
 * Returns the validated clauses of a `runs/search` filter.
 * @throws ApiError INVALID_PARAMETER_VALUE with MLflow's wording for an invalid filter.
 */
export function parseRunFilter(filter: string | undefined): RunClause[] {
  return parseComparisons(filter).map((comparison: Comparison) => {
    const { type, key } = identify(comparison.parts, SEARCH_ATTRIBUTE_KEYS);
    const clause: RunClause = {
      type,
      key,
      comparator: comparison.comparator,
      value: comparison.value,
    };
    checkValue(clause);
    return clause;
  });
}

export function attribute(run: SearchableRun, key: string): string | number | undefined {
  return (run.info as Record<string, string | number | undefined>)[key];
}

function clauseMatches(run: SearchableRun, clause: RunClause): boolean {
  const { type, key, comparator, value } = clause;
  if (type === 'dataset') return false; // the emulator's runs log no dataset inputs
  let lhs: string | number | undefined;
  if (type === 'metric') lhs = run.metrics[key];
  else if (type === 'parameter') lhs = run.params[key];
  else if (type === 'tag') lhs = run.tags[key];
  else lhs = attribute(run, key);
  // MLflow: a run without the key never matches, not even `!=`.
  if (lhs === undefined) return false;
  if (typeof lhs === 'number')
    return value.kind === 'number' && compareNumber(lhs, comparator, value.value);
  return compareString(lhs, comparator, value);
}

/** Returns whether a run satisfies every clause. */
export function runMatches(run: SearchableRun, clauses: RunClause[]): boolean {
  return clauses.every((clause) => clauseMatches(run, clause));
}

import { invalidParameter } from './api-args.js';
import { parseOrderTerm } from './mlflow-filter-parser.js';
import {
  ORDER_ATTRIBUTE_KEYS,
  attribute,
  identify,
  type EntityType,
  type SearchableRun,
} from './mlflow-search.js';

/** `runs/search` ordering: `order_by` terms, then MLflow's natural order. */

/** A validated `order_by` element. */
export interface RunOrder {
  type: EntityType;
  key: string;
  ascending: boolean;
}

/**
 * Returns the validated `order_by` list of `runs/search`.
 * @throws ApiError INVALID_PARAMETER_VALUE for an unparsable clause or unknown attribute.
 */
export function parseRunOrderBy(orderBy: string[]): RunOrder[] {
  return orderBy.map((text) => {
    const term = parseOrderTerm(text);
    const { type, key } = identify(term.parts, ORDER_ATTRIBUTE_KEYS);
    if (type === 'dataset') throw invalidParameter(`Invalid order_by entity type '${type}'`);
    return { type, key, ascending: term.ascending };
  });
}

function sortValue(run: SearchableRun, order: RunOrder): string | number | undefined {
  if (order.type === 'metric') return run.metrics[order.key];
  if (order.type === 'parameter') return run.params[order.key];
  if (order.type === 'tag') return run.tags[order.key];
  return attribute(run, order.key);
}

function compareBy(a: SearchableRun, b: SearchableRun, order: RunOrder): number {
  const x = sortValue(a, order);
  const y = sortValue(b, order);
  const xMissing = x === undefined || Number.isNaN(x);
  const yMissing = y === undefined || Number.isNaN(y);
  // Runs without the value (or with NaN) sort last in either direction, as in MLflow.
  if (xMissing || yMissing) return Number(xMissing) - Number(yMissing);
  const base = x < y ? -1 : x > y ? 1 : 0;
  return order.ascending ? base : -base;
}

/**
 * Returns the runs sorted by `order`, then MLflow's natural order (start_time descending,
 * then run_id).
 */
export function sortRuns<T extends SearchableRun>(runs: T[], order: RunOrder[]): T[] {
  const natural: RunOrder[] = [
    { type: 'attribute', key: 'start_time', ascending: false },
    { type: 'attribute', key: 'run_id', ascending: true },
  ];
  const all = [...order, ...natural];
  return [...runs].sort((a, b) => {
    for (const o of all) {
      const c = compareBy(a, b, o);
      if (c !== 0) return c;
    }
    return 0;
  });
}

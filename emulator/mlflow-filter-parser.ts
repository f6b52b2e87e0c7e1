import { invalidParameter } from './api-args.js';
import {
  tokenizeFilter,
  type FilterToken,
  type IdentPart,
  type Operator,
} from './mlflow-filter-lexer.js';

/** A comparison operator of MLflow's search grammar. */
export type Comparator = Operator | 'LIKE' | 'ILIKE' | 'IN' | 'NOT IN';

/** A filter value: a quoted string, a number, or a parenthesised list of strings. */
export type FilterValue =
  | { kind: 'string'; value: string; text: string }
  | { kind: 'number'; value: number; text: string }
  | { kind: 'list'; values: string[]; text: string };

/** One `identifier comparator value` clause, before any entity-specific validation. */
export interface Comparison {
  parts: IdentPart[];
  identText: string;
  comparator: Comparator;
  value: FilterValue;
}

class Cursor {
  private pos = 0;
  constructor(
    private readonly tokens: FilterToken[],
    readonly source: string,
  ) {}
  peek(): FilterToken | undefined {
    return this.tokens[this.pos];
  }
  next(): FilterToken | undefined {
    return this.tokens[this.pos++];
  }
  invalidClause(token: FilterToken | undefined): Error {
    const text = token ? token.text : this.source;
    return invalidParameter(`Invalid clause(s) in filter string: '${text}'`);
  }
}

function readComparator(cursor: Cursor): Comparator {
  const token = cursor.next();
  if (token?.kind === 'op') return token.value;
  if (token?.kind === 'keyword') {
    if (token.value === 'LIKE' || token.value === 'ILIKE' || token.value === 'IN')
      return token.value;
    if (
      token.value === 'NOT' &&
      cursor.peek()?.kind === 'keyword' &&
      cursor.next()?.text.toUpperCase() === 'IN'
    ) {
      return 'NOT IN';
    }
  }
  throw invalidParameter(
    `Invalid comparison clause. Expected comparison found '${token?.text ?? 'end of filter'}'`,
  );
}

function readList(cursor: Cursor): FilterValue {
  const values: string[] = [];
  for (;;) {
    const item = cursor.next();
    if (item?.kind !== 'string') {
      throw invalidParameter(
        `While parsing a list in the query, expected string value, punctuation, or whitespace, ` +
          `but got different type in list: ${item?.text ?? 'end of filter'}`,
      );
    }
    values.push(item.value);
    const sep = cursor.next();
    if (sep?.kind === 'punct' && sep.value === ')') break;
    if (sep?.kind !== 'punct' || sep.value !== ',') throw cursor.invalidClause(sep);
  }
  return { kind: 'list', values, text: `(${values.map((v) => `'${v}'`).join(', ')})` };
}

function readValue(cursor: Cursor): FilterValue {
  const token = cursor.next();
  if (token?.kind === 'string' || token?.kind === 'number') return token;
  // sqlparse reads "text" as an identifier; MLflow accepts it as a string value.
  const only = token?.kind === 'ident' && token.parts.length === 1 ? token.parts[0] : undefined;
  if (token && only?.quote === '"') return { kind: 'string', value: only.value, text: token.text };
  if (token?.kind === 'punct' && token.value === '(') return readList(cursor);
  throw invalidParameter(
    `Invalid comparison clause. Expected value token found '${token?.text ?? 'end of filter'}'`,
  );
}

function readComparison(cursor: Cursor): Comparison {
  const ident = cursor.next();
  if (ident?.kind !== 'ident') throw cursor.invalidClause(ident);
  const comparator = readComparator(cursor);
  const value = readValue(cursor);
  const isListComparator = comparator === 'IN' || comparator === 'NOT IN';
  if (isListComparator !== (value.kind === 'list')) {
    throw invalidParameter(
      `Invalid comparison clause '${ident.text} ${comparator} ${value.text}': IN and NOT IN ` +
        'take a parenthesised list of quoted strings, other comparators a single value.',
    );
  }
  return { parts: ident.parts, identText: ident.text, comparator, value };
}

/**
 * Returns the AND-ed comparisons of a filter string (an empty list for an empty filter).
 * OR, parentheses for grouping and anything else MLflow rejects are rejected here too.
 * @throws ApiError INVALID_PARAMETER_VALUE for text outside the grammar.
 */
export function parseComparisons(filter: string | undefined): Comparison[] {
  if (!filter || filter.trim() === '') return [];
  const cursor = new Cursor(tokenizeFilter(filter), filter);
  const comparisons = [readComparison(cursor)];
  while (cursor.peek()) {
    const joiner = cursor.next();
    if (joiner?.kind !== 'keyword' || joiner.value !== 'AND') throw cursor.invalidClause(joiner);
    comparisons.push(readComparison(cursor));
  }
  return comparisons;
}

/** An `order_by` element: the identifier's parts and the direction. */
export interface OrderTerm {
  parts: IdentPart[];
  identText: string;
  ascending: boolean;
}

/**
 * Returns the identifier and direction of one `order_by` element (`metrics.auc DESC`).
 * @throws ApiError INVALID_PARAMETER_VALUE when it is not `<identifier> [ASC|DESC]`.
 */
export function parseOrderTerm(orderBy: string): OrderTerm {
  const unparsable = invalidParameter(`Invalid order_by clause '${orderBy}'. Could not be parsed.`);
  let tokens: FilterToken[];
  try {
    tokens = tokenizeFilter(orderBy);
  } catch {
    throw unparsable;
  }
  const [ident, direction, ...rest] = tokens;
  if (ident?.kind !== 'ident' || rest.length > 0) throw unparsable;
  if (direction === undefined)
    return { parts: ident.parts, identText: ident.text, ascending: true };
  const word =
    direction.kind === 'ident' && direction.parts.length === 1 ? direction.text.toLowerCase() : '';
  if (word !== 'asc' && word !== 'desc') {
    throw invalidParameter(`Invalid ordering key in order_by clause '${orderBy}'.`);
  }
  return { parts: ident.parts, identText: ident.text, ascending: word === 'asc' };
}

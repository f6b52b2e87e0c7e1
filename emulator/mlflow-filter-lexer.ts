import { invalidParameter } from './api-args.js';

/**
 * Tokens of MLflow's search-filter language (the SQL subset `mlflow/utils/search_utils.py`
 * parses with sqlparse): dotted identifiers whose parts may be `backquoted` or "quoted",
 * 'single-quoted' strings, numbers, comparison operators and a few keywords.
 */
export type FilterToken =
  | { kind: 'ident'; parts: IdentPart[]; text: string }
  | { kind: 'string'; value: string; text: string }
  | { kind: 'number'; value: number; text: string }
  | { kind: 'op'; value: Operator; text: string }
  | { kind: 'keyword'; value: Keyword; text: string }
  | { kind: 'punct'; value: '(' | ')' | ','; text: string };

export interface IdentPart {
  value: string;
  quote: '' | '`' | '"';
}

export type Operator = '=' | '!=' | '>' | '>=' | '<' | '<=';
export type Keyword = 'AND' | 'OR' | 'LIKE' | 'ILIKE' | 'IN' | 'NOT';

const KEYWORDS = new Set<string>(['AND', 'OR', 'LIKE', 'ILIKE', 'IN', 'NOT']);
const WORD = /[A-Za-z_][\w]*/y;
const NUMBER = /-?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/y;
// sqlparse's single-quoted string: doubled quotes and backslash escapes stay in the value.
const SINGLE_QUOTED = /'((?:''|\\.|[^'\\])*)'/y;
const OPERATOR = /(?:!=|<>|>=|<=|=|>|<)/y;

function matchAt(re: RegExp, input: string, pos: number): RegExpExecArray | null {
  re.lastIndex = pos;
  return re.exec(input);
}

function readPart(input: string, pos: number): { part: IdentPart; end: number } | undefined {
  const quote = input[pos];
  if (quote === '`' || quote === '"') {
    const close = input.indexOf(quote, pos + 1);
    if (close < 0) throw invalidParameter(`Invalid filter '${input}'. Could not be parsed.`);
    return { part: { value: input.slice(pos + 1, close), quote }, end: close + 1 };
  }
  const word = matchAt(WORD, input, pos);
  return word ? { part: { value: word[0], quote: '' }, end: pos + word[0].length } : undefined;
}

function readIdentifier(
  input: string,
  pos: number,
): { token: FilterToken; end: number } | undefined {
  const first = readPart(input, pos);
  if (!first) return undefined;
  const parts = [first.part];
  let end = first.end;
  while (input[end] === '.') {
    const next = readPart(input, end + 1);
    if (!next) throw invalidParameter(`Invalid filter '${input}'. Could not be parsed.`);
    parts.push(next.part);
    end = next.end;
  }
  const text = input.slice(pos, end);
  const only = parts.length === 1 ? parts[0] : undefined;
  if (only && only.quote === '' && KEYWORDS.has(only.value.toUpperCase())) {
    return { token: { kind: 'keyword', value: only.value.toUpperCase() as Keyword, text }, end };
  }
  return { token: { kind: 'ident', parts, text }, end };
}

function readToken(input: string, pos: number): { token: FilterToken; end: number } {
  const ch = input[pos] ?? '';
  if (ch === '(' || ch === ')' || ch === ',') {
    return { token: { kind: 'punct', value: ch, text: ch }, end: pos + 1 };
  }
  const str = matchAt(SINGLE_QUOTED, input, pos);
  if (str) {
    return {
      token: { kind: 'string', value: str[1] ?? '', text: str[0] },
      end: pos + str[0].length,
    };
  }
  const num = matchAt(NUMBER, input, pos);
  if (num && !/[A-Za-z_]/.test(input[pos + num[0].length] ?? '')) {
    const token: FilterToken = { kind: 'number', value: Number(num[0]), text: num[0] };
    return { token, end: pos + num[0].length };
  }
  const op = matchAt(OPERATOR, input, pos);
  if (op) {
    const value = (op[0] === '<>' ? '!=' : op[0]) as Operator;
    return { token: { kind: 'op', value, text: op[0] }, end: pos + op[0].length };
  }
  const ident = readIdentifier(input, pos);
  if (ident) return ident;
  throw invalidParameter(`Invalid filter '${input}'. Could not be parsed.`);
}

/**
 * Returns the tokens of a filter or order_by string.
 * @throws ApiError INVALID_PARAMETER_VALUE when the text is not in the language.
 */
export function tokenizeFilter(input: string): FilterToken[] {
  const tokens: FilterToken[] = [];
  let pos = 0;
  while (pos < input.length) {
    if (/\s/.test(input[pos] ?? '')) {
      pos += 1;
      continue;
    }
    const { token, end } = readToken(input, pos);
    tokens.push(token);
    pos = end;
  }
  return tokens;
}

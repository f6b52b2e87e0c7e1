import type { ErrorObject } from 'ajv';
import { EXPECTED_KEYWORD } from './action-schema-parts.js';
import { didYouMean } from './did-you-mean.js';
import { pointerSegments } from './problems.js';
import { scanTemplates } from './template-syntax.js';

/** A problem inside one action body: path relative to the body. */
export interface BodyProblem {
  path: string[];
  message: string;
  /** Locate the last path segment's key (an unknown field) rather than its value. */
  atKey?: boolean;
}

type Schema = Record<string, unknown>;

// A template's value is only known when the plan runs, so these value checks wait until then.
const CHECKED_AFTER_RENDERING = new Set(['pattern', 'format', 'enum']);
// A branch whose root fails on one of these is for another kind of value (a string vs a mapping).
const SHAPE_KEYWORDS = new Set(['type', 'enum', 'const']);
const TYPE_WORDS: Record<string, string> = {
  object: 'a mapping',
  array: 'a list',
  string: 'a string',
  integer: 'a whole number',
  number: 'a number',
  boolean: 'true or false',
  null: 'empty',
};
const MAX_SHOWN_VALUE_LENGTH = 60;

/** Returns one problem per ajv error, in words that name what would be valid. */
export function describeAjvErrors(
  errors: readonly ErrorObject[],
  allowTemplates: boolean,
): BodyProblem[] {
  const relevant = allowTemplates ? errors.filter((e) => !isTemplateValueCheck(e)) : [...errors];
  return resolveAnyOf(relevant)
    .filter((e) => e.keyword !== 'propertyNames')
    .map(describeError);
}

function isTemplateValueCheck(error: ErrorObject): boolean {
  if (!CHECKED_AFTER_RENDERING.has(error.keyword) || typeof error.data !== 'string') return false;
  // Databricks' own references are never filled in by the pipe, so they do not count.
  return scanTemplates(error.data).some((m) => m.ref !== undefined && m.ref.kind !== 'databricks');
}

/**
 * Keeps, for each failed `anyOf`, only the errors of the branch meant for this kind of value
 * (a mapping's missing field, not "must be a string"); when no branch fits, keeps the anyOf
 * error alone, which names every accepted form.
 */
function resolveAnyOf(errors: ErrorObject[]): ErrorObject[] {
  let result = errors;
  for (const anyOf of errors.filter((e) => e.keyword === 'anyOf')) {
    const prefix = `${anyOf.schemaPath}/`;
    const branchOf = (e: ErrorObject): number =>
      Number(e.schemaPath.slice(prefix.length).split('/')[0]);
    const inBranches = result.filter((e) => e.schemaPath.startsWith(prefix));
    const branchCount = Array.isArray(anyOf.schema) ? anyOf.schema.length : 0;
    const fitting = [...Array(branchCount).keys()].find(
      (b) =>
        !inBranches.some(
          (e) =>
            branchOf(e) === b &&
            e.instancePath === anyOf.instancePath &&
            SHAPE_KEYWORDS.has(e.keyword),
        ),
    );
    result = result.filter(
      (e) =>
        (!e.schemaPath.startsWith(prefix) || branchOf(e) === fitting) &&
        (fitting === undefined || e !== anyOf),
    );
  }
  return result;
}

function describeError(error: ErrorObject): BodyProblem {
  const path = pointerSegments(error.instancePath);
  const parent = (error.parentSchema ?? {}) as Schema;
  const params = error.params as Record<string, unknown>;
  if (error.propertyName !== undefined) {
    return {
      path: [...path, error.propertyName],
      atKey: true,
      message: `key ${valueMessage(error, parent, params)}`,
    };
  }
  switch (error.keyword) {
    case 'required':
      return { path, message: missingMessage(String(params['missingProperty']), parent) };
    case 'additionalProperties':
      return unknownField(path, String(params['additionalProperty']), parent);
    default:
      return { path, message: valueMessage(error, parent, params) };
  }
}

function missingMessage(field: string, parent: Schema): string {
  const properties = (parent['properties'] ?? {}) as Record<string, Schema>;
  const description = properties[field]?.['description'];
  const what = typeof description === 'string' ? `: ${firstSentence(description)}` : '';
  return `missing required field "${field}"${what}`;
}

function unknownField(path: string[], field: string, parent: Schema): BodyProblem {
  const properties = (parent['properties'] ?? {}) as Record<string, Schema>;
  const valid = Object.keys(properties).filter((k) => properties[k]?.['deprecated'] !== true);
  return {
    path: [...path, field],
    atKey: true,
    message: `unknown field "${field}"${didYouMean(field, valid)}; valid fields: ${valid.join(', ')}`,
  };
}

function valueMessage(error: ErrorObject, parent: Schema, params: Record<string, unknown>): string {
  const expected = parent[EXPECTED_KEYWORD];
  const got = ` (got ${describeValue(error.data)})`;
  switch (error.keyword) {
    case 'type':
      return `must be ${typeof expected === 'string' ? expected : typeWords(String(params['type']))}${got}`;
    case 'enum': {
      const allowed = (params['allowedValues'] as unknown[]).map(String);
      const hint = typeof error.data === 'string' ? didYouMean(error.data, allowed) : '';
      return `must be one of ${allowed.join(', ')}${hint}${got}`;
    }
    case 'pattern':
    case 'format':
    case 'anyOf': {
      const rule = params['pattern'] ?? params['format'];
      const fallback =
        typeof rule === 'string' ? `text matching ${rule}` : 'one of the accepted forms';
      return `must be ${typeof expected === 'string' ? expected : fallback}${got}`;
    }
    case 'minimum':
      return `must be at least ${String(params['limit'])}${got}`;
    case 'maximum':
      return `must be at most ${String(params['limit'])}${got}`;
    case 'minItems':
      return params['limit'] === 1
        ? 'must not be empty'
        : `must have at least ${String(params['limit'])} items`;
    case 'minLength':
      return params['limit'] === 1
        ? 'must not be empty'
        : `must be at least ${String(params['limit'])} characters`;
    case 'maxLength':
      return `must be at most ${String(params['limit'])} characters`;
    default:
      return `${error.message ?? 'is invalid'}${got}`;
  }
}

function typeWords(types: string): string {
  return types
    .split(',')
    .map((t) => TYPE_WORDS[t] ?? t)
    .join(' or ');
}

/** Returns a short description of a YAML value for messages: `"2 hours"`, `42`, `a list`. */
export function describeValue(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value !== 'string') return 'a mapping';
  const shown =
    value.length > MAX_SHOWN_VALUE_LENGTH ? `${value.slice(0, MAX_SHOWN_VALUE_LENGTH)}…` : value;
  return JSON.stringify(shown);
}

function firstSentence(text: string): string {
  // Cut at "; " or at ". " before a capital, so "e.g. /Shared/x" stays whole.
  const end = text.search(/;\s|\.\s+(?=[A-Z])/);
  return (end < 0 ? text : text.slice(0, end)).replace(/\.$/, '');
}

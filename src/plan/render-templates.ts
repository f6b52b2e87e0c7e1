import type { ActionOutputs } from '../actions/types.js';
import { PipeError } from '../errors.js';
import { formatNodePath } from './problems.js';
import { checkActionBody } from './schema-validation.js';
import { BITBUCKET_KEYS, replaceTemplates, type TemplateRef } from './template-syntax.js';
import { PROTECTED_ENV, type TemplateContext } from './templates.js';
import type { PlannedAction } from './types.js';

/** Everything a template can reach while the plan runs. */
export interface TemplateScope extends TemplateContext {
  /** Outputs of the actions that have ended, by id. */
  outputs: ReadonlyMap<string, ActionOutputs>;
}

/**
 * Returns a deep copy of `value` with every template in its strings replaced by its value as
 * a string. Replaced text is never scanned again, so a value that itself contains `{{ … }}`
 * (a branch name, an env var, a notebook's output) cannot inject a reference. Keys are kept.
 * @throws PipeError ERR_PLAN_UNRESOLVED when a referenced value does not exist,
 *   ERR_PLAN_INVALID for a reference the plan check would have refused.
 */
export function renderTemplates<T>(value: T, scope: TemplateScope): T {
  return renderValue(value, scope) as T;
}

function renderValue(value: unknown, scope: TemplateScope): unknown {
  if (typeof value === 'string')
    return replaceTemplates(value, (ref, text) => lookup(ref, text, scope));
  if (Array.isArray(value)) return value.map((item) => renderValue(item, scope));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, renderValue(v, scope)]));
  }
  return value;
}

function lookup(ref: TemplateRef, text: string, scope: TemplateScope): string {
  switch (ref.kind) {
    case 'bitbucket': {
      const info = BITBUCKET_KEYS[ref.key];
      if (!info)
        throw new PipeError('ERR_PLAN_INVALID', `${text}: unknown bitbucket key "${ref.key}"`);
      // An empty Bitbucket variable means "not in this kind of pipeline" (no tag, no PR).
      const value = scope.bitbucket[info.field];
      return present(value === '' ? undefined : value, text, `${info.variable} is empty or unset`);
    }
    case 'env':
      if (PROTECTED_ENV.includes(ref.name)) {
        throw new PipeError(
          'ERR_PLAN_INVALID',
          `${text}: env.${ref.name} is a credential of this pipe`,
        );
      }
      return present(scope.env[ref.name], text, `env.${ref.name} is not set`);
    case 'output': {
      const outputs = scope.outputs.get(ref.id);
      let value: unknown = outputs?.[ref.output];
      if (ref.field !== undefined) value = isRecord(value) ? value[ref.field] : undefined;
      const name = [ref.output, ref.field].filter((s) => s !== undefined).join('.');
      return present(
        value,
        text,
        outputs ? `"${ref.id}" produced no ${name}` : `"${ref.id}" has no outputs (it has not run)`,
      );
    }
    case 'databricks':
      return text;
  }
}

/** Returns a value as template text: strings as they are, numbers and booleans printed, the rest as JSON. */
function present(value: unknown, text: string, why: string): string {
  if (value === undefined || value === null) {
    throw new PipeError('ERR_PLAN_UNRESOLVED', `${text} has no value: ${why}`);
  }
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
    return String(value);
  return JSON.stringify(value);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Returns the action's body with its templates filled in, checked again against its schema
 * and rules now that every value is known (a version that renders as "abc" is caught here).
 * @throws PipeError ERR_PLAN_UNRESOLVED | ERR_PLAN_INVALID
 */
export function renderActionSpec(
  action: PlannedAction,
  scope: TemplateScope,
): Record<string, unknown> {
  const rendered = renderTemplates(action.spec, scope);
  const problems = checkActionBody(action.type, rendered, false);
  if (problems.length === 0) return rendered;
  const label = `action ${action.index}${action.id ? ` "${action.id}"` : ''} (${action.type}, line ${action.position.line})`;
  throw new PipeError('ERR_PLAN_INVALID', `${label} is invalid once its templates are filled in`, {
    details: problems.map((p) => `${formatNodePath([action.type, ...p.path])}: ${p.message}`),
    hint: 'check the values its {{ … }} references produce',
  });
}

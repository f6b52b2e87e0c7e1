/**
 * Schema pieces and plan-time helpers shared by several action modules, so that e.g. a
 * duration or a `from_run` selector means the same everywhere.
 */
import { formatDuration, parseDuration } from '../config/parsers.js';
import { specProblem } from './problems.js';

/**
 * Annotation keyword naming what a value should look like, used in messages where the bare
 * schema would only say "must match pattern". Ignored by other JSON Schema tools.
 */
export const EXPECTED_KEYWORD = 'x-expected';

/** The ajv format of duration fields: the same forms as WAIT_TIMEOUT (`30s`, `20m`, `1h30m`, `90`). */
export const DURATION_FORMAT = 'pipe-duration';

/** Returns a duration such as `20m` in milliseconds, or undefined when it is not one. */
export function parseDurationMs(text: string): number | undefined {
  const parsed = parseDuration(text);
  return parsed.ok ? parsed.value : undefined;
}

/** Returns the schema of a duration field. */
export function durationSchema(description: string): Record<string, unknown> {
  return {
    type: 'string',
    format: DURATION_FORMAT,
    [EXPECTED_KEYWORD]: 'a duration such as 30s, 20m, 2h or 1h30m, at most 48h',
    description,
  };
}

/** The `wait` field of run_job and submit_run (default true). */
export const WAIT_SCHEMA = {
  type: 'boolean',
  default: true,
  description: 'Wait until the run ends and fail the plan unless it succeeded.',
};

/** Outputs of run_job and submit_run. */
export const RUN_OUTPUTS = ['run_id', 'run_page_url', 'result_state', 'task_outputs'] as const;
/** Outputs that exist only once the run has ended (DESIGN §7.7). */
export const RUN_WAIT_OUTPUTS = ['result_state', 'task_outputs'] as const;

/** Returns `, wait up to 2h` / `, wait (default timeout)` / `, do not wait`. */
export function waitPhrase(wait: boolean | undefined, timeout: string | undefined): string {
  if (wait === false) return ', do not wait';
  if (timeout === undefined) return ', wait (default timeout)';
  const ms = parseDurationMs(timeout);
  return `, wait up to ${ms === undefined ? timeout : formatDuration(ms)}`;
}

/** Returns the schema of a map of names to string values (numbers are sent as strings). */
export function stringMapSchema(
  description: string,
  maxKeyLength?: number,
): Record<string, unknown> {
  return {
    type: 'object',
    description,
    additionalProperties: { type: 'string' },
    ...(maxKeyLength === undefined ? {} : { propertyNames: { maxLength: maxKeyLength } }),
  };
}

/** Returns the schema of a list of strings. */
export function stringListSchema(description: string): Record<string, unknown> {
  return { type: 'array', items: { type: 'string' }, description };
}

/** A registered model name; its form decides the registry (DESIGN §7.8). */
export const MODEL_NAME_SCHEMA = {
  type: 'string',
  minLength: 1,
  description:
    'Registered model: catalog.schema.model (three parts) for Unity Catalog, any other name for the workspace registry.',
};

/** A model version: a number, a string of digits, or a template that renders to one. */
export const VERSION_SCHEMA = {
  type: ['integer', 'string'],
  minimum: 1,
  pattern: '^[1-9][0-9]*$',
  [EXPECTED_KEYWORD]:
    'a model version number such as 3, or a reference such as "{{ register.version }}"',
  description: 'Model version number, e.g. 3 or "{{ register.version }}".',
};

/** A `from_run` selector: runs of an experiment matching a filter, in order. */
export type FromRunSelector = {
  experiment: string;
  filter?: string;
  order_by?: string | string[];
  /** register_model only; defaulted to `model`. */
  artifact_path?: string;
  /** tag_run only; defaulted to 100. */
  max_results?: number;
};

/** Returns `runs in /Shared/churn matching <filter> by metrics.auc DESC`. */
export function describeSelector(selector: FromRunSelector): string {
  const filter = selector.filter === undefined ? '' : ` matching ${selector.filter}`;
  const orderBy =
    selector.order_by === undefined ? '' : ` by ${[selector.order_by].flat().join(', ')}`;
  return `in ${selector.experiment}${filter}${orderBy}`;
}

/** Returns the `from_run` selector schema (DESIGN §3, §7.10). */
export function fromRunSchema(variant: 'register' | 'tag'): Record<string, unknown> {
  const properties: Record<string, unknown> = {
    experiment: {
      type: 'string',
      minLength: 1,
      description: 'Experiment path (e.g. /Shared/churn) or numeric experiment id.',
    },
    filter: {
      type: 'string',
      description:
        "MLflow search filter, e.g. tags.`mlflow.source.git.commit` = '{{ bitbucket.commit }}'.",
    },
    order_by: {
      type: ['string', 'array'],
      items: { type: 'string' },
      description: 'Sort order, e.g. "metrics.auc DESC" or a list of them.',
    },
  };
  if (variant === 'register') {
    properties['artifact_path'] = {
      type: 'string',
      minLength: 1,
      default: 'model',
      description: "Path of the logged model inside the run's artifacts.",
    };
  } else {
    properties['max_results'] = {
      type: 'integer',
      minimum: 1,
      maximum: 1000,
      default: 100,
      description: 'Tag at most this many matching runs.',
    };
  }
  return {
    type: 'object',
    description:
      variant === 'register'
        ? 'Select the source run: the first run of the experiment matching filter, in order_by order.'
        : 'Select the runs to tag: every run of the experiment matching filter, up to max_results.',
    required: ['experiment'],
    additionalProperties: false,
    properties,
  };
}

/** True for a Unity Catalog name: exactly three non-empty dot-separated parts (DESIGN §7.8). */
export function isUnityCatalogName(name: unknown): boolean {
  if (typeof name !== 'string') return false;
  const parts = name.split('.');
  return parts.length === 3 && parts.every((p) => p.trim() !== '');
}

/** Returns ` (Unity Catalog)` or ` (workspace registry)`; empty while the name is a template. */
export function registryFlavour(name: unknown): string {
  if (typeof name === 'string' && name.includes('{{')) return '';
  return isUnityCatalogName(name) ? ' (Unity Catalog)' : ' (workspace registry)';
}

/** Returns a problem unless exactly one of `keys` is set in `spec`. */
export function exactlyOne(spec: Record<string, unknown>, keys: readonly string[]): string[] {
  const present = keys.filter((k) => spec[k] !== undefined);
  if (present.length === 1) return [];
  const names = keys.join(', ');
  return present.length === 0
    ? [specProblem('', `set exactly one of ${names}`)]
    : [specProblem('', `set only one of ${names} (found ${present.join(' and ')})`)];
}

/** Returns `1 tag`, `3 tags`. */
export function countOf(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

/** Returns a value for a one-line description: names in quotes, numbers (ids) bare. */
export function quoted(value: unknown): string {
  const isNumeric = typeof value === 'number' || (typeof value === 'string' && /^\d+$/.test(value));
  return isNumeric ? String(value) : JSON.stringify(value ?? '');
}

import { posix } from 'node:path';
import {
  argsOf,
  invalidParameter,
  lengthError,
  notFound,
  optionalString,
  requireString,
  type Args,
} from './api-args.js';
import { trackingState, type MlflowRun } from './mlflow-store.js';
import type { EmuRequest, EmuResponse, Router } from './router.js';
import type { EmulatorState } from './state.js';

/**
 * MLflow run writes: `runs/set-tag`, `runs/delete-tag` and `runs/log-batch`, validated as
 * MLflow's server does (`mlflow/server/handlers.py`, `mlflow/utils/validation.py`), with the
 * run tag limits Databricks documents.
 */

const BASE = '/api/2.0/mlflow';
/** Run tag limits on Databricks (reference §4.1): key 250 bytes, value 64 KB. */
export const MAX_RUN_TAG_KEY_BYTES = 250;
export const MAX_RUN_TAG_VALUE_BYTES = 64 * 1024;
/** MLflow's log-batch limits (MAX_PARAMS_TAGS_PER_BATCH, MAX_METRICS_PER_BATCH, …). */
export const MAX_BATCH_TAGS = 100;
export const MAX_BATCH_PARAMS = 100;
export const MAX_BATCH_METRICS = 1000;
export const MAX_BATCH_ENTITIES = 1000;
const MAX_PARAM_VALUE_BYTES = 6000;
const VALID_KEY = /^[/\w.\- ]*$/;

const ok = (body: object): EmuResponse => ({ status: 200, body });

/**
 * Returns the tag (or param) key unchanged when MLflow would accept it.
 * @throws ApiError INVALID_PARAMETER_VALUE for characters or paths MLflow rejects, or length.
 */
export function validateTagKey(key: string, limitBytes: number, what = 'tag'): string {
  const chars =
    'Names may only contain alphanumerics, underscores (_), dashes (-), periods (.), spaces ( ), and slashes (/).';
  if (!VALID_KEY.test(key)) throw invalidParameter(`Invalid ${what} name: '${key}'. ${chars}`);
  const normal = posix.normalize(key);
  if (normal !== key || normal === '.' || normal.startsWith('..') || normal.startsWith('/')) {
    throw invalidParameter(
      `Invalid ${what} name: '${key}'. Names may be treated as files in certain cases, and must not ` +
        `resolve to other names when treated as such. This name would resolve to '${normal}'`,
    );
  }
  const tooLong = lengthError('Tag key', key, limitBytes);
  if (tooLong) throw tooLong;
  return key;
}

/**
 * Returns the run a request names (`run_id`, or the deprecated `run_uuid`).
 * @throws ApiError RESOURCE_DOES_NOT_EXIST (404) for an unknown run
 */
export function requireRun(state: EmulatorState, args: Args): MlflowRun {
  const runId =
    optionalString(args, 'run_id') ||
    optionalString(args, 'run_uuid') ||
    requireString(args, 'run_id');
  const run = trackingState(state).runs.get(runId);
  if (!run) throw notFound(`Run with id=${runId} not found`);
  return run;
}

function requireActiveRun(state: EmulatorState, args: Args): MlflowRun {
  const run = requireRun(state, args);
  if (run.info.lifecycle_stage !== 'active') {
    throw invalidParameter(
      `The run ${run.info.run_id} must be in the 'active' state. Current state is ${run.info.lifecycle_stage}.`,
    );
  }
  return run;
}

/** Returns a tag value within the run tag limit. */
function tagValue(args: Args, name = 'Tag value'): string {
  const value = optionalString(args, 'value') ?? '';
  const tooLong = lengthError(name, value, MAX_RUN_TAG_VALUE_BYTES);
  if (tooLong) throw tooLong;
  return value;
}

function setRunTag(run: MlflowRun, key: string, value: string): void {
  run.tags[key] = value;
  // MLflow keeps the run name and its system tag in step.
  if (key === 'mlflow.runName') run.info.run_name = value;
}

function setTag(state: EmulatorState, req: EmuRequest): EmuResponse {
  const args = argsOf(req);
  const run = requireActiveRun(state, args);
  const key = validateTagKey(requireString(args, 'key'), MAX_RUN_TAG_KEY_BYTES);
  setRunTag(run, key, tagValue(args));
  return ok({});
}

function deleteTag(state: EmulatorState, req: EmuRequest): EmuResponse {
  const args = argsOf(req);
  const run = requireActiveRun(state, args);
  const key = requireString(args, 'key');
  if (!(key in run.tags)) {
    throw notFound(`No tag with name: ${key} in run with id ${run.info.run_id}`);
  }
  delete run.tags[key];
  return ok({});
}

/** Returns the entries of an optional array field, each an object. */
function entriesOf(args: Args, field: string): Args[] {
  const value = args[field];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) {
    throw invalidParameter(
      `Invalid value ${JSON.stringify(value)} for parameter '${field}' supplied.`,
    );
  }
  return (value as unknown[]).map((item) =>
    item !== null && typeof item === 'object' ? (item as Args) : {},
  );
}

function keyOf(entry: Args, path: string): string {
  const key = optionalString(entry, 'key');
  if (!key) throw invalidParameter(`Missing value for required parameter '${path}.key'.`);
  return key;
}

function checkLimit(entity: string, count: number, limit: number): void {
  if (count <= limit) return;
  throw invalidParameter(
    `A batch logging request can contain at most ${limit} ${entity}. Got ${count} ${entity}. ` +
      `Please split up ${entity} across multiple requests and try again.`,
  );
}

interface Batch {
  tags: [string, string][];
  params: [string, string][];
  metrics: [string, number][];
}

/** Returns the batch after MLflow's checks, in its order: fields, data, limits. */
function readBatch(args: Args): Batch {
  const tags = entriesOf(args, 'tags').map((t, i): [string, string] => [
    validateTagKey(keyOf(t, `tags[${i}]`), MAX_RUN_TAG_KEY_BYTES),
    tagValue(t, `tags[${i}].value`),
  ]);
  const params = entriesOf(args, 'params').map((p, i): [string, string] => {
    const key = validateTagKey(keyOf(p, `params[${i}]`), MAX_RUN_TAG_KEY_BYTES, 'parameter');
    const value = optionalString(p, 'value') ?? '';
    const tooLong = lengthError('Param value', value, MAX_PARAM_VALUE_BYTES);
    if (tooLong) throw tooLong;
    return [key, value];
  });
  const metrics = entriesOf(args, 'metrics').map((m, i): [string, number] => {
    const key = keyOf(m, `metrics[${i}]`);
    if (typeof m['value'] !== 'number' || m['timestamp'] === undefined) {
      throw invalidParameter(`Missing value for required parameter 'metrics[${i}].value'.`);
    }
    return [key, m['value']];
  });
  checkLimit('metrics', metrics.length, MAX_BATCH_METRICS);
  checkLimit('params', params.length, MAX_BATCH_PARAMS);
  checkLimit('tags', tags.length, MAX_BATCH_TAGS);
  checkLimit(
    'metrics, params, and tags',
    tags.length + params.length + metrics.length,
    MAX_BATCH_ENTITIES,
  );
  const dupes = params.map(([key]) => key).filter((key, i, keys) => keys.indexOf(key) !== i);
  if (dupes.length > 0) {
    throw invalidParameter(
      `Duplicate parameter keys have been submitted: ${JSON.stringify(dupes)}. Please ensure the request contains only one param value per param key.`,
    );
  }
  return { tags, params, metrics };
}

function logBatch(state: EmulatorState, req: EmuRequest): EmuResponse {
  const args = argsOf(req);
  requireString(args, 'run_id');
  const batch = readBatch(args);
  const run = requireActiveRun(state, args);
  // Params are immutable: MLflow refuses a different value for one already logged.
  for (const [key, value] of batch.params) {
    if (key in run.params && run.params[key] !== value) {
      throw invalidParameter(
        `Changing param values is not allowed. Param with key='${key}' was already logged with value='${run.params[key]}' for run ID='${run.info.run_id}'. Attempted logging new value '${value}'.`,
      );
    }
  }
  for (const [key, value] of batch.params) run.params[key] = value;
  for (const [key, value] of batch.metrics) run.metrics[key] = value;
  for (const [key, value] of batch.tags) setRunTag(run, key, value);
  return ok({});
}

/** Registers the run write routes on the router. */
export function registerRunWriteRoutes(router: Router, state: EmulatorState): void {
  router.add('POST', `${BASE}/runs/set-tag`, (req) => setTag(state, req));
  router.add('POST', `${BASE}/runs/delete-tag`, (req) => deleteTag(state, req));
  router.add('POST', `${BASE}/runs/log-batch`, (req) => logBatch(state, req));
}

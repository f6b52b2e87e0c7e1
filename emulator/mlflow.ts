import { posix } from 'node:path';
import {
  argsOf,
  decodePageToken,
  encodePageToken,
  invalidParameter,
  lengthError,
  notFound,
  optionalInteger,
  optionalString,
  requireString,
  type Args,
} from './api-args.js';
import { parseRunFilter, runMatches } from './mlflow-search.js';
import { parseRunOrderBy, sortRuns } from './mlflow-search-order.js';
import {
  experimentJson,
  findExperimentByName,
  runJson,
  trackingState,
  type MlflowRun,
} from './mlflow-store.js';
import type { EmuRequest, EmuResponse, Router } from './router.js';
import type { EmulatorState } from './state.js';

/** MLflow tracking endpoints (`/api/2.0/mlflow/experiments/*`, `runs/*`). */

const BASE = '/api/2.0/mlflow';
/** Run tag limits on Databricks (reference §4.1): key 250 bytes, value 64 KB. */
export const MAX_RUN_TAG_KEY_BYTES = 250;
export const MAX_RUN_TAG_VALUE_BYTES = 64 * 1024;
const SEARCH_MAX_RESULTS_DEFAULT = 1000;
const SEARCH_MAX_RESULTS_LIMIT = 50000;
const VIEW_TYPES = ['ACTIVE_ONLY', 'DELETED_ONLY', 'ALL'] as const;
const VALID_KEY = /^[/\w.\- ]*$/;

const ok = (body: object): EmuResponse => ({ status: 200, body });

/**
 * Returns the tag key unchanged when MLflow would accept it.
 * @throws ApiError INVALID_PARAMETER_VALUE for characters or paths MLflow rejects, or length.
 */
export function validateTagKey(key: string, limitBytes: number): string {
  const chars =
    'Names may only contain alphanumerics, underscores (_), dashes (-), periods (.), spaces ( ), and slashes (/).';
  if (!VALID_KEY.test(key)) throw invalidParameter(`Invalid tag name: '${key}'. ${chars}`);
  const normal = posix.normalize(key);
  if (normal !== key || normal === '.' || normal.startsWith('..') || normal.startsWith('/')) {
    throw invalidParameter(
      `Invalid tag name: '${key}'. Names may be treated as files in certain cases, and must not ` +
        `resolve to other names when treated as such. This name would resolve to '${normal}'`,
    );
  }
  const tooLong = lengthError('Tag key', key, limitBytes);
  if (tooLong) throw tooLong;
  return key;
}

function requireRun(state: EmulatorState, args: Args): MlflowRun {
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

function getExperimentByName(state: EmulatorState, req: EmuRequest): EmuResponse {
  const name = requireString(argsOf(req), 'experiment_name');
  const experiment = findExperimentByName(state, name);
  if (!experiment) throw notFound(`Could not find experiment with name '${name}'`);
  return ok({ experiment: experimentJson(experiment) });
}

function getExperiment(state: EmulatorState, req: EmuRequest): EmuResponse {
  const id = requireString(argsOf(req), 'experiment_id');
  const experiment = trackingState(state).experiments.get(id);
  if (!experiment) throw notFound(`No Experiment with id=${id} exists`);
  return ok({ experiment: experimentJson(experiment) });
}

function stringList(args: Args, name: string): string[] {
  const value = args[name];
  if (value === undefined || value === null) return [];
  const list = Array.isArray(value) ? (value as unknown[]) : [value];
  return list.map((item) => String(item));
}

function viewTypeMatches(viewType: string, run: MlflowRun): boolean {
  if (viewType === 'ALL') return true;
  return (run.info.lifecycle_stage === 'active') === (viewType === 'ACTIVE_ONLY');
}

function searchRuns(state: EmulatorState, req: EmuRequest): EmuResponse {
  const args = argsOf(req);
  const maxResults = optionalInteger(args, 'max_results') ?? SEARCH_MAX_RESULTS_DEFAULT;
  if (maxResults <= 0 || maxResults > SEARCH_MAX_RESULTS_LIMIT) {
    throw invalidParameter(
      `Invalid value for request parameter max_results. It must be at most ${SEARCH_MAX_RESULTS_LIMIT}, but got value ${maxResults}`,
    );
  }
  const viewType = optionalString(args, 'run_view_type') ?? 'ACTIVE_ONLY';
  if (!(VIEW_TYPES as readonly string[]).includes(viewType)) {
    throw invalidParameter(`Invalid value for parameter 'run_view_type': '${viewType}'.`);
  }
  const clauses = parseRunFilter(optionalString(args, 'filter'));
  const order = parseRunOrderBy(stringList(args, 'order_by'));
  const offset = decodePageToken(optionalString(args, 'page_token'));
  const experimentIds = new Set(stringList(args, 'experiment_ids'));
  const matches = [...trackingState(state).runs.values()].filter(
    (run) =>
      experimentIds.has(run.info.experiment_id) &&
      viewTypeMatches(viewType, run) &&
      runMatches(run, clauses),
  );
  const page = sortRuns(matches, order).slice(offset, offset + maxResults);
  const hasMore = offset + maxResults < matches.length;
  return ok({
    ...(page.length > 0 ? { runs: page.map(runJson) } : {}),
    ...(hasMore ? { next_page_token: encodePageToken(offset + maxResults) } : {}),
  });
}

function setTag(state: EmulatorState, req: EmuRequest): EmuResponse {
  const args = argsOf(req);
  const run = requireActiveRun(state, args);
  const key = validateTagKey(requireString(args, 'key'), MAX_RUN_TAG_KEY_BYTES);
  const value = optionalString(args, 'value') ?? '';
  const tooLong = lengthError('Tag value', value, MAX_RUN_TAG_VALUE_BYTES);
  if (tooLong) throw tooLong;
  run.tags[key] = value;
  // MLflow keeps the run name and its system tag in step.
  if (key === 'mlflow.runName') run.info.run_name = value;
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

/** Registers the MLflow tracking routes on the router. */
export function registerMlflowRoutes(router: Router, state: EmulatorState): void {
  router.add('GET', `${BASE}/experiments/get-by-name`, (req) => getExperimentByName(state, req));
  router.add('GET', `${BASE}/experiments/get`, (req) => getExperiment(state, req));
  router.add('GET', `${BASE}/runs/get`, (req) =>
    ok({ run: runJson(requireRun(state, argsOf(req))) }),
  );
  router.add('POST', `${BASE}/runs/search`, (req) => searchRuns(state, req));
  router.add('POST', `${BASE}/runs/set-tag`, (req) => setTag(state, req));
  router.add('POST', `${BASE}/runs/delete-tag`, (req) => deleteTag(state, req));
}

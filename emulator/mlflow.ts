import {
  argsOf,
  decodePageToken,
  encodePageToken,
  invalidParameter,
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
import { registerRunWriteRoutes, requireRun } from './mlflow-run-writes.js';
import type { EmuRequest, EmuResponse, Router } from './router.js';
import type { EmulatorState } from './state.js';

/** MLflow tracking endpoints (`/api/2.0/mlflow/experiments/*`, `runs/*`). */

// Where other emulator modules have always found the tag rules.
export {
  MAX_RUN_TAG_KEY_BYTES,
  MAX_RUN_TAG_VALUE_BYTES,
  validateTagKey,
} from './mlflow-run-writes.js';

const BASE = '/api/2.0/mlflow';
const SEARCH_MAX_RESULTS_DEFAULT = 1000;
const SEARCH_MAX_RESULTS_LIMIT = 50000;
const VIEW_TYPES = ['ACTIVE_ONLY', 'DELETED_ONLY', 'ALL'] as const;

const ok = (body: object): EmuResponse => ({ status: 200, body });

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

/** Registers the MLflow tracking routes on the router. */
export function registerMlflowRoutes(router: Router, state: EmulatorState): void {
  router.add('GET', `${BASE}/experiments/get-by-name`, (req) => getExperimentByName(state, req));
  router.add('GET', `${BASE}/experiments/get`, (req) => getExperiment(state, req));
  router.add('GET', `${BASE}/runs/get`, (req) =>
    ok({ run: runJson(requireRun(state, argsOf(req))) }),
  );
  router.add('POST', `${BASE}/runs/search`, (req) => searchRuns(state, req));
  registerRunWriteRoutes(router, state);
}

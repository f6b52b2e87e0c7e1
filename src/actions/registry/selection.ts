import { PipeError, isPipeError } from '../../errors.js';
import {
  runTags,
  type MlflowApi,
  type MlflowExperiment,
  type MlflowRun,
} from '../../databricks/mlflow.js';
import type { ApiClient } from '../../databricks/types.js';
import type { FromRunSelector } from '../../plan/action-schema-parts.js';
import { memoFor } from '../../util/memo.js';

/** A run the pipe selected: its id, experiment and tags (for lineage). */
export interface SelectedRun {
  runId: string;
  experimentId: string;
  runName?: string;
  tags: Record<string, string>;
}

/** MLflow's largest page of runs/search we ask for; selections are much smaller. */
const SEARCH_PAGE_LIMIT = 1000;
const RUNS_URI = /^runs:\/([^/]+)\/(.+)$/;

/**
 * No run matched a `from_run` selector. A subclass, so the orchestrator can tell it from a
 * missing experiment: runs an earlier action of the plan will log cannot match in preflight.
 */
export class NoMatchingRunError extends PipeError {
  constructor(experiment: string, selector: FromRunSelector) {
    const filter = selector.filter === undefined ? 'no filter' : `filter ${selector.filter}`;
    super('ERR_NOT_FOUND', `no run in experiment ${experiment} matches ${filter}`, {
      hint: "check the filter (MLflow search syntax, e.g. tags.`mlflow.source.git.commit` = '<sha>'), and that the runs are not deleted",
    });
  }
}

/** Returns the run id of a `runs:/<run_id>/<path>` URI, or undefined for other sources. */
export function runIdOfSource(source: string): string | undefined {
  return RUNS_URI.exec(source)?.[1];
}

function selected(run: MlflowRun): SelectedRun {
  return {
    runId: run.info.run_id,
    experimentId: run.info.experiment_id,
    ...(run.info.run_name ? { runName: run.info.run_name } : {}),
    tags: runTags(run),
  };
}

/**
 * Returns the experiment a selector names: a numeric id, or else a path. With `invocation`
 * (the pipe's one ApiClient) it is asked once per invocation, as jobs are: the preflight's
 * answer serves the action, and every selector naming the same experiment by name or id.
 * @throws PipeError ERR_NOT_FOUND naming the experiment; API errors as they are
 */
export function resolveExperiment(
  ml: MlflowApi,
  experiment: string,
  invocation?: ApiClient,
): Promise<MlflowExperiment> {
  if (!invocation) return lookUpExperiment(ml, experiment);
  // Only answers are remembered (memoFor): a missing experiment or a failed call is asked again.
  return memoFor(experiments, invocation, experiment, () => lookUpExperiment(ml, experiment)).then(
    (found) => rememberExperiment(invocation, found),
  );
}

const experiments = new WeakMap<ApiClient, Map<string, Promise<MlflowExperiment>>>();

/** Returns `found`, remembered under its id and name too (a later selector may use either). */
function rememberExperiment(invocation: ApiClient, found: MlflowExperiment): MlflowExperiment {
  // A name of digits alone would be read as an id, so it is never a key.
  const keys = isExperimentId(found.name)
    ? [found.experiment_id]
    : [found.experiment_id, found.name];
  for (const key of keys) void memoFor(experiments, invocation, key, () => Promise.resolve(found));
  return found;
}

function isExperimentId(ref: string): boolean {
  return /^\d+$/.test(ref);
}

async function lookUpExperiment(ml: MlflowApi, experiment: string): Promise<MlflowExperiment> {
  try {
    return isExperimentId(experiment)
      ? await ml.getExperiment(experiment)
      : await ml.getExperimentByName(experiment);
  } catch (error) {
    if (!isPipeError(error, 'ERR_NOT_FOUND')) throw error;
    throw new PipeError('ERR_NOT_FOUND', `experiment ${experiment} not found`, {
      hint: "use the experiment's full workspace path (e.g. /Shared/churn or /Users/<name>/churn) or its numeric id, and check the pipe's identity can read it",
      cause: error,
    });
  }
}

/**
 * Returns the runs a selector matches, in its order, at most `limit` of them (the experiment
 * looked up once per `invocation`, see {@link resolveExperiment}).
 * @throws PipeError ERR_NOT_FOUND for a missing experiment or when nothing matches
 */
export async function selectRuns(
  ml: MlflowApi,
  selector: FromRunSelector,
  limit: number,
  invocation?: ApiClient,
): Promise<[SelectedRun, ...SelectedRun[]]> {
  const experiment = await resolveExperiment(ml, selector.experiment, invocation);
  const runs: MlflowRun[] = [];
  let pageToken: string | undefined;
  do {
    const page = await ml.searchRuns({
      experiment_ids: [experiment.experiment_id],
      ...(selector.filter ? { filter: selector.filter } : {}),
      ...(selector.order_by === undefined ? {} : { order_by: [selector.order_by].flat() }),
      max_results: Math.min(limit - runs.length, SEARCH_PAGE_LIMIT),
      ...(pageToken ? { page_token: pageToken } : {}),
    });
    runs.push(...page.runs);
    pageToken = page.next_page_token;
  } while (pageToken && runs.length < limit);
  const [first, ...rest] = runs.slice(0, limit).map(selected);
  if (!first) throw new NoMatchingRunError(selector.experiment, selector);
  return [first, ...rest];
}

/**
 * Returns a run by id.
 * @throws PipeError ERR_NOT_FOUND naming the run
 */
export async function getSelectedRun(ml: MlflowApi, runId: string): Promise<SelectedRun> {
  try {
    return selected(await ml.getRun(runId));
  } catch (error) {
    if (!isPipeError(error, 'ERR_NOT_FOUND')) throw error;
    throw new PipeError('ERR_NOT_FOUND', `MLflow run ${runId} not found`, {
      hint: "check the run id, and that the pipe's identity can read its experiment",
      cause: error,
    });
  }
}

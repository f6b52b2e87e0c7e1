import { mlflowApi, type MlflowApi } from '../../databricks/mlflow.js';
import type { ApiClient } from '../../databricks/types.js';
import type { TagRunSpec } from '../tag-run.js';
import type { ActionContext, ActionOutputs } from '../types.js';
import {
  preflightSelectionOf,
  provisionalSelection,
  type PreflightSelection,
} from './preflight-selection.js';
import { applyRunTags, tagsForRun } from './run-tags.js';
import { getSelectedRun, selectRuns, type SelectedRun } from './selection.js';

/** DESIGN §7.10: a selector tags at most this many runs unless it says otherwise. */
export const DEFAULT_MAX_RUNS = 100;

/**
 * Returns the runs a tag_run spec names: by id (each must exist) or every match of its
 * selector, up to max_results (the experiment looked up once per `invocation`).
 * @throws PipeError ERR_NOT_FOUND for a missing run or experiment, or no matching run
 */
export async function resolveRuns(
  ml: MlflowApi,
  spec: TagRunSpec,
  invocation?: ApiClient,
): Promise<SelectedRun[]> {
  if (spec.from_run) {
    const limit = spec.from_run.max_results ?? DEFAULT_MAX_RUNS;
    return selectRuns(ml, spec.from_run, limit, invocation);
  }
  const ids = spec.run_ids ?? (spec.run_id === undefined ? [] : [spec.run_id]);
  const runs: SelectedRun[] = [];
  for (const id of new Set(ids)) runs.push(await getSelectedRun(ml, id));
  return runs;
}

/**
 * Returns the runs tag_run would tag (DESIGN §7.2), as a selection the run reuses once the
 * orchestrator marks it final; with DRY_RUN it says what changes.
 * @throws PipeError ERR_NOT_FOUND
 */
export async function preflightTagRun(
  spec: TagRunSpec,
  ctx: ActionContext,
): Promise<PreflightSelection<SelectedRun[]>> {
  const runs = await resolveRuns(mlflowApi(ctx.api, ctx.signal), spec, ctx.api);
  if (ctx.settings.dryRun) {
    for (const run of runs) {
      const keys = Object.keys(tagsForRun(ctx, run, spec.tags));
      ctx.log.info(
        `would tag run ${run.runId}: ${keys.length > 0 ? keys.join(', ') : 'nothing new'}`,
      );
    }
  }
  return provisionalSelection(runs);
}

/**
 * Sets the spec's tags and the provenance tags on each run (one audit record per run);
 * returns `run_ids`.
 * @throws PipeError ERR_NOT_FOUND | ERR_PERMISSION_DENIED | ERR_API
 */
export async function runTagRun(spec: TagRunSpec, ctx: ActionContext): Promise<ActionOutputs> {
  const ml = mlflowApi(ctx.api, ctx.signal);
  const planned = preflightSelectionOf<SelectedRun[]>(ctx.resolved);
  // Resolved again unless final: an earlier action may have logged or tagged runs since preflight.
  const runs = planned?.isFinal ? planned.selected : await resolveRuns(ml, spec, ctx.api);
  let changed = 0;
  for (const run of runs) {
    if ((await applyRunTags(ctx, ml, run, spec.tags)) > 0) changed += 1;
  }
  ctx.log.info(`tagged ${runs.length} run(s); ${changed} needed new tags`);
  return { run_ids: runs.map((r) => r.runId) };
}

import { mlflowApi, type MlflowApi } from '../../databricks/mlflow.js';
import type { ApiClient } from '../../databricks/types.js';
import {
  actionKey,
  registrationKeyTags,
  versionProvenanceTags,
} from '../../evidence/provenance.js';
import { isUnityCatalogName, parseDurationMs } from '../../plan/action-schema-parts.js';
import type { RegisterModelSpec } from '../register-model.js';
import type { ActionContext, ActionOutputs } from '../types.js';
import {
  preflightSelectionOf,
  provisionalSelection,
  type PreflightSelection,
} from './preflight-selection.js';
import { applyRunTags } from './run-tags.js';
import { getSelectedRun, runIdOfSource, selectRuns, type SelectedRun } from './selection.js';
import { registerInUnityCatalog } from './uc-registration.js';
import { registerInWorkspace, withOutputs, type Registration } from './workspace-registration.js';

/** What register_model registers from: the source URI and, for `runs:/` sources, the run. */
export interface RegisterSource {
  source: string;
  run?: SelectedRun;
}

const DEFAULT_ARTIFACT_PATH = 'model';

/**
 * Returns the source of a register_model spec: the first run of its selector, or its `source`
 * (with the run a `runs:/` URI names). The experiment is looked up once per `invocation`.
 * @throws PipeError ERR_NOT_FOUND for a missing experiment or run, or no matching run
 */
export async function resolveSource(
  ml: MlflowApi,
  spec: RegisterModelSpec,
  invocation?: ApiClient,
): Promise<RegisterSource> {
  if (spec.from_run) {
    const [run] = await selectRuns(ml, spec.from_run, 1, invocation);
    const path = (spec.from_run.artifact_path ?? DEFAULT_ARTIFACT_PATH).replace(/^\/+/, '');
    return { source: `runs:/${run.runId}/${path}`, run };
  }
  const source = spec.source ?? '';
  const runId = runIdOfSource(source);
  return runId === undefined ? { source } : { source, run: await getSelectedRun(ml, runId) };
}

function describeRun(run: SelectedRun | undefined): string {
  if (!run) return '';
  return ` (run ${run.runId}${run.runName ? ` "${run.runName}"` : ''})`;
}

/**
 * Returns the preflight resolution of register_model (DESIGN §7.2): the source it would
 * register now, as a selection the run reuses once the orchestrator marks it final. With
 * DRY_RUN it says so in one line.
 * @throws PipeError ERR_NOT_FOUND (the orchestrator reports it as an unresolved plan, exit 2)
 */
export async function preflightRegisterModel(
  spec: RegisterModelSpec,
  ctx: ActionContext,
): Promise<PreflightSelection<RegisterSource>> {
  const resolved = await resolveSource(mlflowApi(ctx.api, ctx.signal), spec, ctx.api);
  const line = `${resolved.source}${describeRun(resolved.run)} as a new version of "${spec.name}"`;
  ctx.log.info(ctx.settings.dryRun ? `would register ${line}` : `will register ${line}`);
  return provisionalSelection(resolved);
}

/** Returns the source to register: the preflight's when final, else selected again. */
async function sourceAtRun(
  ml: MlflowApi,
  spec: RegisterModelSpec,
  ctx: ActionContext,
): Promise<RegisterSource> {
  const planned = preflightSelectionOf<RegisterSource>(ctx.resolved);
  if (planned?.isFinal) return planned.selected;
  // An earlier action of the plan may have logged a better run since preflight.
  const from = await resolveSource(ml, spec, ctx.api);
  if (planned && planned.selected.source !== from.source) {
    ctx.log.info(
      `the selector now matches ${from.source} (preflight saw ${planned.selected.source})`,
    );
  }
  return from;
}

function registration(
  spec: RegisterModelSpec,
  ctx: ActionContext,
  from: RegisterSource,
): Registration {
  const provenance = ctx.settings.provenanceTags
    ? versionProvenanceTags(from.run?.tags, ctx.bitbucket)
    : {};
  return {
    name: spec.name,
    source: from.source,
    ...(from.run ? { runId: from.run.runId } : {}),
    ...(spec.description === undefined ? {} : { description: spec.description }),
    tags: { ...provenance, ...spec.tags },
    keyTags: registrationKeyTags(ctx.bitbucket, actionKey(ctx.action)),
  };
}

/**
 * Registers a new model version (or reuses the one this step already registered) and waits
 * for READY; returns `version`, `run_id` (empty for a non-run source) and `source`.
 * @throws PipeError ERR_NOT_FOUND | ERR_REGISTRATION_FAILED | ERR_TIMEOUT | ERR_PERMISSION_DENIED
 *   | ERR_RUN_FAILED | ERR_API
 */
export async function runRegisterModel(
  spec: RegisterModelSpec,
  ctx: ActionContext,
): Promise<ActionOutputs> {
  const timeoutMs = (spec.timeout && parseDurationMs(spec.timeout)) || ctx.settings.waitTimeoutMs;
  const deadlineMs = ctx.clock.now() + timeoutMs;
  const ml = mlflowApi(ctx.api, ctx.signal);
  const from = await sourceAtRun(ml, spec, ctx);
  const reg = registration(spec, ctx, from);
  const outputs = { run_id: from.run?.runId ?? '', source: from.source };
  try {
    if (from.run) await applyRunTags(ctx, ml, from.run);
    const version = isUnityCatalogName(spec.name)
      ? await registerInUnityCatalog(ctx, reg, deadlineMs, timeoutMs)
      : await registerInWorkspace(ctx, ml, reg, deadlineMs);
    return { version, ...outputs };
  } catch (error) {
    throw withOutputs(error, outputs);
  }
}

import { mlflowApi, type MlflowApi, type TransitionStageRequest } from '../../databricks/mlflow.js';
import { PipeError, isPipeError } from '../../errors.js';
import type { TransitionStageSpec } from '../transition-stage.js';
import type { ActionContext, ActionOutputs } from '../types.js';
import { audited } from './audited.js';

const NOT_FOUND_CODES = ['RESOURCE_DOES_NOT_EXIST', 'NOT_FOUND'];

/**
 * True when a server does not have the endpoint at all (as opposed to a missing model): an
 * open-source MLflow server answers Databricks' path with a 404 page or ENDPOINT_NOT_FOUND.
 */
export function isMissingEndpoint(error: unknown): boolean {
  if (!isPipeError(error)) return false;
  const { errorCode, status } = error.api ?? {};
  if (errorCode === 'ENDPOINT_NOT_FOUND') return true;
  return status === 404 && !NOT_FOUND_CODES.includes(errorCode ?? '');
}

/**
 * Returns the version after the transition: through Databricks' path (DESIGN §7.8), falling
 * back to open-source MLflow's when the server does not have it, so the same plan works
 * against a plain MLflow tracking server.
 */
export async function transition(
  ml: MlflowApi,
  req: TransitionStageRequest,
): Promise<{ current_stage?: string }> {
  try {
    return await ml.transitionStageDatabricks(req);
  } catch (error) {
    if (!isMissingEndpoint(error)) throw error;
    return ml.transitionStageOss(req);
  }
}

function notFound(error: unknown, what: string): unknown {
  if (!isPipeError(error, 'ERR_NOT_FOUND')) return error;
  return new PipeError('ERR_NOT_FOUND', `${what} not found`, {
    hint: "check the model name and version, and that the pipe's identity can see the model",
    cause: error,
  });
}

/**
 * Checks the registered model exists (DESIGN §7.2).
 * @throws PipeError ERR_NOT_FOUND
 */
export async function preflightTransitionStage(
  spec: TransitionStageSpec,
  ctx: ActionContext,
): Promise<void> {
  try {
    await mlflowApi(ctx.api, ctx.signal).getRegisteredModel(spec.name);
  } catch (error) {
    throw notFound(error, `registered model ${spec.name}`);
  }
  if (ctx.settings.dryRun)
    ctx.log.info(`would move version ${String(spec.version)} of ${spec.name} to ${spec.stage}`);
}

/**
 * Moves a workspace-registry version to a stage; returns `previous_stage` (MLflow's `None`
 * when it had none).
 * @throws PipeError ERR_NOT_FOUND | ERR_PERMISSION_DENIED | ERR_API
 */
export async function runTransitionStage(
  spec: TransitionStageSpec,
  ctx: ActionContext,
): Promise<ActionOutputs> {
  const ml = mlflowApi(ctx.api, ctx.signal);
  const version = String(spec.version);
  const what = `version ${version} of ${spec.name}`;
  let previousStage: string;
  try {
    previousStage = (await ml.getModelVersion(spec.name, version)).current_stage ?? 'None';
  } catch (error) {
    throw notFound(error, what);
  }
  const req: TransitionStageRequest = {
    name: spec.name,
    version,
    stage: spec.stage,
    archive_existing_versions: spec.archive_existing_versions,
    comment: spec.comment ?? 'databricks-ml-pipe',
  };
  await audited(
    ctx,
    {
      operation: 'mlflow.model-versions.transition-stage',
      target: `model:${spec.name}/${version}`,
      request: { stage: spec.stage, archive_existing_versions: req.archive_existing_versions },
    },
    () => transition(ml, req),
    () => ({ previous_stage: previousStage }),
  );
  ctx.log.info(`${what} moved from ${previousStage} to ${spec.stage}`);
  return { previous_stage: previousStage };
}

import {
  MAX_TAGS_PER_BATCH,
  toTagList,
  type MlflowApi,
  type MlflowTag,
} from '../../databricks/mlflow.js';
import type { ApiClient } from '../../databricks/types.js';
import { isPipeError } from '../../errors.js';
import { runProvenanceTags } from '../../evidence/provenance.js';
import type { ActionContext } from '../types.js';
import { audited } from './audited.js';
import type { SelectedRun } from './selection.js';
import { isMissingEndpoint } from './stages.js';

/** Returns the tags a run still needs: provenance (when on) and `extra`, minus what it has. */
export function tagsForRun(
  ctx: Pick<ActionContext, 'settings' | 'bitbucket'>,
  run: SelectedRun,
  extra: Readonly<Record<string, string>> = {},
): Record<string, string> {
  const provenance = ctx.settings.provenanceTags ? runProvenanceTags(run.tags, ctx.bitbucket) : {};
  const wanted = { ...provenance, ...extra };
  return Object.fromEntries(
    Object.entries(wanted).filter(([key, value]) => run.tags[key] !== value),
  );
}

type TagEndpoint = 'log-batch' | 'set-tag';

// Invocations (one ApiClient each) whose server has no runs/log-batch: asked once, not per run.
const withoutLogBatch = new WeakSet<ApiClient>();

/**
 * Sets on a run the tags it still needs, with one audit record naming the endpoint used;
 * returns how many were set. Two or more go in runs/log-batch calls of at most
 * {@link MAX_TAGS_PER_BATCH}; a single one in runs/set-tag. A server without log-batch gets
 * the per-tag set-tag loop instead, for this run and the rest of the invocation. Both writes
 * are idempotent, so the client may retry each call.
 * @throws PipeError from runs/log-batch or runs/set-tag (ERR_NOT_FOUND, ERR_PERMISSION_DENIED,
 *   ERR_API, …)
 */
export async function applyRunTags(
  ctx: ActionContext,
  ml: MlflowApi,
  run: SelectedRun,
  extra: Readonly<Record<string, string>> = {},
): Promise<number> {
  const tags = tagsForRun(ctx, run, extra);
  const list = toTagList(tags);
  if (list.length === 0) {
    ctx.log.debug(`run ${run.runId} already carries every tag`);
    return 0;
  }
  let endpoint: TagEndpoint =
    list.length > 1 && !withoutLogBatch.has(ctx.api) ? 'log-batch' : 'set-tag';
  await audited(
    ctx,
    () => ({ operation: `mlflow.runs.${endpoint}`, target: `run:${run.runId}`, request: { tags } }),
    async () => {
      if (endpoint === 'log-batch') {
        if (await logInBatches(ctx, ml, run.runId, list)) return;
        endpoint = 'set-tag';
      }
      for (const tag of list) await ml.setRunTag(run.runId, tag);
    },
  );
  Object.assign(run.tags, tags);
  return list.length;
}

/**
 * Returns true once every tag is set through runs/log-batch, false when the server has no
 * such endpoint (remembered for the invocation, so the caller falls back to set-tag).
 */
async function logInBatches(
  ctx: ActionContext,
  ml: MlflowApi,
  runId: string,
  tags: readonly MlflowTag[],
): Promise<boolean> {
  try {
    for (let start = 0; start < tags.length; start += MAX_TAGS_PER_BATCH) {
      await ml.logBatchTags(runId, tags.slice(start, start + MAX_TAGS_PER_BATCH));
    }
    return true;
  } catch (error) {
    if (!lacksLogBatch(error)) throw error;
    withoutLogBatch.add(ctx.api);
    ctx.log.debug(
      `the server has no runs/log-batch (${(error as Error).message}); setting run tags one by one`,
    );
    return false;
  }
}

/**
 * True when the server does not have runs/log-batch (a 404 that is not about the run,
 * ENDPOINT_NOT_FOUND, or 501), as opposed to refusing this request.
 */
function lacksLogBatch(error: unknown): boolean {
  return isMissingEndpoint(error) || (isPipeError(error) && error.api?.status === 501);
}

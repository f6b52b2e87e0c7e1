import type { MlflowApi } from '../../databricks/mlflow.js';
import { runProvenanceTags } from '../../evidence/provenance.js';
import type { ActionContext } from '../types.js';
import { audited } from './audited.js';
import type { SelectedRun } from './selection.js';

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

/**
 * Sets on a run the tags it still needs (one audit record for the batch); returns how many
 * were set. Set-tag is idempotent, so the client may retry each call.
 * @throws PipeError from runs/set-tag (ERR_PERMISSION_DENIED, ERR_API, …)
 */
export async function applyRunTags(
  ctx: ActionContext,
  ml: MlflowApi,
  run: SelectedRun,
  extra: Readonly<Record<string, string>> = {},
): Promise<number> {
  const tags = tagsForRun(ctx, run, extra);
  const entries = Object.entries(tags);
  if (entries.length === 0) {
    ctx.log.debug(`run ${run.runId} already carries every tag`);
    return 0;
  }
  await audited(
    ctx,
    { operation: 'mlflow.runs.set-tag', target: `run:${run.runId}`, request: { tags } },
    async () => {
      for (const [key, value] of entries) await ml.setRunTag(run.runId, { key, value });
    },
  );
  Object.assign(run.tags, tags);
  return entries.length;
}

import type { ModelVersion, MlflowApi } from '../../databricks/mlflow.js';
import { toTagList } from '../../databricks/mlflow.js';
import { PipeError, isPipeError } from '../../errors.js';
import type { ActionContext } from '../types.js';
import { audited } from './audited.js';
import { waitForReady } from './wait-ready.js';

/** What to register: the model, the version's source and run, and the version's tags. */
export interface Registration {
  name: string;
  source: string;
  runId?: string;
  description?: string;
  tags: Record<string, string>;
  /** Tags that identify this step's registration; empty outside a pipeline (no reuse). */
  keyTags: Record<string, string>;
}

/** Returns `'x'` as an MLflow filter string literal. */
function literal(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

function hasTags(version: ModelVersion, wanted: Record<string, string>): boolean {
  const tags = new Map((version.tags ?? []).map((t) => [t.key, t.value]));
  return Object.entries(wanted).every(([key, value]) => tags.get(key) === value);
}

/**
 * Returns the version this step already registered from the same run (or source), if any:
 * what makes a repeated registration safe without a second version (DESIGN §7.4).
 */
export async function findRegisteredVersion(
  ml: MlflowApi,
  reg: Registration,
): Promise<ModelVersion | undefined> {
  if (Object.keys(reg.keyTags).length === 0) return undefined;
  const by =
    reg.runId === undefined
      ? `source_path = ${literal(reg.source)}`
      : `run_id = ${literal(reg.runId)}`;
  const filter = `name = ${literal(reg.name)} and ${by}`;
  const found: ModelVersion[] = [];
  let pageToken: string | undefined;
  do {
    const page = await ml.searchModelVersions(filter, pageToken);
    // A version whose registration failed is no result to reuse: register again.
    const usable = page.model_versions.filter((v) => v.status !== 'FAILED_REGISTRATION');
    found.push(...usable.filter((v) => hasTags(v, reg.keyTags)));
    pageToken = page.next_page_token;
  } while (pageToken);
  return found.sort((a, b) => Number(b.version) - Number(a.version))[0];
}

/**
 * Creates the registered model unless it exists (read before create; a concurrent creator's
 * RESOURCE_ALREADY_EXISTS counts as success), as MLflow's own `register_model` does.
 * @throws PipeError ERR_PERMISSION_DENIED | ERR_API
 */
export async function ensureRegisteredModel(
  ctx: ActionContext,
  ml: MlflowApi,
  name: string,
): Promise<void> {
  try {
    await ml.getRegisteredModel(name);
    return;
  } catch (error) {
    if (!isPipeError(error, 'ERR_NOT_FOUND')) throw error;
  }
  try {
    await audited(
      ctx,
      { operation: 'mlflow.registered-models.create', target: `model:${name}` },
      () => ml.createRegisteredModel(name, []),
    );
    ctx.log.info(`created registered model "${name}"`);
  } catch (error) {
    if (!(isPipeError(error) && error.api?.errorCode === 'RESOURCE_ALREADY_EXISTS')) throw error;
  }
}

/** True when a failed call may nevertheless have been processed (no answer, or a 5xx). */
export function isAmbiguousFailure(error: unknown): boolean {
  if (isPipeError(error, 'ERR_RETRIES_EXHAUSTED')) return true;
  if (!isPipeError(error, 'ERR_API')) return false;
  const status = error.api?.status;
  return status === undefined || status >= 500;
}

// After an ambiguous failure that created nothing, create again (DESIGN §7.4), this often.
const MAX_CREATE_ATTEMPTS = 3;
const CREATE_RETRY_DELAY_MS = 2_000;

/**
 * Returns the new version — or the one an ambiguous failure created after all. Never retried
 * blindly: after a failure that may have been processed it looks for the version first, and
 * creates again only when none exists and this step's tags would recognise a duplicate.
 * @throws PipeError from model-versions/create when no version turned up
 */
export async function createVersion(
  ctx: ActionContext,
  ml: MlflowApi,
  reg: Registration,
): Promise<ModelVersion> {
  const request = {
    name: reg.name,
    source: reg.source,
    ...(reg.runId === undefined ? {} : { run_id: reg.runId }),
    ...(reg.description === undefined ? {} : { description: reg.description }),
    tags: toTagList({ ...reg.tags, ...reg.keyTags }),
  };
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await audited(
        ctx,
        {
          operation: 'mlflow.model-versions.create',
          target: `model:${reg.name}`,
          request: { source: reg.source, run_id: reg.runId },
        },
        () => ml.createModelVersion(request),
        (v) => ({ version: v.version }),
      );
    } catch (error) {
      if (!isAmbiguousFailure(error)) throw error;
      const existing = await findRegisteredVersion(ml, reg);
      if (existing) {
        ctx.log.warn(
          `model-versions/create failed ambiguously, but version ${existing.version} was created: using it`,
        );
        return existing;
      }
      // Only a version this step can recognise as its own makes a second create safe.
      const canLook = Object.keys(reg.keyTags).length > 0;
      if (!canLook || ctx.signal.aborted) throw error;
      if (attempt >= MAX_CREATE_ATTEMPTS) {
        throw new PipeError(
          'ERR_RETRIES_EXHAUSTED',
          `model-versions/create failed ${attempt} times and created no version; last: ${(error as Error).message}`,
          {
            cause: error,
            hint: 'the workspace is failing; retry the step later (it is safe: no duplicate version is made)',
          },
        );
      }
      ctx.log.warn(
        `model-versions/create failed (${(error as Error).message}) and created no version: trying again`,
      );
      await ctx.clock.sleep(CREATE_RETRY_DELAY_MS * attempt, ctx.signal);
    }
  }
}

/**
 * Returns the version registered for `reg` in the workspace registry, READY: an earlier one of
 * this step when there is one, else a new one (creating the registered model when missing).
 * @throws PipeError ERR_REGISTRATION_FAILED | ERR_TIMEOUT | ERR_PERMISSION_DENIED | ERR_API
 */
export async function registerInWorkspace(
  ctx: ActionContext,
  ml: MlflowApi,
  reg: Registration,
  deadlineMs: number,
): Promise<string> {
  await ensureRegisteredModel(ctx, ml, reg.name);
  const earlier = await findRegisteredVersion(ml, reg);
  const version = earlier ?? (await createVersion(ctx, ml, reg));
  ctx.log.info(
    earlier
      ? `version ${earlier.version} of "${reg.name}" was already registered from this run by this step: reusing it`
      : `registered version ${version.version} of "${reg.name}" from ${reg.source}`,
  );
  const what = `version ${version.version} of "${reg.name}"`;
  try {
    await waitForReady(ctx, () => ml.getModelVersion(reg.name, version.version), what, deadlineMs);
  } catch (error) {
    throw withOutputs(error, { version: version.version });
  }
  return version.version;
}

/**
 * Returns `error` also carrying `outputs` (those it carries win), so results.json keeps what
 * was known when a registration failed: the run, the source, the version of a failed wait.
 */
export function withOutputs(error: unknown, outputs: Record<string, unknown>): unknown {
  if (!(error instanceof PipeError)) return error;
  return new PipeError(error.code, error.message, {
    ...(error.hint === undefined ? {} : { hint: error.hint }),
    details: error.details,
    ...(error.api === undefined ? {} : { api: error.api }),
    cause: error.cause ?? error,
    outputs: { ...outputs, ...error.outputs },
  });
}

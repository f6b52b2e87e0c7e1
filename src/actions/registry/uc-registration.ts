import { posix } from 'node:path';
import { getRun, getRunOutput, submitRun, type SubmitRunRequest } from '../../databricks/jobs.js';
import {
  unityCatalogApi,
  type UcModelVersion,
  type UnityCatalogApi,
} from '../../databricks/unity-catalog.js';
import { PipeError, isPipeError } from '../../errors.js';
import { runAndWait } from '../jobs/run-and-wait.js';
import type { ActionContext } from '../types.js';
import { audited } from './audited.js';
import {
  REGISTER_ENVIRONMENT,
  REGISTER_SCRIPT,
  RESULT_MARKER,
  SHARED_REGISTER_SCRIPT_PATH,
  registerScriptPath,
} from './register-script.js';
import { isMissingEndpoint } from './stages.js';
import { ucPermissionError } from './uc-permissions.js';
import { waitForReady } from './wait-ready.js';
import { withOutputs, type Registration } from './workspace-registration.js';

const TASK_KEY = 'register_model';

/**
 * Returns the version a registration run's output reports on its last result line, if any.
 * The line is `DATABRICKS_ML_PIPE_RESULT {"name": …, "version": "3"}`.
 */
export function parseRegistrationResult(logs: string | undefined): string | undefined {
  const lines = (logs ?? '').split('\n').filter((line) => line.startsWith(`${RESULT_MARKER} `));
  const last = lines.at(-1);
  if (last === undefined) return undefined;
  try {
    const parsed = JSON.parse(last.slice(RESULT_MARKER.length + 1)) as { version?: unknown };
    const version = parsed.version;
    // MLflow prints versions as strings; a number is accepted too.
    const text = typeof version === 'number' ? String(version) : version;
    return typeof text === 'string' && /^[1-9]\d*$/.test(text) ? text : undefined;
  } catch {
    return undefined;
  }
}

/** Returns the runs/submit body of a registration run (DESIGN §3): one serverless Python task. */
export function registrationRunBody(
  reg: Registration,
  idempotencyToken: string,
  timeoutMs: number,
  scriptPath: string,
): SubmitRunRequest {
  const parameters = ['--name', reg.name, '--source', reg.source];
  if (reg.runId !== undefined) parameters.push('--run-id', reg.runId);
  parameters.push('--tags', JSON.stringify({ ...reg.tags, ...reg.keyTags }));
  return {
    run_name: `databricks-ml-pipe: register ${reg.name}`,
    tasks: [
      {
        task_key: TASK_KEY,
        spark_python_task: { python_file: scriptPath, parameters },
        environment_key: REGISTER_ENVIRONMENT.environment_key,
      },
    ],
    environments: [REGISTER_ENVIRONMENT],
    timeout_seconds: Math.max(1, Math.ceil(timeoutMs / 1000)),
    idempotency_token: idempotencyToken,
  };
}

/**
 * Returns where the registration script goes: the identity's home folder, which only it and
 * workspace admins can write. Only a workspace that cannot say who the identity is (SCIM "Me"
 * not found) gets the shared folder, with a warning, as every user can write there.
 * @throws PipeError from the SCIM call, other than not found
 */
async function scriptPathFor(ctx: ActionContext, uc: UnityCatalogApi): Promise<string> {
  try {
    return registerScriptPath(await uc.currentUserName());
  } catch (error) {
    if (!isPipeError(error, 'ERR_NOT_FOUND') && !isMissingEndpoint(error)) throw error;
    ctx.log.warn(
      `the workspace did not say who the pipe's identity is (SCIM Me not found); uploading the registration script to ${posix.dirname(SHARED_REGISTER_SCRIPT_PATH)}, which every workspace user can write`,
    );
    return SHARED_REGISTER_SCRIPT_PATH;
  }
}

/**
 * Uploads the registration script to `path` (the folder is per pipe version; overwriting is
 * idempotent).
 * @throws PipeError ERR_PERMISSION_DENIED naming the folder | ERR_API
 */
async function uploadScript(ctx: ActionContext, uc: UnityCatalogApi, path: string): Promise<void> {
  const folder = posix.dirname(path);
  try {
    await audited(ctx, { operation: 'workspace.import', target: `file:${path}` }, async () => {
      await uc.mkdirs(folder);
      await uc.importFile(path, REGISTER_SCRIPT);
    });
  } catch (error) {
    if (!isPipeError(error, 'ERR_PERMISSION_DENIED')) throw error;
    throw new PipeError('ERR_PERMISSION_DENIED', `the pipe's identity may not write ${folder}`, {
      hint: `a workspace admin can create ${posix.dirname(folder)} and give the pipe's identity CAN_MANAGE on it`,
      cause: error,
    });
  }
}

/**
 * Returns the registration run's failure in registry words: a missing privilege names the
 * grant, and the run's own outputs (a Databricks run id, not the MLflow run the action's
 * `run_id` output means) become a detail line instead.
 */
function explainRunFailure(error: unknown, reg: Registration): unknown {
  if (!(error instanceof PipeError)) return error;
  const url = error.outputs?.['run_page_url'];
  const runLine = typeof url === 'string' ? [`registration run: ${url}`] : [];
  const denial = isPipeError(error, 'ERR_RUN_FAILED')
    ? [error.message, ...error.details].find((line) =>
        /PERMISSION_DENIED|does not have/i.test(line),
      )
    : undefined;
  const base =
    denial === undefined ? error : ucPermissionError('register', reg.name, denial, error);
  return new PipeError(base.code, base.message, {
    ...(base.hint === undefined ? {} : { hint: base.hint }),
    details: [...base.details, ...runLine],
    ...(base.api === undefined ? {} : { api: base.api }),
    cause: error,
  });
}

/** Returns the newest version of the model registered from the run (or source), 0 when none. */
async function newestVersionFrom(uc: UnityCatalogApi, reg: Registration): Promise<number> {
  const isFrom = (v: UcModelVersion): boolean =>
    reg.runId === undefined ? v.source === reg.source : v.run_id === reg.runId;
  let newest = 0;
  let pageToken: string | undefined;
  do {
    const page = await uc.listModelVersions(reg.name, pageToken);
    for (const v of page.model_versions.filter(isFrom)) newest = Math.max(newest, v.version);
    pageToken = page.next_page_token;
  } while (pageToken);
  return newest;
}

/** Returns the version the run printed, else the newest version of the model from the run. */
async function versionOf(
  ctx: ActionContext,
  uc: UnityCatalogApi,
  runId: number,
  reg: Registration,
): Promise<string> {
  const run = await getRun(ctx.api, runId, { signal: ctx.signal });
  const task = (run.tasks ?? []).find((t) => t.task_key === TASK_KEY) ?? run.tasks?.[0];
  const logs = task
    ? (await getRunOutput(ctx.api, task.run_id, { signal: ctx.signal })).logs
    : undefined;
  const printed = parseRegistrationResult(logs);
  if (printed !== undefined) return printed;
  ctx.log.warn(
    `registration run ${runId} printed no ${RESULT_MARKER} line; looking the version up by run id`,
  );
  const newest = await newestVersionFrom(uc, reg);
  if (newest > 0) return String(newest);
  throw new PipeError(
    'ERR_API',
    `registration run ${runId} succeeded but ${reg.name} has no version from ${reg.runId ? `run ${reg.runId}` : reg.source}`,
    { hint: 'open the registration run in the workspace and read its output' },
  );
}

/**
 * Returns the version registered in Unity Catalog, READY: the pipe uploads its registration
 * script, submits it as a one-time serverless run (idempotent per step and action, so a
 * repeated step reuses the run and its version), reads the version back and waits for READY.
 * @throws PipeError ERR_PERMISSION_DENIED naming the missing grant | ERR_RUN_FAILED |
 *   ERR_REGISTRATION_FAILED | ERR_TIMEOUT | ERR_CANCELLED | ERR_API
 */
export async function registerInUnityCatalog(
  ctx: ActionContext,
  reg: Registration,
  deadlineMs: number,
  timeoutMs: number,
): Promise<string> {
  const uc = unityCatalogApi(ctx.api, ctx.signal);
  const scriptPath = await scriptPathFor(ctx, uc);
  await uploadScript(ctx, uc, scriptPath);
  const body = registrationRunBody(reg, ctx.idempotencyToken, timeoutMs, scriptPath);
  let runId: number;
  try {
    const outputs = await runAndWait(ctx, {
      subject: `registration run for ${reg.name}`,
      trigger: {
        operation: 'jobs.runs.submit',
        target: `model:${reg.name}`,
        request: { run_name: body.run_name, python_file: scriptPath, source: reg.source },
        send: async (signal) => (await submitRun(ctx.api, body, { signal })).run_id,
      },
      wait: true,
      timeoutMs: Math.max(1, deadlineMs - ctx.clock.now()),
    });
    runId = Number(outputs['run_id']);
  } catch (error) {
    throw explainRunFailure(error, reg);
  }
  const version = await versionOf(ctx, uc, runId, reg);
  ctx.log.info(`registered version ${version} of ${reg.name} from ${reg.source}`);
  const what = `version ${version} of ${reg.name}`;
  try {
    await waitForReady(ctx, () => uc.getModelVersion(reg.name, Number(version)), what, deadlineMs);
  } catch (error) {
    throw withOutputs(error, { version });
  }
  return version;
}

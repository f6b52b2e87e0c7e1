/**
 * The runs/submit body submit_run sends, built before anything changes (the preflight): the
 * inline fields over the spec_file's, `git_source: auto` resolved, and the server-side
 * `timeout_seconds` always set, because Bitbucket kills a stopped step without warning and
 * only the workspace can then end the run.
 */
import type { ValidateFunction } from 'ajv';
import { formatDuration } from '../../config/parsers.js';
import type { SubmitRunRequest } from '../../databricks/jobs.js';
import { PipeError } from '../../errors.js';
import { createSpecFileValidator } from '../../generated/action-validators.js';
import { parseDurationMs } from '../../plan/action-schema-parts.js';
import { describeAjvErrors } from '../../plan/ajv-messages.js';
import { formatNodePath } from '../../plan/problems.js';
import { ACTION_FORMATS } from '../../plan/schema-validation.js';
import { SUBMIT_BODY_PROPERTIES } from '../../plan/submit-body-schema.js';
import type { ActionContext } from '../types.js';
import { autoGitSource } from './git-source.js';
import { readSpecFile } from './spec-file.js';

/** What the preflight hands submit_run's `run` through ctx.resolved. */
export interface SubmitPreparation {
  kind: 'submit_run';
  /** Everything but the idempotency token, which the trigger adds. */
  body: SubmitRunRequest;
  timeoutMs: number;
}

/** The plan's submit_run body, as far as preparing it is concerned. */
export type SubmitSpec = {
  spec_file?: string;
  wait?: boolean;
  timeout?: string;
} & Record<string, unknown>;

/** JSON Schema of a spec_file (a runs/submit body), precompiled by scripts/gen-validators.mjs. */
export const SPEC_FILE_SCHEMA = {
  type: 'object',
  required: ['tasks'],
  additionalProperties: false,
  properties: {
    ...SUBMIT_BODY_PROPERTIES,
    timeout_seconds: { type: 'integer', minimum: 0 },
    idempotency_token: { type: 'string' },
  },
};
let fileValidator: ValidateFunction | undefined;
// Fields of the action that are the pipe's, not Databricks'.
const PIPE_FIELDS = new Set(['spec_file', 'wait', 'timeout']);

/** True when `value` is what {@link prepareSubmit} returned. */
export function isSubmitPreparation(value: unknown): value is SubmitPreparation {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { kind?: unknown }).kind === 'submit_run'
  );
}

/**
 * Returns the body to submit and the client-side timeout. `validate` is submit_run's own
 * plan check, applied to the merged body.
 * @throws PipeError ERR_PLAN_INVALID for an unreadable or invalid spec_file, a merged body
 *   without tasks, or `git_source: auto` outside Bitbucket Pipelines
 */
export async function prepareSubmit(
  ctx: ActionContext,
  spec: SubmitSpec,
  validate: (body: Record<string, unknown>) => string[],
): Promise<SubmitPreparation> {
  const { spec_file: specFile, timeout } = spec;
  const inline = Object.fromEntries(Object.entries(spec).filter(([key]) => !PIPE_FIELDS.has(key)));
  const file = specFile === undefined ? {} : await readFileBody(ctx, specFile);
  const { timeout_seconds: fileTimeoutSeconds, ...fileBody } = file;
  const merged: Record<string, unknown> = { ...fileBody, ...inline };
  const problems = validate(merged);
  if (problems.length > 0) {
    const source = specFile === undefined ? 'submit_run' : `spec_file "${specFile}"`;
    throw new PipeError('ERR_PLAN_INVALID', `the runs/submit body of ${source} is invalid`, {
      details: problems.map((line) => `${source}${line.startsWith('/') ? ' ' : ': '}${line}`),
    });
  }
  const timeoutMs = timeoutOf(ctx, timeout, fileTimeoutSeconds);
  if (merged['git_source'] === 'auto') merged['git_source'] = autoGitSource(ctx.bitbucket);
  const body = {
    ...merged,
    timeout_seconds: Math.ceil(timeoutMs / 1000),
  } as SubmitRunRequest;
  return { kind: 'submit_run', body, timeoutMs };
}

async function readFileBody(
  ctx: ActionContext,
  specFile: string,
): Promise<Record<string, unknown>> {
  const body = await readSpecFile(ctx.settings.cloneDir, specFile);
  fileValidator ??= createSpecFileValidator(ACTION_FORMATS);
  if (!fileValidator(body)) {
    const problems = describeAjvErrors(fileValidator.errors ?? [], false);
    throw new PipeError(
      'ERR_PLAN_INVALID',
      `spec_file "${specFile}" is not a valid runs/submit body`,
      {
        details: problems.map((p) => `${specFile}: ${pathOf(p.path)}${p.message}`),
        hint: 'the file holds a jobs/runs/submit body: run_name, tasks, git_source, environments, …',
      },
    );
  }
  if (body['idempotency_token'] !== undefined) {
    ctx.log.warn(`spec_file "${specFile}" sets idempotency_token; the pipe's own replaces it`);
    delete body['idempotency_token'];
  }
  return body;
}

function timeoutOf(ctx: ActionContext, timeout: string | undefined, fileSeconds: unknown): number {
  const fromFile =
    typeof fileSeconds === 'number' && fileSeconds > 0 ? fileSeconds * 1000 : undefined;
  const fromPlan = timeout === undefined ? undefined : parseDurationMs(timeout);
  if (fromPlan !== undefined && fromFile !== undefined && fromPlan !== fromFile) {
    ctx.log.warn(
      `timeout ${formatDuration(fromPlan)} replaces the spec_file's timeout_seconds (${formatDuration(fromFile)})`,
    );
  }
  return fromPlan ?? fromFile ?? ctx.settings.waitTimeoutMs;
}

function pathOf(path: readonly string[]): string {
  if (path.length === 0) return '';
  return `${formatNodePath(path.map((s) => (/^\d+$/.test(s) ? Number(s) : s)))}: `;
}

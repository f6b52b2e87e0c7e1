import { runNow } from '../databricks/jobs.js';
import {
  countOf,
  durationSchema,
  quoted,
  RUN_OUTPUTS,
  RUN_WAIT_OUTPUTS,
  stringListSchema,
  stringMapSchema,
  WAIT_SCHEMA,
  waitPhrase,
} from '../plan/action-schema-parts.js';
import { specProblem } from '../plan/problems.js';
import { jobRunSearch } from './jobs/orphans.js';
import { describeResolvedJob, isJobRunPreparation, prepareJobRun } from './jobs/prepare-job-run.js';
import { runAndWait } from './jobs/run-and-wait.js';
import { auditedRunNow, runNowBody, timeoutMsOf } from './jobs/run-now-body.js';
import type { ActionContext, ActionDefinition, ActionOutputs } from './types.js';

// ─── Schema (plan) ─────────────────────────────────────────────────────────────────────────
// The body of `run_job:` (DESIGN §3; reference §3.2 jobs/run-now). Self-contained: the run
// code below may change freely without touching it.

/** Legacy per-task parameters, deprecated by Databricks in favour of `job_parameters`. */
export const LEGACY_PARAM_FIELDS = [
  'notebook_params',
  'python_params',
  'python_named_params',
  'jar_params',
  'spark_submit_params',
  'sql_params',
  'dbt_commands',
] as const;
// jobs/run-now rejects a legacy parameter field whose JSON exceeds this.
const LEGACY_PARAM_MAX_BYTES = 10_000;

/** A schema-valid `run_job` body (defaults applied). */
export type RunJobSpec = {
  /** Job name (exact, unique) or numeric job_id; a string of digits is a job_id. */
  job: string | number;
  job_parameters?: Record<string, string>;
  notebook_params?: Record<string, string>;
  python_params?: string[];
  python_named_params?: Record<string, string>;
  jar_params?: string[];
  spark_submit_params?: string[];
  sql_params?: Record<string, string>;
  dbt_commands?: string[];
  pipeline_params?: { full_refresh?: boolean };
  only?: string[];
  queue?: { enabled: boolean };
  performance_target?: 'STANDARD' | 'PERFORMANCE_OPTIMIZED';
  /** Defaulted to true by the schema. */
  wait: boolean;
  timeout?: string;
};

/** JSON Schema of the `run_job` body. */
export const RUN_JOB_SCHEMA: Record<string, unknown> = {
  type: 'object',
  description: 'Trigger an existing job (jobs/run-now) by numeric id or unique name.',
  required: ['job'],
  additionalProperties: false,
  properties: {
    job: {
      type: ['integer', 'string'],
      minimum: 1,
      minLength: 1,
      description:
        'Job name (exact match, must be unique) or numeric job_id; a string of digits is a job_id.',
    },
    job_parameters: stringMapSchema('Job parameters, name → value (sent as strings).'),
    notebook_params: stringMapSchema(
      'Legacy: notebook task parameters (deprecated; prefer job_parameters).',
    ),
    python_params: stringListSchema('Legacy: python task arguments, ASCII only.'),
    python_named_params: stringMapSchema('Legacy: python wheel named parameters.'),
    jar_params: stringListSchema(
      'Legacy: JAR task arguments (cannot be combined with notebook_params).',
    ),
    spark_submit_params: stringListSchema('Legacy: spark-submit arguments.'),
    sql_params: stringMapSchema('Legacy: SQL task parameters.'),
    dbt_commands: stringListSchema('Legacy: dbt commands.'),
    pipeline_params: {
      type: 'object',
      additionalProperties: false,
      properties: {
        full_refresh: { type: 'boolean', description: 'Full refresh of pipeline tasks.' },
      },
      description: 'Parameters for pipeline tasks.',
    },
    only: {
      type: 'array',
      minItems: 1,
      items: { type: 'string', minLength: 1 },
      description: 'Run only these task keys ("+key" adds upstream tasks, "key+" downstream).',
    },
    queue: {
      type: 'object',
      required: ['enabled'],
      additionalProperties: false,
      properties: { enabled: { type: 'boolean' } },
      description: 'Queue the run when the job is at its concurrency limit.',
    },
    performance_target: {
      type: 'string',
      enum: ['STANDARD', 'PERFORMANCE_OPTIMIZED'],
      description: 'Serverless performance target for this run.',
    },
    wait: WAIT_SCHEMA,
    timeout: durationSchema(
      'Longest client-side wait (default WAIT_TIMEOUT); the run is cancelled after it.',
    ),
  },
};

function validateRunJob(spec: RunJobSpec): string[] {
  const problems: string[] = [];
  const legacy = LEGACY_PARAM_FIELDS.filter((field) => spec[field] !== undefined);
  if (spec.job_parameters !== undefined && legacy.length > 0) {
    problems.push(
      specProblem(
        '/job_parameters',
        `cannot be combined with legacy ${legacy.join(', ')}; use job_parameters only`,
      ),
    );
  }
  if (spec.jar_params !== undefined && spec.notebook_params !== undefined) {
    problems.push(specProblem('/jar_params', 'cannot be combined with notebook_params'));
  }
  for (const field of legacy) {
    const bytes = Buffer.byteLength(JSON.stringify(spec[field]), 'utf8');
    if (bytes > LEGACY_PARAM_MAX_BYTES) {
      problems.push(
        specProblem(
          `/${field}`,
          `is ${bytes} bytes as JSON; Databricks accepts at most ${LEGACY_PARAM_MAX_BYTES}`,
        ),
      );
    }
  }
  const nonAscii = (spec.python_params ?? []).findIndex((p) => /[^\x20-\x7e]/.test(p));
  if (nonAscii >= 0)
    problems.push(specProblem(`/python_params/${nonAscii}`, 'must be ASCII (a Databricks limit)'));
  if (spec.wait === false && spec.timeout !== undefined) {
    problems.push(
      specProblem(
        '/timeout',
        'has no effect with wait: false (run-now has no server-side timeout); remove it',
      ),
    );
  }
  return problems;
}

function describeRunJob(spec: RunJobSpec): string {
  const parts = [`run job ${quoted(spec.job)}`];
  const params: string[] = [];
  if (spec.job_parameters)
    params.push(countOf(Object.keys(spec.job_parameters).length, 'job parameter'));
  params.push(...LEGACY_PARAM_FIELDS.filter((f) => spec[f] !== undefined));
  if (params.length > 0) parts.push(` with ${params.join(', ')}`);
  if (spec.only) parts.push(` (only ${spec.only.join(', ')})`);
  return parts.join('') + waitPhrase(spec.wait, spec.timeout);
}

// ─── Run (jobs) ────────────────────────────────────────────────────────────────────────────

async function runRunJob(spec: RunJobSpec, ctx: ActionContext): Promise<ActionOutputs> {
  // The preflight resolved the job unless the spec depends on an earlier action's output.
  const prepared = isJobRunPreparation(ctx.resolved)
    ? ctx.resolved
    : await prepareJobRun(ctx, spec);
  const { job } = prepared;
  const body = runNowBody(spec, job.jobId, ctx.idempotencyToken);
  return runAndWait(ctx, {
    subject: describeResolvedJob(job),
    trigger: {
      operation: 'jobs.run-now',
      target: `job:${job.jobId}`,
      request: auditedRunNow(body),
      send: async (signal, token) =>
        (await runNow(ctx.api, { ...body, idempotency_token: token }, { signal })).run_id,
    },
    wait: spec.wait !== false,
    timeoutMs: timeoutMsOf(spec.timeout, ctx.settings.waitTimeoutMs),
    prediction: prepared.prediction,
    orphans: jobRunSearch(ctx, body),
  });
}

/** `run_job`: jobs/run-now by id or unique name, then wait for the run (DESIGN §3). */
export const runJob: ActionDefinition<RunJobSpec> = {
  type: 'run_job',
  schema: RUN_JOB_SCHEMA,
  outputs: RUN_OUTPUTS,
  waitOutputs: RUN_WAIT_OUTPUTS,
  isNoWait: (spec) => spec.wait === false,
  validate: validateRunJob,
  describe: describeRunJob,
  preflight: (spec, ctx) => prepareJobRun(ctx, spec),
  run: runRunJob,
};

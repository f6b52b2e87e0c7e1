import type { RunNowRequest } from '../../databricks/jobs.js';
import { countOf, parseDurationMs } from '../../plan/action-schema-parts.js';
import type { RunJobSpec } from '../run-job.js';

// The run_job fields that jobs/run-now takes as they are (reference §3.2).
const PASSED_THROUGH = [
  'job_parameters',
  'notebook_params',
  'python_params',
  'python_named_params',
  'jar_params',
  'spark_submit_params',
  'sql_params',
  'dbt_commands',
  'pipeline_params',
  'only',
  'queue',
  'performance_target',
] as const satisfies readonly (keyof RunJobSpec & keyof RunNowRequest)[];

// Parameters whose values stay out of the audit trail: they may be anything, secrets included.
const PARAMETER_FIELDS = new Set<string>(PASSED_THROUGH.slice(0, 8));

/** Returns the jobs/run-now body for a resolved job, carrying the idempotency token. */
export function runNowBody(
  spec: RunJobSpec,
  jobId: number,
  idempotencyToken: string,
): RunNowRequest {
  const body: RunNowRequest = { job_id: jobId, idempotency_token: idempotencyToken };
  for (const field of PASSED_THROUGH) {
    if (spec[field] !== undefined) Object.assign(body, { [field]: spec[field] });
  }
  return body;
}

/** Returns what the audit trail records of a run-now body: parameter names, not values. */
export function auditedRunNow(body: RunNowRequest): Record<string, unknown> {
  const summary: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(body)) {
    if (value === undefined) continue;
    if (!PARAMETER_FIELDS.has(field)) summary[field] = value;
    else
      summary[field] = Array.isArray(value)
        ? countOf(value.length, 'value')
        : Object.keys(value as object);
  }
  return summary;
}

/** Returns the action's client-side timeout: its own `timeout`, else the default (WAIT_TIMEOUT). */
export function timeoutMsOf(timeout: string | undefined, defaultMs: number): number {
  return (timeout === undefined ? undefined : parseDurationMs(timeout)) ?? defaultMs;
}

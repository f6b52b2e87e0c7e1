/**
 * How a re-run step recognises the runs its stopped predecessor started (DESIGN §2 ON_ORPHAN).
 * The idempotency token cannot: it includes the step UUID, which a re-run need not share
 * (Bitbucket documents only that re-running failed or stopped steps keeps the pipeline and
 * raises BITBUCKET_STEP_RUN_NUMBER), and runs/list never returns it. So:
 *
 * - submit_run names its run `<run_name> [dmp-<16 hex>]`, the hex being a hash of the pipeline
 *   UUID, commit, deployment environment and the action's id (or position). A re-run of the
 *   step computes the same marker; another pipeline, action or environment does not.
 * - run_job cannot carry a marker: run-now has no run name, and an extra job parameter would
 *   reach the user's tasks (pushed down as notebook widgets and wheel keyword arguments), and
 *   the Databricks CLI refuses job parameters for a job that defines none. So a
 *   run_job run is recognised by its request: a run-now run of the same job whose parameters
 *   equal this action's, provided those parameters carry the commit or the pipeline UUID.
 */
import { createHash } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import type { BitbucketContext } from '../../config/types.js';
import type { Run, RunNowRequest } from '../../databricks/jobs.js';
import type { PlannedAction } from '../../plan/types.js';

const MARKER_PREFIX = 'dmp-';
const MARKER_HEX_CHARS = 16;
// Shorter values (a blank or abbreviated commit) would match too much.
const MIN_IDENTITY_CHARS = 7;
const LEGACY_FIELDS = [
  'notebook_params',
  'python_params',
  'python_named_params',
  'jar_params',
  'spark_submit_params',
  'sql_params',
  'dbt_commands',
] as const;

/**
 * Returns this action's marker, `dmp-` and 16 hex characters, or undefined outside a pipeline
 * (no BITBUCKET_PIPELINE_UUID): the same for every attempt of the step, whatever its step UUID.
 */
export function orphanMarker(
  bitbucket: BitbucketContext,
  action: Pick<PlannedAction, 'id' | 'index'>,
): string | undefined {
  if (bitbucket.pipelineUuid === undefined) return undefined;
  const parts = [
    'databricks-ml-pipe orphan marker v1',
    bitbucket.pipelineUuid,
    bitbucket.commit ?? '',
    bitbucket.deploymentEnvironment ?? '',
    action.id ?? `#${action.index}`,
  ];
  const hex = createHash('sha256').update(parts.join('\n')).digest('hex');
  return MARKER_PREFIX + hex.slice(0, MARKER_HEX_CHARS);
}

/** Returns the run name carrying the marker: `evaluate abc [dmp-…]`. */
export function markedRunName(name: string, marker: string): string {
  return `${name} [${marker}]`;
}

/** Returns true for a one-time run whose name carries the marker. */
export function isMarkedSubmitRun(run: Run, marker: string): boolean {
  return (
    (run.run_type === undefined || run.run_type === 'SUBMIT_RUN') &&
    typeof run.run_name === 'string' &&
    run.run_name.endsWith(` [${marker}]`)
  );
}

/**
 * Returns true when the run-now body can identify its run among others: some parameter value
 * contains the commit or the pipeline UUID.
 */
export function carriesPipelineIdentity(body: RunNowRequest, bitbucket: BitbucketContext): boolean {
  const identities = [bitbucket.commit, bitbucket.pipelineUuid].filter(
    (value): value is string => value !== undefined && value.length >= MIN_IDENTITY_CHARS,
  );
  return parameterValues(body).some((value) => identities.some((id) => value.includes(id)));
}

function parameterValues(body: RunNowRequest): string[] {
  const values: string[] = Object.values(body.job_parameters ?? {});
  for (const field of LEGACY_FIELDS) {
    const given = body[field];
    if (given !== undefined) values.push(...Object.values(given));
  }
  return values;
}

/**
 * Returns true when the run is what this run-now body would start: a run-now run (not a
 * scheduled or triggered one) of the job whose parameters equal the body's (job parameters the
 * body leaves out keep the job's defaults in both, so only the body's are compared).
 */
export function isSameJobRun(run: Run, body: RunNowRequest): boolean {
  if (run.job_id !== undefined && run.job_id !== body.job_id) return false;
  if (run.run_type !== undefined && run.run_type !== 'JOB_RUN') return false;
  if (run.trigger !== undefined && run.trigger !== 'ONE_TIME') return false;
  const given = new Map(jobParameterPairs(run.job_parameters));
  const wanted = Object.entries(body.job_parameters ?? {});
  if (wanted.some(([name, value]) => given.get(name) !== value)) return false;
  const overriding = isRecord(run['overriding_parameters']) ? run['overriding_parameters'] : {};
  return LEGACY_FIELDS.every(
    (field) => body[field] === undefined || isDeepStrictEqual(overriding[field], body[field]),
  );
}

/** Returns `[name, value]` of a Run's `job_parameters: [{name, default?, value?}]`. */
function jobParameterPairs(parameters: unknown): Array<[string, string | undefined]> {
  if (!Array.isArray(parameters)) return [];
  return parameters.filter(isRecord).flatMap((p) => {
    if (typeof p['name'] !== 'string') return [];
    const value = typeof p['value'] === 'string' ? p['value'] : p['default'];
    return [[p['name'], typeof value === 'string' ? value : undefined]];
  });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Which job `run_job.job` means: a numeric id (jobs/get) or an exact, unique name (jobs/list
 * with `name=`, an exact case-insensitive match on the server). Read-only, so the preflight can
 * do it before anything changes.
 */
import { PipeError, isPipeError } from '../../errors.js';
import { getJob, listJobs, type BaseJob } from '../../databricks/jobs.js';
import type { ApiClient } from '../../databricks/types.js';
import { memoFor } from '../../util/memo.js';

/** A job as the rest of run_job needs it. */
export interface ResolvedJob {
  jobId: number;
  name: string | undefined;
  /** The job's own server-side timeout; undefined (or 0) means none. */
  timeoutSeconds: number | undefined;
}

// Enough to name every duplicate in the error; the server's page limit for jobs/list.
const LIST_LIMIT = 100;
const MAX_LISTED_PAGES = 3;
const MAX_NAMED_MATCHES = 10;

/** Returns the job's id when `job` is one (a number, or a string of digits). */
export function jobIdOf(job: string | number): number | undefined {
  if (typeof job === 'number') return job;
  return /^\d+$/.test(job.trim()) ? Number(job.trim()) : undefined;
}

/**
 * Returns the job `job` names.
 * @throws PipeError ERR_NOT_FOUND when no job has this id or name; ERR_PLAN_UNRESOLVED when
 *   several jobs share the name (each listed with its id); API errors as they are
 */
export function resolveJob(
  api: ApiClient,
  job: string | number,
  signal?: AbortSignal,
): Promise<ResolvedJob> {
  // One look-up per job and invocation: a parallel group of 100 runs of one job asks once.
  return memoFor(resolvedJobs, api, String(job), () => {
    const jobId = jobIdOf(job);
    return jobId === undefined
      ? resolveByName(api, String(job), signal)
      : resolveById(api, jobId, signal);
  });
}

const resolvedJobs = new WeakMap<ApiClient, Map<string, Promise<ResolvedJob>>>();

async function resolveById(
  api: ApiClient,
  jobId: number,
  signal?: AbortSignal,
): Promise<ResolvedJob> {
  try {
    return toResolved(await getJob(api, jobId, { signal }));
  } catch (error) {
    if (!isPipeError(error, 'ERR_NOT_FOUND')) throw error;
    throw new PipeError(
      'ERR_NOT_FOUND',
      `job ${jobId} does not exist or is not visible to the pipe's identity`,
      {
        cause: error,
        hint: "check the job id, and grant the pipe's identity CAN_MANAGE_RUN on the job",
      },
    );
  }
}

async function resolveByName(
  api: ApiClient,
  name: string,
  signal?: AbortSignal,
): Promise<ResolvedJob> {
  const matches = await jobsNamed(api, name, signal);
  const [only, ...others] = matches;
  if (only && others.length === 0) return toResolved(only);
  if (!only) {
    throw new PipeError(
      'ERR_NOT_FOUND',
      `no job named "${name}" is visible to the pipe's identity`,
      {
        hint: "check the name (an exact match), and grant the pipe's identity CAN_MANAGE_RUN on the job",
      },
    );
  }
  const listed = matches.slice(0, MAX_NAMED_MATCHES).map(describeJob);
  const more = matches.length > MAX_NAMED_MATCHES ? ` and more` : '';
  throw new PipeError(
    'ERR_PLAN_UNRESOLVED',
    `${matches.length} jobs are named "${name}": ${listed.join(', ')}${more}; use the job's numeric id`,
    { hint: 'write e.g. `job: ' + String(only.job_id) + '` to pick one, or rename the others' },
  );
}

async function jobsNamed(api: ApiClient, name: string, signal?: AbortSignal): Promise<BaseJob[]> {
  const jobs: BaseJob[] = [];
  let pageToken: string | undefined;
  for (let page = 0; page < MAX_LISTED_PAGES; page++) {
    const response = await listJobs(
      api,
      { name, limit: LIST_LIMIT, ...(pageToken ? { page_token: pageToken } : {}) },
      { signal },
    );
    jobs.push(...(response.jobs ?? []));
    pageToken = response.has_more ? response.next_page_token : undefined;
    if (!pageToken) break;
  }
  // The server already matches exactly (ignoring case); this guards against one that does not.
  return jobs.filter((j) => j.settings?.name?.toLowerCase() === name.toLowerCase());
}

function describeJob(job: BaseJob): string {
  const facts: string[] = [];
  if (job.creator_user_name) facts.push(`by ${job.creator_user_name}`);
  if (job.created_time)
    facts.push(`created ${new Date(job.created_time).toISOString().slice(0, 10)}`);
  return facts.length > 0 ? `${job.job_id} (${facts.join(', ')})` : String(job.job_id);
}

function toResolved(job: BaseJob): ResolvedJob {
  return {
    jobId: job.job_id,
    name: job.settings?.name,
    timeoutSeconds: job.settings?.timeout_seconds,
  };
}

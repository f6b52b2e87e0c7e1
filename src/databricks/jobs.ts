/**
 * The Jobs API area (reference §3): typed requests and responses in the REST's own snake_case,
 * mapped to paths under /api/2.2/. Nothing here decides anything; the actions do.
 */
import { PipeError } from '../errors.js';
import type { ApiClient } from './types.js';

const JOBS = '/api/2.2/jobs';
// 2.2 pages tasks 100 at a time; Databricks allows 1000 tasks per job, so 50 pages is ample
// and a server that keeps answering with a token cannot loop us forever.
const MAX_RUN_PAGES = 50;

/**
 * Legacy run state. `life_cycle_state`: QUEUED, PENDING, RUNNING, TERMINATING, TERMINATED,
 * SKIPPED, INTERNAL_ERROR, BLOCKED, WAITING_FOR_RETRY; `result_state` is set once terminal.
 */
export interface RunState {
  life_cycle_state?: string;
  result_state?: string;
  state_message?: string;
  queue_reason?: string;
  user_cancelled_or_timedout?: boolean;
}

/** Newer run status; only `TERMINATED` is terminal. */
export interface RunStatus {
  state?: string;
  termination_details?: { code?: string; type?: string; message?: string };
  queue_details?: { code?: string; message?: string };
}

/** One task of a run; `run_id` is the TASK run id (the one runs/get-output accepts). */
export interface RunTask {
  run_id: number;
  task_key: string;
  state?: RunState;
  status?: RunStatus;
  run_page_url?: string;
  start_time?: number;
  end_time?: number;
  notebook_task?: Record<string, unknown>;
  [field: string]: unknown;
}

export interface Run {
  run_id: number;
  job_id?: number;
  run_name?: string;
  run_type?: string;
  run_page_url?: string;
  state?: RunState;
  status?: RunStatus;
  start_time?: number;
  end_time?: number;
  run_duration?: number;
  queue_duration?: number;
  tasks?: RunTask[];
  iterations?: RunTask[];
  job_clusters?: unknown[];
  job_parameters?: unknown[];
  repair_history?: unknown[];
  next_page_token?: string;
  [field: string]: unknown;
}

export interface JobSettings {
  name?: string;
  timeout_seconds?: number;
  max_concurrent_runs?: number;
  [field: string]: unknown;
}

export interface BaseJob {
  job_id: number;
  settings?: JobSettings;
  created_time?: number;
  creator_user_name?: string;
}

export interface ListJobsRequest {
  /** Exact, case-insensitive job name. */
  name?: string;
  limit?: number;
  page_token?: string;
}

export interface ListJobsResponse {
  jobs?: BaseJob[];
  has_more?: boolean;
  next_page_token?: string;
}

export interface Job extends BaseJob {
  run_as_user_name?: string;
  next_page_token?: string;
}

type LegacyMaps = 'notebook_params' | 'python_named_params' | 'sql_params';
type LegacyLists = 'python_params' | 'jar_params' | 'spark_submit_params' | 'dbt_commands';

/** jobs/run-now body (reference §3.2); the legacy per-task parameter fields included. */
export type RunNowRequest = {
  job_id: number;
  idempotency_token?: string;
  job_parameters?: Record<string, string>;
  pipeline_params?: { full_refresh?: boolean };
  only?: string[];
  queue?: { enabled: boolean };
  performance_target?: string;
} & Partial<Record<LegacyMaps, Record<string, string>> & Record<LegacyLists, string[]>>;

export interface RunNowResponse {
  run_id: number;
  number_in_job?: number;
}

/** jobs/runs/submit body (reference §3.3); task and compute fields pass through as given. */
export interface SubmitRunRequest {
  run_name?: string;
  tasks: Record<string, unknown>[];
  git_source?: Record<string, unknown>;
  timeout_seconds?: number;
  idempotency_token?: string;
  [field: string]: unknown;
}

export interface SubmitRunResponse {
  run_id: number;
}

export interface RunOutput {
  metadata?: Run;
  notebook_output?: { result?: string; truncated?: boolean };
  error?: string;
  error_trace?: string;
  logs?: string;
  logs_truncated?: boolean;
  info?: string;
}

export interface ListRunsRequest {
  job_id?: number;
  /** Runs started at or after this moment (epoch ms). */
  start_time_from?: number;
  /** Include each run's tasks (arrays cut at 100; `has_more` then says so). */
  expand_tasks?: boolean;
  active_only?: boolean;
  completed_only?: boolean;
  limit?: number;
  run_type?: string;
  page_token?: string;
}

export interface ListRunsResponse {
  runs?: Run[];
  has_more?: boolean;
  next_page_token?: string;
}

/** Options of one call: the caller's cancellation and, for cancels, a shorter retry budget. */
export interface CallOptions {
  signal?: AbortSignal | undefined;
  retryBudgetMs?: number;
}

type Query = Record<string, string | number | boolean | undefined>;

function get<T>(api: ApiClient, path: string, query: Query, options: CallOptions): Promise<T> {
  return api.request<T>({ method: 'GET', path: `${JOBS}/${path}`, query, ...extras(options) });
}

/** `idempotent`: repeating the call cannot start a second run, so 5xx may be retried. */
function post<T>(
  api: ApiClient,
  path: string,
  body: unknown,
  idempotent: boolean,
  options: CallOptions,
): Promise<T> {
  return api.request<T>({
    method: 'POST',
    path: `${JOBS}/${path}`,
    body,
    idempotent,
    ...extras(options),
  });
}

function extras(options: CallOptions): { signal?: AbortSignal; retryBudgetMs?: number } {
  return {
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.retryBudgetMs === undefined ? {} : { retryBudgetMs: options.retryBudgetMs }),
  };
}

/** Returns one page of jobs/list. @throws PipeError from the API client */
export function listJobs(
  api: ApiClient,
  req: ListJobsRequest,
  options: CallOptions = {},
): Promise<ListJobsResponse> {
  return get(api, 'list', { ...req }, options);
}

/**
 * Returns the job's first page: its settings (tasks beyond 100 are not needed here).
 * @throws PipeError ERR_NOT_FOUND for an unknown job
 */
export function getJob(api: ApiClient, jobId: number, options: CallOptions = {}): Promise<Job> {
  return get(api, 'get', { job_id: jobId }, options);
}

/**
 * Returns the new (or, for a repeated idempotency token, the existing) run. Idempotent only
 * with a token, so only then does the client retry 5xx and network failures.
 * @throws PipeError from the API client
 */
export function runNow(
  api: ApiClient,
  body: RunNowRequest,
  options: CallOptions = {},
): Promise<RunNowResponse> {
  return post(api, 'run-now', body, body.idempotency_token !== undefined, options);
}

/** Returns the submitted run's id (idempotent with a token, as run-now). @throws PipeError */
export function submitRun(
  api: ApiClient,
  body: SubmitRunRequest,
  options: CallOptions = {},
): Promise<SubmitRunResponse> {
  return post(api, 'runs/submit', body, body.idempotency_token !== undefined, options);
}

/**
 * Returns the run with every task, following 2.2's array pagination: later pages carry only
 * the next slice of each array (tasks or for-each iterations, job_clusters, job_parameters,
 * repair_history), which are appended.
 * @throws PipeError ERR_NOT_FOUND for an unknown run; ERR_API when pages never end
 */
export async function getRun(
  api: ApiClient,
  runId: number,
  options: CallOptions = {},
): Promise<Run> {
  const first = await get<Run>(api, 'runs/get', { run_id: runId }, options);
  const run: Run = { ...first };
  delete run.next_page_token;
  let token = first.next_page_token;
  for (let page = 1; token; page++) {
    if (page >= MAX_RUN_PAGES) {
      throw new PipeError('ERR_API', `runs/get for run ${runId} kept returning pages (${page})`);
    }
    const next = await get<Run>(api, 'runs/get', { run_id: runId, page_token: token }, options);
    for (const key of PAGED_ARRAYS) appendPage(run, next, key);
    token = next.next_page_token === token ? undefined : next.next_page_token;
  }
  return run;
}

const PAGED_ARRAYS = [
  'tasks',
  'iterations',
  'job_clusters',
  'job_parameters',
  'repair_history',
] as const;

function appendPage(run: Run, page: Run, key: (typeof PAGED_ARRAYS)[number]): void {
  const more = page[key];
  if (!Array.isArray(more) || more.length === 0) return;
  const have = run[key];
  (run as Record<string, unknown>)[key] = Array.isArray(have) ? [...have, ...more] : [...more];
}

/**
 * Returns the output of one TASK run (Databricks refuses the parent of a multi-task run).
 * @throws PipeError from the API client
 */
export function getRunOutput(
  api: ApiClient,
  taskRunId: number,
  options: CallOptions = {},
): Promise<RunOutput> {
  return get(api, 'runs/get-output', { run_id: taskRunId }, options);
}

/** Requests cancellation (asynchronous: poll afterwards); idempotent by nature. @throws PipeError */
export async function cancelRun(
  api: ApiClient,
  runId: number,
  options: CallOptions = {},
): Promise<void> {
  await post(api, 'runs/cancel', { run_id: runId }, true, options);
}

/** Returns one page of runs/list, newest first. @throws PipeError from the API client */
export function listRuns(
  api: ApiClient,
  req: ListRunsRequest,
  options: CallOptions = {},
): Promise<ListRunsResponse> {
  return get(api, 'runs/list', { ...req }, options);
}

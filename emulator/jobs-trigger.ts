import type { EmuRequest, EmuResponse } from './router.js';
import type { EmulatorState } from './state.js';
import { bodyOf, invalid, requireId } from './jobs-args.js';
import { createRun, selectOnly } from './jobs-factory.js';
import { jobsState, type EmuJob, type EmuRun } from './jobs-model.js';
import {
  checkGitSource,
  checkIdempotencyToken,
  checkLegacyParams,
  checkStringMap,
  checkTasks,
  checkTimeoutSeconds,
} from './jobs-validate.js';

/** Starting runs: jobs/run-now and jobs/runs/submit, both idempotent by token (reference §3.2–3.3). */

/**
 * Returns the job.
 * @throws ApiError 400 INVALID_PARAMETER_VALUE "Job <id> does not exist." as Databricks answers.
 */
export function requireJob(state: EmulatorState, jobId: number): EmuJob {
  const job = jobsState(state).jobs.get(jobId);
  if (!job) throw invalid(`Job ${jobId} does not exist.`);
  return job;
}

/** Returns the run an idempotency token already started, if any. */
function findIdempotent(state: EmulatorState, token: string | undefined): EmuRun | undefined {
  if (token === undefined) return undefined;
  const jobs = jobsState(state);
  const runId = jobs.idempotency.get(token);
  return runId === undefined ? undefined : jobs.runs.get(runId);
}

/**
 * Returns `{run_id, number_in_job}` of a new run of the job, or of the run an earlier call
 * with the same idempotency token started.
 * @throws ApiError 400 INVALID_PARAMETER_VALUE for an invalid request or an unknown job.
 */
export function runNow(state: EmulatorState, req: EmuRequest): EmuResponse {
  const body = bodyOf(req);
  const job = requireJob(state, requireId(body.job_id, 'job_id'));
  const token = checkIdempotencyToken(body.idempotency_token);
  const jobParameters = checkStringMap(body.job_parameters, 'job_parameters');
  const legacy = checkLegacyParams(body);
  if (jobParameters && Object.keys(legacy).length > 0) {
    throw invalid(
      'job_parameters cannot be used together with legacy task parameters such as notebook_params.',
    );
  }
  const tasks = selectTasks(job, body.only);
  const existing = findIdempotent(state, token);
  if (existing)
    return {
      status: 200,
      body: { run_id: existing.run_id, number_in_job: existing.number_in_job },
    };
  const run = startJobRun(state, job, {
    creator: req.principal ?? 'unknown',
    tasks,
    request: {
      job_parameters: resolveJobParameters(job, jobParameters),
      ...(Object.keys(legacy).length ? { overriding_parameters: legacy } : {}),
      ...(token !== undefined ? { idempotency_token: token } : {}),
    },
  });
  if (token !== undefined) jobsState(state).idempotency.set(token, run.run_id);
  return { status: 200, body: { run_id: run.run_id, number_in_job: run.number_in_job } };
}

function selectTasks(job: EmuJob, only: unknown): EmuJob['settings']['tasks'] {
  if (only === undefined || only === null) return job.settings.tasks;
  if (!Array.isArray(only) || only.some((k) => typeof k !== 'string'))
    throw invalid('only must be a list of task keys.');
  const selected = selectOnly(job.settings.tasks, only as string[]);
  if (!Array.isArray(selected))
    throw invalid(`Task ${selected.unknown} does not exist in job ${job.job_id}.`);
  return selected;
}

/** Returns run-now's name→value map as the Run's `[{name, default, value}]` array. */
function resolveJobParameters(
  job: EmuJob,
  given: Record<string, string> | undefined,
): Array<Record<string, string>> {
  const defined = Array.isArray(job.settings.parameters)
    ? (job.settings.parameters as Array<{ name: string; default?: string }>)
    : [];
  const resolved: Array<Record<string, string>> = defined.map((p) => ({
    name: p.name,
    default: p.default ?? '',
    value: given?.[p.name] ?? p.default ?? '',
  }));
  for (const [name, value] of Object.entries(given ?? {})) {
    if (!defined.some((p) => p.name === name)) resolved.push({ name, value });
  }
  return resolved;
}

/** Returns a new run of the job following its scenario (durations, outcomes, timeout). */
export function startJobRun(
  state: EmulatorState,
  job: EmuJob,
  how: {
    creator: string;
    tasks?: EmuJob['settings']['tasks'];
    request?: Record<string, unknown>;
    createdAt?: number;
    fromScenario?: boolean;
  },
): EmuRun {
  const { scenario } = job;
  job.runCount += 1;
  return createRun(state, {
    job_id: job.job_id,
    run_name: job.settings.name,
    run_type: 'JOB_RUN',
    creator: how.creator,
    tasks: how.tasks ?? job.settings.tasks,
    durationOf: (key) => scenario.taskDurations[key] ?? scenario.durationMs,
    presetOf: (key) => scenario.outcomes[key] ?? scenario.defaultOutcome,
    pendingMs: scenario.pendingMs,
    ...(typeof job.settings.timeout_seconds === 'number'
      ? { timeoutSeconds: job.settings.timeout_seconds }
      : {}),
    fallbackOutcome: { result: 'SUCCESS' },
    request: how.request ?? {},
    ...(how.createdAt !== undefined ? { createdAt: how.createdAt } : {}),
    ...(how.fromScenario !== undefined ? { fromScenario: how.fromScenario } : {}),
    concurrency: concurrencyOf(job),
  });
}

/** Returns the job's max_concurrent_runs (default 1) and whether runs beyond it queue. */
function concurrencyOf(job: EmuJob): { maxConcurrentRuns: number; isQueueEnabled: boolean } {
  const max = job.settings.max_concurrent_runs;
  const queue = job.settings.queue as { enabled?: unknown } | undefined;
  return {
    maxConcurrentRuns: typeof max === 'number' && max > 0 ? max : 1,
    isQueueEnabled: queue?.enabled === true,
  };
}

/**
 * Returns `{run_id}` of a new one-time run (or of the idempotency token's earlier run).
 * @throws ApiError 400 INVALID_PARAMETER_VALUE for invalid tasks, git_source or timeout.
 */
export function submitRun(state: EmulatorState, req: EmuRequest): EmuResponse {
  const body = bodyOf(req);
  const token = checkIdempotencyToken(body.idempotency_token);
  const gitSource = checkGitSource(body.git_source);
  const tasks = checkTasks(body.tasks, gitSource !== undefined);
  const timeoutSeconds = checkTimeoutSeconds(body.timeout_seconds);
  const existing = findIdempotent(state, token);
  if (existing) return { status: 200, body: { run_id: existing.run_id } };
  const defaults = jobsState(state).submitDefaults;
  const run = createRun(state, {
    job_id: state.nextId(),
    run_name:
      typeof body.run_name === 'string' && body.run_name !== '' ? body.run_name : 'Untitled',
    run_type: 'SUBMIT_RUN',
    creator: req.principal ?? 'unknown',
    tasks,
    durationOf: () => defaults.durationMs,
    presetOf: () => undefined,
    pendingMs: defaults.pendingMs,
    ...(timeoutSeconds !== undefined ? { timeoutSeconds } : {}),
    fallbackOutcome: defaults.outcome,
    request: {
      ...(gitSource ? { git_source: gitSource } : {}),
      ...(token !== undefined ? { idempotency_token: token } : {}),
    },
  });
  if (token !== undefined) jobsState(state).idempotency.set(token, run.run_id);
  return { status: 200, body: { run_id: run.run_id } };
}

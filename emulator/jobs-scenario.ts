import type { EmulatorState } from './state.js';
import type { TaskOutcome } from './types.js';
import { startJobRun } from './jobs-trigger.js';
import { createRun, dependencyKeys, sortByDependencies } from './jobs-factory.js';
import {
  DEFAULT_DURATION_MS,
  DEFAULT_PENDING_MS,
  jobsState,
  type SubmitDefaults,
  type TaskSettings,
} from './jobs-model.js';
import { checkTasks } from './jobs-validate.js';

/** Scenario control for tests: jobs and how their runs behave, history and orphaned runs. */

/** A finished run in the job's past (for duration prediction from recent runs). */
export interface HistoryRun {
  result?: 'SUCCESS' | 'FAILED' | 'TIMEDOUT' | 'CANCELED';
  /** start_time to end_time. */
  durationMs: number;
  /** How long before now it ended; default: one hour apart per item, the last item newest. */
  endedAgoMs?: number;
}

export interface JobSpec {
  name: string;
  /** Job tasks (settings as in jobs/create); default one notebook task `main`. */
  tasks?: TaskSettings[];
  /** RUNNING time of each task (default 5000 ms). */
  durationMs?: number;
  /** PENDING (setup) time before tasks start (default 1000 ms). */
  pendingMs?: number;
  taskDurations?: Record<string, number>;
  /** Outcome of every task unless `outcomes` names it; default SUCCESS (or a task handler). */
  outcome?: TaskOutcome;
  outcomes?: Record<string, TaskOutcome>;
  timeout_seconds?: number;
  parameters?: Array<{ name: string; default: string }>;
  /**
   * Other JobSettings fields, stored and returned as given (git_source, tags, ...). Defaults:
   * `max_concurrent_runs: 1` and `queue: {enabled: true}` (runs beyond the limit are QUEUED;
   * with `queue: {enabled: false}` they are SKIPPED).
   */
  settings?: Record<string, unknown>;
  creator?: string;
  history?: HistoryRun[];
}

/** Returns the new job's id; its history runs already exist, ended. */
export function addJob(state: EmulatorState, spec: JobSpec): number {
  const jobs = jobsState(state);
  const jobId = state.nextId();
  const tasks = checkTasks(
    spec.tasks ?? [{ task_key: 'main', notebook_task: { notebook_path: `/Jobs/${spec.name}` } }],
    true,
  );
  const settings = {
    queue: { enabled: true },
    ...spec.settings,
    name: spec.name,
    tasks,
    ...(spec.timeout_seconds !== undefined ? { timeout_seconds: spec.timeout_seconds } : {}),
    ...(spec.parameters ? { parameters: spec.parameters } : {}),
    max_concurrent_runs: (spec.settings?.max_concurrent_runs as number | undefined) ?? 1,
    format: 'MULTI_TASK',
  };
  const creator = spec.creator ?? 'admin@example.com';
  jobs.jobs.set(jobId, {
    job_id: jobId,
    settings,
    created_time: state.clock.now() - (spec.history?.length ?? 0) * 3_600_000 - 86_400_000,
    creator_user_name: creator,
    scenario: {
      durationMs: spec.durationMs ?? DEFAULT_DURATION_MS,
      pendingMs: spec.pendingMs ?? DEFAULT_PENDING_MS,
      taskDurations: spec.taskDurations ?? {},
      outcomes: spec.outcomes ?? {},
      ...(spec.outcome ? { defaultOutcome: spec.outcome } : {}),
    },
    runCount: 0,
  });
  (spec.history ?? []).forEach((item, i, all) =>
    addHistoryRun(state, jobId, item, (all.length - i) * 3_600_000, creator),
  );
  return jobId;
}

function addHistoryRun(
  state: EmulatorState,
  jobId: number,
  item: HistoryRun,
  defaultAgo: number,
  creator: string,
): void {
  const job = jobsState(state).jobs.get(jobId);
  if (!job) return;
  const terminatingMs = jobsState(state).terminatingMs;
  const createdAt = state.clock.now() - (item.endedAgoMs ?? defaultAgo) - item.durationMs;
  const workMs = Math.max(1, item.durationMs - terminatingMs);
  const depth = chainDepth(job.settings.tasks);
  const result = item.result ?? 'SUCCESS';
  const failed: TaskOutcome = { result: 'FAILED', error: 'Workload failed' };
  createRun(state, {
    job_id: jobId,
    run_name: job.settings.name,
    run_type: 'JOB_RUN',
    creator,
    tasks: job.settings.tasks,
    // Stopped runs are given longer tasks so the stop, not completion, ends them on time.
    durationOf: () => (result === 'SUCCESS' || result === 'FAILED' ? workMs / depth : workMs * 2),
    presetOf: () => (result === 'FAILED' ? failed : { result: 'SUCCESS' }),
    pendingMs: 0,
    ...(result === 'TIMEDOUT' ? { timeoutSeconds: workMs / 1000 } : {}),
    ...(result === 'CANCELED' ? { cancelAt: createdAt + workMs } : {}),
    fallbackOutcome: { result: 'SUCCESS' },
    request: {},
    fromScenario: true,
    createdAt,
  });
}

function chainDepth(tasks: TaskSettings[]): number {
  const depth = new Map<string, number>();
  for (const task of sortByDependencies(tasks) ?? tasks) {
    depth.set(
      task.task_key,
      1 + Math.max(0, ...dependencyKeys(task).map((k) => depth.get(k) ?? 0)),
    );
  }
  return Math.max(1, ...depth.values());
}

/** Options of a run the scenario starts itself (an orphan of an earlier, killed step). */
export interface StartRunOptions {
  startedAgoMs?: number;
  idempotencyToken?: string;
  jobParameters?: Record<string, string>;
  creator?: string;
}

/** Returns the id of a run of the job started outside the API, as a killed step leaves it. */
export function startRun(
  state: EmulatorState,
  jobId: number,
  options: StartRunOptions = {},
): number {
  const job = jobsState(state).jobs.get(jobId);
  if (!job) throw new Error(`job ${jobId} does not exist`);
  const run = startJobRun(state, job, {
    creator: options.creator ?? 'unknown',
    createdAt: state.clock.now() - (options.startedAgoMs ?? 0),
    fromScenario: true,
    request: {
      ...(options.jobParameters
        ? {
            job_parameters: Object.entries(options.jobParameters).map(([name, value]) => ({
              name,
              value,
            })),
          }
        : {}),
      ...(options.idempotencyToken !== undefined
        ? { idempotency_token: options.idempotencyToken }
        : {}),
    },
  });
  if (options.idempotencyToken !== undefined)
    jobsState(state).idempotency.set(options.idempotencyToken, run.run_id);
  return run.run_id;
}

/** Changes what submitted runs do when no task handler decides. */
export function setSubmitDefaults(state: EmulatorState, defaults: Partial<SubmitDefaults>): void {
  const jobs = jobsState(state);
  jobs.submitDefaults = { ...jobs.submitDefaults, ...defaults };
}

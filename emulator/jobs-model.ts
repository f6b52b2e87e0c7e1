import { getExtension, type EmulatorState } from './state.js';
import type { TaskOutcome } from './types.js';

/**
 * The jobs module's data: jobs with their scenario (how their runs behave) and runs whose
 * life cycle is derived from the emulator clock (see jobs-lifecycle.ts).
 */

export type TaskSettings = Record<string, unknown> & { task_key: string };

/** Result states a task or run ends with (reference §3.4). */
export type ResultState =
  | 'SUCCESS'
  | 'SUCCESS_WITH_FAILURES'
  | 'FAILED'
  | 'TIMEDOUT'
  | 'CANCELED'
  | 'EXCLUDED'
  | 'UPSTREAM_FAILED'
  | 'UPSTREAM_CANCELED'
  | 'MAXIMUM_CONCURRENT_RUNS_REACHED';

/** How a finished task ended; `how` tells the renderer which termination code applies. */
export interface TaskEnd {
  result: ResultState;
  how: 'completed' | 'task-timeout' | 'run-timeout' | 'user-cancel' | 'not-run' | 'skipped';
  outcome?: TaskOutcome;
}

export interface EmuTaskRun {
  readonly run_id: number;
  readonly task_key: string;
  readonly settings: TaskSettings;
  readonly dependsOn: string[];
  readonly runIf: string;
  readonly durationMs: number;
  /** Scenario outcome for job tasks; submitted tasks ask the task handlers. */
  readonly preset?: TaskOutcome;
  startAt?: number;
  endAt?: number;
  end?: TaskEnd;
}

export type RunType = 'JOB_RUN' | 'SUBMIT_RUN' | 'WORKFLOW_RUN';

export interface EmuRun {
  readonly run_id: number;
  readonly job_id: number;
  readonly number_in_job: number;
  readonly run_name: string;
  readonly run_type: RunType;
  readonly creator: string;
  /** `start_time`: when the run was accepted. */
  readonly createdAt: number;
  readonly pendingMs: number;
  readonly terminatingMs: number;
  /** Run-level `timeout_seconds`, counted from when the run leaves the queue. */
  readonly timeoutSeconds?: number;
  /** Earlier runs of the job still active when this one was created (max_concurrent_runs). */
  readonly blockers: EmuRun[];
  readonly maxConcurrentRuns: number;
  /** When the run left the queue (its createdAt unless it was QUEUED); unset while queued. */
  dequeuedAt?: number;
  /** Absolute time the run-level timeout is reached, once known. */
  timeoutAt?: number;
  readonly tasks: EmuTaskRun[];
  readonly request: Record<string, unknown>;
  /** What a task ends with when neither its preset nor a task handler decides. */
  readonly fallbackOutcome: TaskOutcome;
  /** Injected by the scenario (history or an orphan), not by an API call. */
  readonly fromScenario: boolean;
  cancelAt?: number;
  /** When all work stopped (tasks done, timeout, cancel or skip); TERMINATING follows. */
  workEndAt?: number;
  /** When the run became TERMINATED. */
  endAt?: number;
  result?: ResultState;
  how?: TaskEnd['how'];
}

/** Scenario settings of one job: what its runs do. */
export interface JobScenario {
  durationMs: number;
  pendingMs: number;
  taskDurations: Record<string, number>;
  outcomes: Record<string, TaskOutcome>;
  defaultOutcome?: TaskOutcome;
}

export interface EmuJob {
  readonly job_id: number;
  readonly settings: Record<string, unknown> & { name: string; tasks: TaskSettings[] };
  readonly created_time: number;
  readonly creator_user_name: string;
  readonly scenario: JobScenario;
  runCount: number;
}

export interface SubmitDefaults {
  durationMs: number;
  pendingMs: number;
  outcome: TaskOutcome;
}

export interface JobsState {
  readonly jobs: Map<number, EmuJob>;
  readonly runs: Map<number, EmuRun>;
  /** Task run id → its parent run. */
  readonly taskRuns: Map<number, EmuRun>;
  /** Runs not yet TERMINATED; advanced on every tick. */
  readonly active: Set<EmuRun>;
  readonly idempotency: Map<string, number>;
  submitDefaults: SubmitDefaults;
  /** How long TERMINATING lasts after work ends or a cancel. */
  terminatingMs: number;
}

/** Default scenario timings: PENDING (setup), RUNNING per task, TERMINATING (cleanup). */
export const DEFAULT_PENDING_MS = 1_000;
export const DEFAULT_DURATION_MS = 5_000;
export const DEFAULT_TERMINATING_MS = 500;

/** Returns the jobs module's state, creating it (and its clock hook) on first use. */
export function jobsState(state: EmulatorState): JobsState {
  return getExtension(state, 'jobs', () => ({
    jobs: new Map(),
    runs: new Map(),
    taskRuns: new Map(),
    active: new Set(),
    idempotency: new Map(),
    submitDefaults: {
      durationMs: DEFAULT_DURATION_MS,
      pendingMs: DEFAULT_PENDING_MS,
      outcome: { result: 'SUCCESS' },
    },
    terminatingMs: DEFAULT_TERMINATING_MS,
  }));
}

/** Task types of a Jobs task (exactly one per task; reference §3.3). */
export const TASK_TYPES = [
  'notebook_task',
  'spark_python_task',
  'python_wheel_task',
  'spark_jar_task',
  'spark_submit_task',
  'sql_task',
  'dbt_task',
  'pipeline_task',
  'run_job_task',
  'condition_task',
  'for_each_task',
  'clean_rooms_notebook_task',
  'dashboard_task',
  'power_bi_task',
  'gen_ai_compute_task',
] as const;

import type { EmulatorState } from './state.js';
import type { TaskOutcome } from './types.js';
import { advanceRun } from './jobs-lifecycle.js';
import {
  jobsState,
  type EmuRun,
  type EmuTaskRun,
  type RunType,
  type TaskSettings,
} from './jobs-model.js';

/** Everything needed to start a run, whichever way it was triggered. */
export interface NewRun {
  job_id: number;
  run_name: string;
  run_type: RunType;
  creator: string;
  tasks: TaskSettings[];
  durationOf: (taskKey: string) => number;
  presetOf: (taskKey: string) => TaskOutcome | undefined;
  pendingMs: number;
  timeoutSeconds?: number;
  fallbackOutcome: TaskOutcome;
  request: Record<string, unknown>;
  fromScenario?: boolean;
  /** Defaults to now; history runs start in the past. */
  createdAt?: number;
  /** A cancellation already requested at this time (history runs that were cancelled). */
  cancelAt?: number;
  /** The job's concurrency limit: beyond it a run is QUEUED (queue enabled) or SKIPPED. */
  concurrency?: { maxConcurrentRuns: number; isQueueEnabled: boolean };
}

/** Returns the new run, registered and already advanced to the current time. */
export function createRun(state: EmulatorState, spec: NewRun): EmuRun {
  const jobs = jobsState(state);
  const runId = state.nextId();
  const createdAt = spec.createdAt ?? state.clock.now();
  const blockers = spec.concurrency ? activeRunsOf(state, spec.job_id) : [];
  const maxConcurrentRuns = spec.concurrency?.maxConcurrentRuns ?? Number.POSITIVE_INFINITY;
  const isOverLimit = blockers.length >= maxConcurrentRuns;
  const run: EmuRun = {
    run_id: runId,
    job_id: spec.job_id,
    number_in_job: runId,
    run_name: spec.run_name,
    run_type: spec.run_type,
    creator: spec.creator,
    createdAt,
    pendingMs: spec.pendingMs,
    terminatingMs: jobs.terminatingMs,
    ...(spec.timeoutSeconds ? { timeoutSeconds: spec.timeoutSeconds } : {}),
    blockers: isOverLimit ? blockers : [],
    maxConcurrentRuns,
    ...(isOverLimit ? {} : { dequeuedAt: createdAt }),
    ...(!isOverLimit && spec.timeoutSeconds
      ? { timeoutAt: createdAt + spec.timeoutSeconds * 1000 }
      : {}),
    tasks: (sortByDependencies(spec.tasks) ?? spec.tasks).map((settings) =>
      newTaskRun(state, spec, settings),
    ),
    request: spec.request,
    fallbackOutcome: spec.fallbackOutcome,
    fromScenario: spec.fromScenario ?? false,
    ...(spec.cancelAt !== undefined ? { cancelAt: spec.cancelAt } : {}),
  };
  jobs.runs.set(runId, run);
  for (const task of run.tasks) jobs.taskRuns.set(task.run_id, run);
  if (isOverLimit && !spec.concurrency?.isQueueEnabled) {
    skipRun(run);
    return run;
  }
  jobs.active.add(run);
  advanceRun(state, run, state.clock.now());
  return run;
}

function newTaskRun(state: EmulatorState, spec: NewRun, settings: TaskSettings): EmuTaskRun {
  const preset = spec.presetOf(settings.task_key);
  return {
    run_id: state.nextId(),
    task_key: settings.task_key,
    settings,
    dependsOn: dependencyKeys(settings),
    runIf: typeof settings.run_if === 'string' ? settings.run_if : 'ALL_SUCCESS',
    durationMs: spec.durationOf(settings.task_key),
    ...(preset ? { preset } : {}),
  };
}

/** Returns the job's runs that have not TERMINATED yet (settled to now first). */
function activeRunsOf(state: EmulatorState, jobId: number): EmuRun[] {
  const now = state.clock.now();
  return [...jobsState(state).active].filter((run) => {
    advanceRun(state, run, now);
    return run.job_id === jobId && run.endAt === undefined;
  });
}

/** Ends a run at once as SKIPPED: the job is at max_concurrent_runs and does not queue. */
function skipRun(run: EmuRun): void {
  for (const task of run.tasks) {
    task.endAt = run.createdAt;
    task.end = { result: 'MAXIMUM_CONCURRENT_RUNS_REACHED', how: 'skipped' };
  }
  run.workEndAt = run.createdAt;
  run.endAt = run.createdAt;
  run.result = 'MAXIMUM_CONCURRENT_RUNS_REACHED';
  run.how = 'skipped';
}

/** Returns the task keys a task depends on (`depends_on: [{task_key}]`). */
export function dependencyKeys(task: TaskSettings): string[] {
  const deps = Array.isArray(task.depends_on) ? (task.depends_on as unknown[]) : [];
  return deps
    .map((d) => (d && typeof d === 'object' ? (d as { task_key?: unknown }).task_key : undefined))
    .filter((k): k is string => typeof k === 'string');
}

/**
 * Returns the tasks with every task after its dependencies (stable otherwise), or undefined
 * when the dependencies form a cycle.
 */
export function sortByDependencies(tasks: TaskSettings[]): TaskSettings[] | undefined {
  const keys = new Set(tasks.map((t) => t.task_key));
  const placed = new Set<string>();
  const sorted: TaskSettings[] = [];
  let remaining = [...tasks];
  while (remaining.length > 0) {
    const ready = remaining.filter((t) =>
      dependencyKeys(t).every((k) => placed.has(k) || !keys.has(k)),
    );
    if (ready.length === 0) return undefined;
    for (const t of ready) placed.add(t.task_key);
    sorted.push(...ready);
    remaining = remaining.filter((t) => !placed.has(t.task_key));
  }
  return sorted;
}

/**
 * Returns the tasks `only` selects: `key`, `+key` (with its upstream tasks) and `key+`
 * (with its downstream tasks); dependencies on unselected tasks are dropped.
 * Returns the unknown key instead when one is not a task of the job.
 */
export function selectOnly(
  tasks: TaskSettings[],
  only: string[],
): TaskSettings[] | { unknown: string } {
  const byKey = new Map(tasks.map((t) => [t.task_key, t]));
  const selected = new Set<string>();
  for (const raw of only) {
    const key = raw.replace(/^\+/, '').replace(/\+$/, '');
    if (!byKey.has(key)) return { unknown: raw };
    selected.add(key);
    if (raw.startsWith('+'))
      walk(key, (k) => dependencyKeys(byKey.get(k) as TaskSettings), selected);
    if (raw.endsWith('+'))
      walk(
        key,
        (k) => tasks.filter((t) => dependencyKeys(t).includes(k)).map((t) => t.task_key),
        selected,
      );
  }
  return tasks
    .filter((t) => selected.has(t.task_key))
    .map((t) => {
      if (dependencyKeys(t).length === 0) return t;
      const kept = dependencyKeys(t).filter((k) => selected.has(k));
      return { ...t, depends_on: kept.map((task_key) => ({ task_key })) };
    });
}

function walk(start: string, next: (key: string) => string[], into: Set<string>): void {
  const queue = [start];
  while (queue.length > 0) {
    for (const k of next(queue.shift() as string)) {
      if (!into.has(k)) {
        into.add(k);
        queue.push(k);
      }
    }
  }
}

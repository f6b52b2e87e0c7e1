import type { EmulatorState } from './state.js';
import type { TaskOutcome } from './types.js';
import { workStartOf } from './jobs-phase.js';
import {
  jobsState,
  type EmuRun,
  type EmuTaskRun,
  type ResultState,
  type TaskEnd,
} from './jobs-model.js';

/**
 * Run life cycles as a function of clock time: PENDING (setup) → RUNNING (tasks in
 * dependency order) → TERMINATING → TERMINATED. Nothing runs on timers; `advanceRun` settles
 * everything that has happened by `now`, calling each task's outcome decider exactly once.
 */

type StopKind = 'run-timeout' | 'user-cancel';

const FAILED_LIKE = new Set<ResultState>(['FAILED', 'TIMEDOUT', 'UPSTREAM_FAILED']);
const CANCELED_LIKE = new Set<ResultState>(['CANCELED', 'UPSTREAM_CANCELED']);

/** Settles every active run up to `now` (an `onTick` hook: runs complete in clock order). */
export function advanceAllRuns(state: EmulatorState, now: number): void {
  for (const run of [...jobsState(state).active]) advanceRun(state, run, now);
}

/** Settles the run's tasks and phases up to `now`. */
export function advanceRun(state: EmulatorState, run: EmuRun, now: number): void {
  if (run.endAt !== undefined) return;
  if (run.dequeuedAt === undefined && !leaveQueue(state, run, now)) return;
  const stop = stopOf(run);
  const byKey = new Map(run.tasks.map((t) => [t.task_key, t]));
  // Tasks are stored in dependency order, so one pass sees every dependency settled first.
  for (const task of run.tasks) {
    if (!task.end) settleTask(state, run, task, byKey, stop, now);
  }
  if (run.workEndAt === undefined && run.tasks.every((t) => t.end)) finishWork(run, stop);
  if (run.workEndAt !== undefined && now >= run.workEndAt + run.terminatingMs) {
    run.endAt = run.workEndAt + run.terminatingMs;
    jobsState(state).active.delete(run);
  }
}

/**
 * Returns true once the run has left the queue (a slot freed up before `now`) or was cancelled
 * while queued; sets `dequeuedAt` and the timeout, which counts from there.
 */
function leaveQueue(state: EmulatorState, run: EmuRun, now: number): boolean {
  for (const blocker of run.blockers) advanceRun(state, blocker, now);
  const mustEnd = run.blockers.length - run.maxConcurrentRuns + 1;
  const ends = run.blockers
    .map((b) => b.endAt)
    .filter((t): t is number => t !== undefined)
    .sort((a, b) => a - b);
  const freedAt = ends.length >= mustEnd ? ends[mustEnd - 1] : undefined;
  if (run.cancelAt !== undefined && run.cancelAt < (freedAt ?? Number.POSITIVE_INFINITY)) {
    for (const task of run.tasks)
      endTask(task, run.cancelAt, { result: 'CANCELED', how: 'user-cancel' });
    finishWork(run, { at: run.cancelAt, kind: 'user-cancel' });
    return true;
  }
  if (freedAt === undefined || freedAt > now) return false;
  run.dequeuedAt = freedAt;
  if (run.timeoutSeconds) run.timeoutAt = freedAt + run.timeoutSeconds * 1000;
  return true;
}

function stopOf(run: EmuRun): { at: number; kind: StopKind } {
  const cancelAt = run.cancelAt ?? Number.POSITIVE_INFINITY;
  const timeoutAt = run.timeoutAt ?? Number.POSITIVE_INFINITY;
  return cancelAt <= timeoutAt
    ? { at: cancelAt, kind: 'user-cancel' }
    : { at: timeoutAt, kind: 'run-timeout' };
}

function settleTask(
  state: EmulatorState,
  run: EmuRun,
  task: EmuTaskRun,
  byKey: Map<string, EmuTaskRun>,
  stop: { at: number; kind: StopKind },
  now: number,
): void {
  const deps = task.dependsOn
    .map((key) => byKey.get(key))
    .filter((d): d is EmuTaskRun => d !== undefined);
  if (deps.some((d) => !d.end)) return;
  const readyAt = Math.max(workStartOf(run), ...deps.map((d) => d.endAt ?? 0));
  if (readyAt >= stop.at) {
    if (stop.at <= now) endTask(task, stop.at, { result: 'CANCELED', how: stop.kind });
    return;
  }
  if (!isRunIfMet(task.runIf, deps)) {
    if (readyAt <= now) endTask(task, readyAt, { result: notRunResult(deps), how: 'not-run' });
    return;
  }
  task.startAt = readyAt;
  const timeoutMs = taskTimeoutMs(task);
  const isTaskTimeout = timeoutMs !== undefined && timeoutMs < task.durationMs;
  const naturalEnd = readyAt + (isTaskTimeout ? timeoutMs : task.durationMs);
  if (stop.at < naturalEnd) {
    if (stop.at <= now) {
      endTask(task, stop.at, {
        result: stop.kind === 'run-timeout' ? 'TIMEDOUT' : 'CANCELED',
        how: stop.kind,
      });
    }
    return;
  }
  if (naturalEnd > now) return;
  if (isTaskTimeout) endTask(task, naturalEnd, { result: 'TIMEDOUT', how: 'task-timeout' });
  else endTask(task, naturalEnd, completedEnd(decideOutcome(state, run, task)));
}

function endTask(task: EmuTaskRun, at: number, end: TaskEnd): void {
  task.endAt = at;
  task.end = end;
}

function taskTimeoutMs(task: EmuTaskRun): number | undefined {
  const seconds = task.settings.timeout_seconds;
  return typeof seconds === 'number' && seconds > 0 ? seconds * 1000 : undefined;
}

function completedEnd(outcome: TaskOutcome): TaskEnd {
  return { result: outcome.result, how: 'completed', outcome };
}

/** The scenario preset wins, then the task handlers in order, then the run's fallback. */
function decideOutcome(state: EmulatorState, run: EmuRun, task: EmuTaskRun): TaskOutcome {
  if (task.preset) return task.preset;
  const completion = {
    runId: run.run_id,
    taskRunId: task.run_id,
    taskKey: task.task_key,
    task: task.settings,
    principal: run.creator,
  };
  for (const handler of state.taskHandlers) {
    const outcome = handler(completion);
    if (outcome) return outcome;
  }
  return run.fallbackOutcome;
}

function isRunIfMet(runIf: string, deps: EmuTaskRun[]): boolean {
  if (deps.length === 0) return true;
  const results = deps.map((d) => d.end?.result ?? 'EXCLUDED');
  const failed = results.filter((r) => FAILED_LIKE.has(r)).length;
  const succeeded = results.filter((r) => r === 'SUCCESS').length;
  switch (runIf) {
    case 'ALL_DONE':
      return true;
    case 'NONE_FAILED':
      return failed === 0 && !results.some((r) => CANCELED_LIKE.has(r));
    case 'AT_LEAST_ONE_SUCCESS':
      return succeeded > 0;
    case 'ALL_FAILED':
      return failed === results.length;
    case 'AT_LEAST_ONE_FAILED':
      return failed > 0;
    default:
      return succeeded === results.length;
  }
}

function notRunResult(deps: EmuTaskRun[]): ResultState {
  const results = deps.map((d) => d.end?.result);
  if (results.some((r) => r !== undefined && CANCELED_LIKE.has(r))) return 'UPSTREAM_CANCELED';
  if (results.some((r) => r !== undefined && FAILED_LIKE.has(r))) return 'UPSTREAM_FAILED';
  return 'EXCLUDED';
}

function finishWork(run: EmuRun, stop: { at: number; kind: StopKind }): void {
  const stopped = run.tasks.some((t) => t.end?.how === stop.kind && t.endAt === stop.at);
  run.workEndAt = stopped
    ? stop.at
    : Math.max(workStartOf(run), ...run.tasks.map((t) => t.endAt ?? 0));
  if (stopped) {
    run.result = stop.kind === 'user-cancel' ? 'CANCELED' : 'TIMEDOUT';
    run.how = stop.kind;
    return;
  }
  run.result = aggregate(run);
  run.how = 'completed';
}

/** A run's result from its tasks': SUCCESS_WITH_FAILURES when only non-leaf tasks failed. */
function aggregate(run: EmuRun): ResultState {
  const results = run.tasks.map((t) => t.end?.result ?? 'EXCLUDED');
  if (!results.some((r) => FAILED_LIKE.has(r) || CANCELED_LIKE.has(r))) return 'SUCCESS';
  const upstream = new Set(run.tasks.flatMap((t) => t.dependsOn));
  const leaves = run.tasks.filter((t) => !upstream.has(t.task_key));
  if (leaves.every((t) => t.end?.result === 'SUCCESS')) return 'SUCCESS_WITH_FAILURES';
  if (results.includes('FAILED') || results.includes('UPSTREAM_FAILED')) return 'FAILED';
  if (results.includes('TIMEDOUT')) return 'TIMEDOUT';
  return 'CANCELED';
}

/**
 * Requests cancellation at `now`: a no-op once the run's work has ended (it is then
 * TERMINATING or TERMINATED), as on Databricks.
 */
export function cancelRun(state: EmulatorState, run: EmuRun, now: number): void {
  advanceRun(state, run, now);
  if (run.workEndAt !== undefined || run.cancelAt !== undefined) return;
  run.cancelAt = now;
  advanceRun(state, run, now);
}

/**
 * Reading a run's state (reference §3.4): when it is over, whether it succeeded, and the words
 * a log line uses for it. Pure functions over the Run object.
 */
import type { Run, RunTask } from '../../databricks/jobs.js';

const TERMINAL_LIFE_CYCLE = new Set(['TERMINATED', 'SKIPPED', 'INTERNAL_ERROR']);
const WAITING_IN_LINE = new Set(['QUEUED', 'BLOCKED']);

/** True once the run (or task) can change no more: a terminal life cycle or status. */
export function isTerminal(run: Pick<Run, 'state' | 'status'>): boolean {
  const lifeCycle = run.state?.life_cycle_state;
  return (
    (lifeCycle !== undefined && TERMINAL_LIFE_CYCLE.has(lifeCycle)) ||
    run.status?.state === 'TERMINATED'
  );
}

/**
 * True only for `result_state: SUCCESS` (DESIGN §3), or, when a server sends no legacy state,
 * termination code SUCCESS. Not termination *type* SUCCESS: that also covers USER_CANCELED and
 * SUCCESS_WITH_FAILURES.
 */
export function isSuccess(run: Pick<Run, 'state' | 'status'>): boolean {
  const result = run.state?.result_state;
  if (result !== undefined) return result === 'SUCCESS';
  return run.status?.termination_details?.code === 'SUCCESS';
}

/** True while the run waits for a concurrency slot rather than running. */
export function isWaitingInLine(run: Pick<Run, 'state' | 'status'>): boolean {
  const phase = run.state?.life_cycle_state ?? run.status?.state;
  return phase !== undefined && WAITING_IN_LINE.has(phase);
}

/** Returns the run's result for outputs: result_state, else the termination code or phase. */
export function resultStateOf(run: Pick<Run, 'state' | 'status'>): string {
  return (
    run.state?.result_state ??
    run.status?.termination_details?.code ??
    run.state?.life_cycle_state ??
    run.status?.state ??
    'UNKNOWN'
  );
}

/**
 * Returns the state as a log line names it: `RUNNING`, `QUEUED`, `TERMINATED FAILED`. Only
 * this label decides whether the state changed, so a new message never repeats a state.
 */
export function stateLabel(run: Pick<Run, 'state' | 'status'>): string {
  const phase = run.state?.life_cycle_state ?? run.status?.state ?? 'UNKNOWN';
  return isTerminal(run) ? `${phase} ${resultStateOf(run)}` : phase;
}

/** Returns the server's explanation of the state, if it gave one (queue reason, message). */
export function stateMessage(run: Pick<Run, 'state' | 'status'>): string | undefined {
  const text =
    run.status?.queue_details?.message ??
    run.state?.state_message ??
    run.status?.termination_details?.message;
  return text === undefined || text.trim() === '' ? undefined : text.trim();
}

// A task that did not run because of another task says nothing about its own code.
const CONSEQUENTIAL_RESULTS = new Set([
  'SUCCESS',
  'EXCLUDED',
  'UPSTREAM_FAILED',
  'UPSTREAM_CANCELED',
  'DISABLED',
]);

/** Returns the tasks that failed in their own right (not merely upstream of a failure). */
export function failedTasks(run: Pick<Run, 'tasks' | 'iterations'>): RunTask[] {
  const tasks = [...(run.tasks ?? []), ...(run.iterations ?? [])];
  return tasks.filter((task) => {
    if (!isTerminal(task)) return false;
    if (task.state?.life_cycle_state === 'INTERNAL_ERROR') return true;
    const result = resultStateOf(task);
    return !CONSEQUENTIAL_RESULTS.has(result) && result !== 'SKIPPED';
  });
}

/** Returns the tasks skipped because something upstream failed, for one summary line. */
export function upstreamSkippedTasks(run: Pick<Run, 'tasks'>): RunTask[] {
  return (run.tasks ?? []).filter((task) => resultStateOf(task).startsWith('UPSTREAM_'));
}

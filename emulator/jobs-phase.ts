import type { EmuRun, EmuTaskRun } from './jobs-model.js';

/** Life-cycle phases of runs and task runs, read off their settled times. */

/** Returns when the run's tasks may start: after the queue and the setup (PENDING) time. */
export function workStartOf(run: EmuRun): number {
  return (run.dequeuedAt ?? run.createdAt) + run.pendingMs;
}

export type Phase = 'QUEUED' | 'PENDING' | 'RUNNING' | 'TERMINATING' | 'TERMINATED' | 'SKIPPED';

/** True for the phases a run never leaves. */
export function isFinal(phase: Phase): boolean {
  return phase === 'TERMINATED' || phase === 'SKIPPED';
}

/** Returns the run's life-cycle phase at `now` (call advanceRun first). */
export function runPhase(run: EmuRun, now: number): Phase {
  if (run.how === 'skipped') return 'SKIPPED';
  if (run.endAt !== undefined && now >= run.endAt) return 'TERMINATED';
  if (run.workEndAt !== undefined) return 'TERMINATING';
  if (run.dequeuedAt === undefined) return 'QUEUED';
  return now < workStartOf(run) ? 'PENDING' : 'RUNNING';
}

/** Returns a task's phase at `now`; a cancelled task terminates together with its run. */
export function taskPhase(run: EmuRun, task: EmuTaskRun, now: number): Phase {
  if (task.end?.how === 'skipped') return 'SKIPPED';
  if (run.dequeuedAt === undefined && !task.end) return 'QUEUED';
  if (task.end) {
    const isStopped = task.end.how === 'user-cancel' || task.end.how === 'run-timeout';
    return isStopped && runPhase(run, now) !== 'TERMINATED' ? 'TERMINATING' : 'TERMINATED';
  }
  return task.startAt !== undefined && now >= task.startAt ? 'RUNNING' : 'PENDING';
}

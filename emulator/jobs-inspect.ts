import type { EmulatorState } from './state.js';
import { advanceRun } from './jobs-lifecycle.js';
import { isFinal, runPhase, taskPhase, type Phase } from './jobs-phase.js';
import { jobsState, type EmuRun, type ResultState, type RunType } from './jobs-model.js';

/** Inspection of runs for tests: what ran, in which state, which were cancelled. */

/** A test's view of one run. */
export interface RunInfo {
  runId: number;
  jobId: number;
  runType: RunType;
  runName: string;
  lifeCycleState: Phase;
  resultState?: ResultState;
  /** True once runs/cancel was accepted for it. */
  isCancelled: boolean;
  /** Made by the scenario (history, orphan), not by an API call. */
  fromScenario: boolean;
  creator: string;
  idempotencyToken?: string;
  createdAt: number;
  /** When the run became TERMINATED (or SKIPPED), on the emulator clock. */
  endedAt?: number;
  tasks: Array<{
    runId: number;
    taskKey: string;
    lifeCycleState: Phase;
    resultState?: ResultState;
  }>;
}

/** Returns every run (newest first), advanced to now. */
export function listRunInfos(state: EmulatorState): RunInfo[] {
  const now = state.clock.now();
  return [...jobsState(state).runs.values()]
    .map((run) => {
      advanceRun(state, run, now);
      return runInfo(run, now);
    })
    .sort((a, b) => b.createdAt - a.createdAt || b.runId - a.runId);
}

function runInfo(run: EmuRun, now: number): RunInfo {
  const phase = runPhase(run, now);
  const token = run.request.idempotency_token;
  return {
    runId: run.run_id,
    jobId: run.job_id,
    runType: run.run_type,
    runName: run.run_name,
    lifeCycleState: phase,
    ...(isFinal(phase) && run.result ? { resultState: run.result } : {}),
    isCancelled: run.cancelAt !== undefined,
    fromScenario: run.fromScenario,
    creator: run.creator,
    ...(typeof token === 'string' ? { idempotencyToken: token } : {}),
    createdAt: run.createdAt,
    ...(isFinal(phase) && run.endAt !== undefined ? { endedAt: run.endAt } : {}),
    tasks: run.tasks.map((t) => {
      const taskState = taskPhase(run, t, now);
      return {
        runId: t.run_id,
        taskKey: t.task_key,
        lifeCycleState: taskState,
        ...(isFinal(taskState) && t.end ? { resultState: t.end.result } : {}),
      };
    }),
  };
}

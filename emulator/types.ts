/**
 * Extension points between emulator modules. The jobs module owns run life cycles; other
 * modules (the UC registration flow) decide what a submitted task does when it completes.
 */

/** What a task ends with; the jobs module turns it into result_state, error and output. */
export interface TaskOutcome {
  result: 'SUCCESS' | 'FAILED' | 'TIMEDOUT' | 'CANCELED';
  error?: string;
  error_trace?: string;
  /** `notebook_output.result` (dbutils.notebook.exit value). */
  notebook_result?: string;
  /** stdout/stderr for python tasks (`logs` in runs/get-output). */
  logs?: string;
}

/** A submitted or triggered task as the jobs module sees it at completion time. */
export interface TaskCompletion {
  runId: number;
  taskRunId: number;
  taskKey: string;
  /** The task's settings from run-now's job or the runs/submit body. */
  task: Record<string, unknown>;
  principal: string | undefined;
}

/**
 * Decides a task's outcome when it completes; return undefined to let the next handler
 * (or the scenario's default) decide. Registered with `EmulatorState.taskHandlers`.
 */
export type TaskHandler = (completion: TaskCompletion) => TaskOutcome | undefined;

/** Emulator time: real by default, injectable so a 2-hour run can pass in milliseconds. */
export interface EmuClock {
  now(): number;
}

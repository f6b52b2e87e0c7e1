/**
 * Turning a failed run into words a user can act on: for each task that failed in its own
 * right, its key, its `error` and the tail of its `error_trace` (runs/get-output on the TASK run
 * id; Databricks refuses it on the parent of a multi-task run).
 */
import { PipeError } from '../../errors.js';
import { getRunOutput, type Run, type RunTask } from '../../databricks/jobs.js';
import type { ActionContext } from '../types.js';
import { failedTasks, resultStateOf, stateMessage, upstreamSkippedTasks } from './run-state.js';

// Enough to explain a failure without one request per task of a 1000-task job.
const MAX_EXPLAINED_TASKS = 10;
const TRACE_TAIL_LINES = 15;
const MAX_LINE_CHARS = 300;

/** What one failed task said. */
export interface TaskFailure {
  taskKey: string;
  resultState: string;
  error?: string;
  traceTail: string[];
}

/**
 * Returns the ERR_RUN_FAILED error for a run of `subject` (`job "train" (12)`) that ended
 * without success, after logging each failed task's error and trace tail. Reads
 * runs/get-output of up to 10 failed tasks.
 */
export async function explainFailure(
  ctx: ActionContext,
  subject: string,
  run: Run,
  outputs: Record<string, unknown>,
): Promise<PipeError> {
  const resultState = resultStateOf(run);
  const failures: TaskFailure[] = [];
  for (const task of failedTasks(run).slice(0, MAX_EXPLAINED_TASKS)) {
    const failure = await readFailure(ctx, task);
    logFailure(ctx, failure);
    failures.push(failure);
  }
  const skipped = upstreamSkippedTasks(run).map((t) => t.task_key);
  const details = failures.map(
    (f) =>
      `task ${f.taskKey} ${f.resultState}: ${f.error ?? f.traceTail.at(-1) ?? 'no error text'}`,
  );
  if (skipped.length > 0)
    details.push(`not run because an upstream task failed: ${skipped.join(', ')}`);
  const message = stateMessage(run);
  if (failures.length === 0 && message) details.push(message);
  const url = typeof outputs['run_page_url'] === 'string' ? outputs['run_page_url'] : undefined;
  return new PipeError('ERR_RUN_FAILED', `${subject}: run ${run.run_id} ended ${resultState}`, {
    details: details.map(clip),
    hint: hintFor(resultState, url),
    outputs: { ...outputs, result_state: resultState },
  });
}

function hintFor(resultState: string, url: string | undefined): string {
  const see = url ? `see ${url}` : 'see the run in the workspace';
  if (resultState === 'SUCCESS_WITH_FAILURES') {
    return `some tasks failed although the final ones succeeded, and the pipe counts only SUCCESS; ${see}`;
  }
  return `${see} for the full output`;
}

async function readFailure(ctx: ActionContext, task: RunTask): Promise<TaskFailure> {
  const failure: TaskFailure = {
    taskKey: task.task_key,
    resultState: resultStateOf(task),
    traceTail: [],
  };
  try {
    const output = await getRunOutput(ctx.api, task.run_id, { signal: ctx.signal });
    const error = output.error?.trim() || stateMessage(task);
    if (error) failure.error = firstLine(error);
    failure.traceTail = tail(output.error_trace ?? '');
  } catch (error) {
    const fallback = stateMessage(task);
    if (fallback) failure.error = fallback;
    ctx.log.warn(
      `could not read the output of task ${task.task_key} (run ${task.run_id}): ${(error as Error).message}`,
    );
  }
  return failure;
}

function logFailure(ctx: ActionContext, failure: TaskFailure): void {
  ctx.log.error(
    `task ${failure.taskKey} ${failure.resultState}: ${failure.error ?? 'no error text'}`,
  );
  for (const line of failure.traceTail) ctx.log.error(`  | ${line}`);
}

/** Returns the last lines of a trace, clipped, without trailing blank lines. */
export function tail(trace: string): string[] {
  const lines = trace.replace(/\s+$/, '').split('\n');
  if (lines.length === 1 && lines[0] === '') return [];
  const kept = lines.slice(-TRACE_TAIL_LINES).map((line) => clip(line.replace(/\r$/, '')));
  const dropped = lines.length - kept.length;
  return dropped > 0 ? [`… ${dropped} earlier line${dropped === 1 ? '' : 's'}`, ...kept] : kept;
}

function firstLine(text: string): string {
  const [first = ''] = text.trim().split('\n');
  return first;
}

function clip(text: string): string {
  return text.length > MAX_LINE_CHARS ? `${text.slice(0, MAX_LINE_CHARS)}…` : text;
}

/**
 * `task_outputs`: each task's notebook exit value (`dbutils.notebook.exit`), read once after the
 * run succeeded from runs/get-output on the task run ids, single-task runs included.
 */
import { getRunOutput, type Run, type RunTask } from '../../databricks/jobs.js';
import type { ActionContext } from '../types.js';
import { resultStateOf } from './run-state.js';

/**
 * Returns task_key → notebook exit value for every successful task that has one. A task whose
 * output cannot be read is logged and left out: the run itself succeeded.
 * @throws PipeError ERR_CANCELLED when the action's signal aborts
 */
export async function collectTaskOutputs(
  ctx: ActionContext,
  run: Run,
): Promise<Record<string, string>> {
  const outputs: Record<string, string> = {};
  for (const task of run.tasks ?? []) {
    if (resultStateOf(task) !== 'SUCCESS' || !mayHaveNotebookOutput(task)) continue;
    try {
      const output = await getRunOutput(ctx.api, task.run_id, { signal: ctx.signal });
      const result = output.notebook_output?.result;
      if (result === undefined) continue;
      outputs[task.task_key] = result;
      if (output.notebook_output?.truncated) {
        ctx.log.warn(`task ${task.task_key}: its notebook exit value was truncated by Databricks`);
      }
    } catch (error) {
      if (ctx.signal.aborted) throw error;
      ctx.log.warn(
        `task ${task.task_key}: could not read its notebook exit value: ${(error as Error).message}`,
      );
    }
  }
  return outputs;
}

// Python, JAR, SQL … tasks have no notebook output: asking would waste a request. A task of a
// type this code does not know (none of its fields ends in `_task`) is asked anyway.
function mayHaveNotebookOutput(task: RunTask): boolean {
  if (task.notebook_task !== undefined) return true;
  return !Object.keys(task).some((key) => key.endsWith('_task'));
}

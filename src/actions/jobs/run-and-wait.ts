/**
 * The life of one run, shared by run_job and submit_run: trigger, print the URL, wait, then
 * outputs on success, an explained ERR_RUN_FAILED on failure, and a cancelled run on a client
 * timeout, a stop or a wait that broke. Every error carries the outputs known so far.
 */
import { formatDuration } from '../../config/parsers.js';
import { getRun, type Run } from '../../databricks/jobs.js';
import { PipeError, toPipeError } from '../../errors.js';
import type { ActionContext, ActionOutputs } from '../types.js';
import { cancelAndSettle, type CancelOutcome } from './cancel-run.js';
import { explainFailure } from './explain-failure.js';
import { startOrReconnect, type OrphanSearch } from './orphans.js';
import type { DurationPrediction } from './poll-schedule.js';
import { predictFromRuns } from './prepare-job-run.js';
import { isSuccess, resultStateOf } from './run-state.js';
import { collectTaskOutputs } from './task-outputs.js';
import type { TriggerRequest } from './trigger.js';
import { waitForRun, type WaitOutcome } from './wait-for-run.js';

export interface RunRequest {
  /** What is run, for log lines: `job "churn-training" (123)`, `one-time run "evaluate"`. */
  subject: string;
  trigger: TriggerRequest;
  wait: boolean;
  timeoutMs: number;
  /**
   * How long the job's recent runs took; when undefined and the action waits, read from the
   * orphan look-up's page if one is made (prepare-job-run.ts leaves it to that page).
   */
  prediction?: DurationPrediction | undefined;
  /** How to find a run a stopped predecessor started for this action (ON_ORPHAN). */
  orphans?: OrphanSearch | undefined;
}

/**
 * Returns the run's outputs: run_id and run_page_url, and after waiting result_state and
 * task_outputs; `reconnected: true` when the run is a stopped predecessor's.
 * @throws PipeError ERR_RUN_FAILED | ERR_TIMEOUT | ERR_CANCELLED (with outputs), or an API
 *   error of the trigger (ERR_API too when ON_ORPHAN=cancel cannot cancel a predecessor's run)
 */
export async function runAndWait(ctx: ActionContext, request: RunRequest): Promise<ActionOutputs> {
  const withHistory = request.wait && request.prediction === undefined;
  const started = await startOrReconnect(ctx, request.trigger, request.orphans, { withHistory });
  const { runId, isReconnected } = started;
  const prediction =
    request.prediction ?? (started.listed ? predictFromRuns(ctx, started.listed) : undefined);
  const outputs: ActionOutputs = isReconnected
    ? { run_id: runId, reconnected: true }
    : { run_id: runId };
  ctx.log.info(`${isReconnected ? 'reconnected to' : 'started'} ${request.subject}: run ${runId}`);
  let run: Run;
  try {
    run = await getRun(ctx.api, runId, { signal: ctx.signal });
  } catch (error) {
    return abandon(ctx, runId, outputs, error);
  }
  if (run.run_page_url) outputs['run_page_url'] = run.run_page_url;
  ctx.log.info(`run ${runId}: ${run.run_page_url ?? '(the workspace gave no run page URL)'}`);
  if (!request.wait) return outputs;
  let outcome: WaitOutcome;
  try {
    outcome = await waitForRun(ctx, { runId, run, timeoutMs: request.timeoutMs, prediction });
  } catch (error) {
    return abandon(ctx, runId, outputs, error);
  }
  return conclude(ctx, request, outcome, outputs);
}

async function conclude(
  ctx: ActionContext,
  request: RunRequest,
  outcome: WaitOutcome,
  outputs: ActionOutputs,
): Promise<ActionOutputs> {
  const runId = outcome.run.run_id;
  if (outcome.kind === 'aborted') {
    const settled = await cancelAndSettle(ctx, runId, stopReason(ctx));
    throw stopped(ctx, runId, outputs, settled);
  }
  if (outcome.kind === 'timed-out') {
    const limit = formatDuration(request.timeoutMs);
    const settled = await cancelAndSettle(ctx, runId, `not finished within ${limit}`);
    const message = `${request.subject}: run ${runId} did not finish within ${limit} and ${fate(settled)}`;
    throw new PipeError('ERR_TIMEOUT', message, {
      hint: "raise this action's timeout (or WAIT_TIMEOUT) if the job needs longer",
      outputs: settledOutputs(outputs, settled),
    });
  }
  ctx.runs.ended(runId);
  const ended = { ...outputs, result_state: resultStateOf(outcome.run) };
  if (!isSuccess(outcome.run))
    throw await explainFailure(ctx, request.subject, outcome.run, outputs);
  try {
    const taskOutputs = await collectTaskOutputs(ctx, outcome.run);
    ctx.log.info(`run ${runId} succeeded`);
    return { ...ended, task_outputs: taskOutputs };
  } catch (error) {
    throw withOutputs(toPipeError(error), ended);
  }
}

/**
 * Cancels a run nobody can watch any more (the wait broke, or the action was stopped) and
 * throws: a run left going would make the pipeline's failure and the run's outcome disagree.
 */
async function abandon(
  ctx: ActionContext,
  runId: number,
  outputs: ActionOutputs,
  error: unknown,
): Promise<never> {
  if (ctx.signal.aborted) {
    const settled = await cancelAndSettle(ctx, runId, stopReason(ctx));
    throw stopped(ctx, runId, outputs, settled);
  }
  const failure = withOutputs(toPipeError(error), outputs);
  await cancelAndSettle(ctx, runId, `lost track of the run (${failure.message})`);
  throw failure;
}

function stopped(
  ctx: ActionContext,
  runId: number,
  outputs: ActionOutputs,
  settled: CancelOutcome,
): PipeError {
  return new PipeError('ERR_CANCELLED', `${stopReason(ctx)}: run ${runId} ${fate(settled)}`, {
    outputs: settledOutputs(outputs, settled),
  });
}

function fate(settled: CancelOutcome): string {
  return settled.isAccepted ? 'was cancelled' : 'could not be cancelled (see the error above)';
}

function stopReason(ctx: ActionContext): string {
  const reason: unknown = ctx.signal.reason;
  // "received SIGTERM, cancelling" → "received SIGTERM"
  const text = reason instanceof Error ? reason.message : 'stopped';
  return text.replace(/,\s*cancell?ing$/, '');
}

function settledOutputs(outputs: ActionOutputs, settled: CancelOutcome): ActionOutputs {
  return settled.run ? { ...outputs, result_state: resultStateOf(settled.run) } : { ...outputs };
}

function withOutputs(error: PipeError, outputs: ActionOutputs): PipeError {
  if (error.outputs) return error;
  return new PipeError(error.code, error.message, {
    ...(error.hint === undefined ? {} : { hint: error.hint }),
    details: error.details,
    cause: error.cause ?? error,
    ...(error.api ? { api: error.api } : {}),
    outputs,
  });
}

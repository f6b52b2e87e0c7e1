/**
 * Everything run_job learns before it triggers, with read-only calls (the preflight, DESIGN
 * §7.2): the job, whether it has a server-side timeout (§7.6), and how long its recent
 * successful runs took (for the poll schedule). On a re-run of the step that will look for a
 * stopped predecessor's run (ON_ORPHAN), the history is read from that look-up's page instead,
 * just before the trigger: one runs/list request rather than two.
 */
import { formatDuration } from '../../config/parsers.js';
import { listRuns, type Run } from '../../databricks/jobs.js';
import type { ApiClient } from '../../databricks/types.js';
import { isPipeError } from '../../errors.js';
import type { RunJobSpec } from '../run-job.js';
import type { ActionContext } from '../types.js';
import { willLookForJobRun } from './orphan-search.js';
import { predictDuration, type DurationPrediction } from './poll-schedule.js';
import { memoFor } from '../../util/memo.js';
import { resolveJob, type ResolvedJob } from './resolve-job.js';
import { isTerminal } from './run-state.js';
import { runNowBody } from './run-now-body.js';

/** What the preflight hands run_job's `run` through ctx.resolved. */
export interface JobRunPreparation {
  kind: 'run_job';
  job: ResolvedJob;
  prediction?: DurationPrediction;
}

/** How many of the newest completed runs describe the job as it is now. */
export const HISTORY_RUNS = 5;

/** True when `value` is what {@link prepareJobRun} returned. */
export function isJobRunPreparation(value: unknown): value is JobRunPreparation {
  return (
    typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'run_job'
  );
}

/** Returns a job's name and id as log lines show them: `job "churn-training" (123)`. */
export function describeResolvedJob(job: ResolvedJob): string {
  return job.name === undefined ? `job ${job.jobId}` : `job "${job.name}" (${job.jobId})`;
}

/**
 * Returns the resolved job and, when the action waits, the duration prediction (left to the
 * orphan look-up when one will run); warns when a stopped pipeline would leave the run going
 * with no server-side timeout.
 * @throws PipeError ERR_NOT_FOUND | ERR_PLAN_UNRESOLVED (from resolveJob); API errors
 */
export async function prepareJobRun(
  ctx: ActionContext,
  spec: RunJobSpec,
): Promise<JobRunPreparation> {
  const job = await resolveJob(ctx.api, spec.job, ctx.signal);
  ctx.log.info(`${describeResolvedJob(job)} resolved`);
  if (spec.wait === false) return { kind: 'run_job', job };
  if (!job.timeoutSeconds) {
    ctx.log.warn(
      `${describeResolvedJob(job)} has no timeout_seconds: jobs/run-now cannot set one, so if this ` +
        'pipeline is stopped (Bitbucket kills the step without warning) the run goes on; ' +
        'set a timeout on the job in Databricks',
    );
  }
  if (readsHistoryWithOrphans(ctx, spec, job)) return { kind: 'run_job', job };
  const prediction = await memoFor(histories, ctx.api, String(job.jobId), () =>
    predictFromHistory(ctx, job.jobId),
  );
  return prediction ? { kind: 'run_job', job, prediction } : { kind: 'run_job', job };
}

/**
 * True when the orphan look-up before the trigger will list this job's runs anyway, so its
 * page can also give the history. Not in a dry run, which never gets to the trigger.
 */
function readsHistoryWithOrphans(ctx: ActionContext, spec: RunJobSpec, job: ResolvedJob): boolean {
  if (ctx.settings.dryRun) return false;
  return willLookForJobRun(ctx, runNowBody(spec, job.jobId, ctx.idempotencyToken));
}

/**
 * Returns the duration prediction from a job's runs, newest first: the newest
 * {@link HISTORY_RUNS} completed ones, as runs/list's completed_only would give them (active
 * runs among them are skipped); says what it is in one line.
 */
export function predictFromRuns(
  ctx: ActionContext,
  runs: readonly Run[],
): DurationPrediction | undefined {
  const completed = runs.filter((run) => isTerminal(run)).slice(0, HISTORY_RUNS);
  const prediction = predictDuration(
    completed.map((run) => ({
      result_state: run.state?.result_state,
      start_time: run.start_time,
      end_time: run.end_time,
      run_duration: run.run_duration,
      queue_duration: run.queue_duration,
    })),
  );
  if (prediction) {
    const range =
      prediction.earliestMs === prediction.latestMs
        ? formatDuration(prediction.expectedMs)
        : `${formatDuration(prediction.earliestMs)}–${formatDuration(prediction.latestMs)}`;
    ctx.log.info(`recent successful runs took ${range} (${prediction.samples} runs)`);
  }
  return prediction;
}

const histories = new WeakMap<ApiClient, Map<string, Promise<DurationPrediction | undefined>>>();

/** One runs/list request; a failure only costs the prediction, never the action. */
async function predictFromHistory(
  ctx: ActionContext,
  jobId: number,
): Promise<DurationPrediction | undefined> {
  try {
    const { runs = [] } = await listRuns(
      ctx.api,
      { job_id: jobId, completed_only: true, limit: HISTORY_RUNS },
      { signal: ctx.signal },
    );
    return predictFromRuns(ctx, runs);
  } catch (error) {
    if (isPipeError(error, 'ERR_CANCELLED') || ctx.signal.aborted) throw error;
    ctx.log.debug(`no duration prediction for job ${jobId}: ${(error as Error).message}`);
    return undefined;
  }
}

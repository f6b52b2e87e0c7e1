/**
 * Everything run_job learns before it triggers, with read-only calls (the preflight, DESIGN
 * §7.2): the job, whether it has a server-side timeout (§7.6), and how long its recent
 * successful runs took (for the poll schedule).
 */
import { formatDuration } from '../../config/parsers.js';
import { listRuns } from '../../databricks/jobs.js';
import type { ApiClient } from '../../databricks/types.js';
import { isPipeError } from '../../errors.js';
import type { ActionContext } from '../types.js';
import { predictDuration, type DurationPrediction } from './poll-schedule.js';
import { memoFor, resolveJob, type ResolvedJob } from './resolve-job.js';

/** What the preflight hands run_job's `run` through ctx.resolved. */
export interface JobRunPreparation {
  kind: 'run_job';
  job: ResolvedJob;
  prediction?: DurationPrediction;
}

// The newest few successful runs describe the job as it is now.
const HISTORY_RUNS = 5;

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
 * Returns the resolved job and, when the action waits, the duration prediction; warns when a
 * stopped pipeline would leave the run going with no server-side timeout.
 * @throws PipeError ERR_NOT_FOUND | ERR_PLAN_UNRESOLVED (from resolveJob); API errors
 */
export async function prepareJobRun(
  ctx: ActionContext,
  spec: { job: string | number; wait: boolean },
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
  const prediction = await memoFor(histories, ctx.api, String(job.jobId), () =>
    predictFromHistory(ctx, job.jobId),
  );
  return prediction ? { kind: 'run_job', job, prediction } : { kind: 'run_job', job };
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
    const prediction = predictDuration(
      runs.map((run) => ({
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
  } catch (error) {
    if (isPipeError(error, 'ERR_CANCELLED') || ctx.signal.aborted) throw error;
    ctx.log.debug(`no duration prediction for job ${jobId}: ${(error as Error).message}`);
    return undefined;
  }
}

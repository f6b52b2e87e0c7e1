/**
 * How a re-run step finds the runs its stopped predecessor started for an action (ON_ORPHAN,
 * orphans.ts): one runs/list page, narrowed as far as the server can. For run_job that page,
 * unfiltered, also gives the job's recent history when the action still needs it, so the
 * duration prediction costs no request of its own.
 */
import {
  listRuns,
  type ListRunsRequest,
  type Run,
  type RunNowRequest,
} from '../../databricks/jobs.js';
import { isPipeError } from '../../errors.js';
import type { ActionContext } from '../types.js';
import { carriesPipelineIdentity, isMarkedSubmitRun, isSameJobRun } from './orphan-marker.js';
import { isTerminal } from './run-state.js';
import { isClaimed } from './trigger.js';

/** How to find the runs a stopped predecessor started for this action. */
export interface OrphanSearch {
  /** One runs/list page, narrowed as far as the server can (job_id or run_type). */
  query: Pick<ListRunsRequest, 'job_id' | 'run_type'>;
  isMatch(run: Run): boolean;
}

/** What the look-up found: the predecessor's runs and, when unfiltered, every listed run. */
export interface OrphanLookUp {
  orphans: Run[];
  listed?: Run[];
}

// runs/list's largest page: a single request, as the predecessor's run is among the newest.
const LIST_LIMIT = 25;

/** Returns the search for submit_run's marked run name. */
export function submitRunSearch(marker: string): OrphanSearch {
  return {
    query: { run_type: 'SUBMIT_RUN' },
    isMatch: (run) => isMarkedSubmitRun(run, marker),
  };
}

/**
 * Returns the search for run_job's run, or undefined (with a debug line saying why) when its
 * parameters cannot tell this pipeline's run from any other run of the job.
 */
export function jobRunSearch(ctx: ActionContext, body: RunNowRequest): OrphanSearch | undefined {
  if (ctx.bitbucket.pipelineUuid === undefined) return undefined;
  if (!carriesPipelineIdentity(body, ctx.bitbucket)) {
    ctx.log.debug(
      'no look-up for a stopped predecessor\'s run: no parameter carries the commit (e.g. git_commit: "{{ bitbucket.commit }}")',
    );
    return undefined;
  }
  return { query: { job_id: body.job_id }, isMatch: (run) => isSameJobRun(run, body) };
}

/**
 * True when run_job's look-up for a predecessor's run will be made before the trigger: on a
 * re-run of the step, inside a pipeline, with parameters that carry the commit or pipeline.
 */
export function willLookForJobRun(ctx: ActionContext, body: RunNowRequest): boolean {
  return (
    !isFirstAttempt(ctx) &&
    ctx.bitbucket.pipelineUuid !== undefined &&
    carriesPipelineIdentity(body, ctx.bitbucket)
  );
}

/** True on a step's first attempt: there is no predecessor to find, so no look-up is made. */
export function isFirstAttempt(ctx: ActionContext): boolean {
  return ctx.bitbucket.stepRunNumber === '1';
}

/**
 * Returns the matching active runs this invocation did not start, newest first, and with
 * `withHistory` on a job's runs, every run the unfiltered page listed. A failed look-up only
 * costs the safeguard (and the prediction): it is logged and the action goes on.
 */
export async function findOrphans(
  ctx: ActionContext,
  search: OrphanSearch,
  withHistory: boolean,
): Promise<OrphanLookUp> {
  // One page for both: its active runs are the candidates, its completed ones the history.
  const isShared = withHistory && search.query.job_id !== undefined;
  try {
    const page = await listRuns(
      ctx.api,
      { ...search.query, ...(isShared ? {} : { active_only: true }), limit: LIST_LIMIT },
      { signal: ctx.signal },
    );
    const runs = page.runs ?? [];
    const active = isShared ? runs.filter((run) => !isTerminal(run)) : runs;
    const found = active.filter((run) => search.isMatch(run) && !isClaimed(ctx, run.run_id));
    if (found.length === 0 && page.has_more) {
      const which = isShared ? 'runs' : 'active runs';
      ctx.log.debug(`no earlier attempt's run among the ${runs.length} newest ${which}`);
    }
    const orphans = found.sort((a, b) => (b.start_time ?? 0) - (a.start_time ?? 0));
    return isShared ? { orphans, listed: runs } : { orphans };
  } catch (error) {
    if (ctx.signal.aborted || isPipeError(error, 'ERR_CANCELLED')) throw error;
    ctx.log.warn(
      `could not look for a run an earlier attempt of this step left running (${(error as Error).message}); starting a new run`,
    );
    return { orphans: [] };
  }
}

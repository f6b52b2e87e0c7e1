/**
 * ON_ORPHAN (DESIGN §2): Bitbucket SIGKILLs a stopped step, so nothing of the pipe runs at exit
 * and the run it started goes on. When the step is re-run, one runs/list request before the
 * trigger looks for that run (orphan-marker.ts says how it is recognised), and then
 * `reconnect` waits on it instead of starting another, `cancel` cancels it and starts afresh,
 * `ignore` starts another beside it.
 */
import { createHash } from 'node:crypto';
import { formatDuration } from '../../config/parsers.js';
import {
  listRuns,
  type ListRunsRequest,
  type Run,
  type RunNowRequest,
} from '../../databricks/jobs.js';
import { isPipeError, PipeError } from '../../errors.js';
import type { ActionContext } from '../types.js';
import { auditEvent } from './audit.js';
import { cancelAndSettle } from './cancel-run.js';
import { carriesPipelineIdentity, isMarkedSubmitRun, isSameJobRun } from './orphan-marker.js';
import { stateLabel } from './run-state.js';
import { isClaimed, trackRun, triggerRun, type TriggerRequest } from './trigger.js';

/** How to find the runs a stopped predecessor started for this action. */
export interface OrphanSearch {
  /** One runs/list page, narrowed as far as the server can (job_id or run_type). */
  query: Pick<ListRunsRequest, 'job_id' | 'run_type'>;
  isMatch(run: Run): boolean;
}

/** The run an action goes on with, and whether it was a predecessor's. */
export interface StartedRun {
  runId: number;
  isReconnected: boolean;
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
 * Returns the run this action goes on with: per ON_ORPHAN, a stopped predecessor's run
 * (reconnect) or a new one (after cancelling the predecessor's, or beside it).
 * @throws PipeError ERR_API when ON_ORPHAN=cancel and the predecessor's run cannot be
 *   cancelled (no second run is started beside it); errors of the trigger
 */
export async function startOrReconnect(
  ctx: ActionContext,
  trigger: TriggerRequest,
  search: OrphanSearch | undefined,
): Promise<StartedRun> {
  // A step's first attempt has no predecessor to find: no look-up, no extra request.
  const isFirstAttempt = ctx.bitbucket.stepRunNumber === '1';
  const orphans = search && !isFirstAttempt ? await findOrphans(ctx, search) : [];
  const [newest, ...older] = orphans;
  if (!newest) return { runId: await triggerRun(ctx, trigger), isReconnected: false };
  switch (ctx.settings.onOrphan) {
    case 'reconnect':
      if (older.length > 0) {
        const were = older.length === 1 ? 'was' : 'were';
        ctx.log.warn(
          `${runList(older)} ${were} also started for this action by earlier attempts; left as is`,
        );
      }
      await reconnect(ctx, newest);
      return { runId: newest.run_id, isReconnected: true };
    case 'cancel':
      for (const orphan of orphans) await cancelOrphan(ctx, orphan);
      return {
        runId: await triggerRun(ctx, trigger, replacementToken(ctx, orphans)),
        isReconnected: false,
      };
    case 'ignore':
      ctx.log.warn(
        `${describeOrphans(ctx, orphans)} still active; ON_ORPHAN=ignore: starting another run beside it`,
      );
      return { runId: await triggerRun(ctx, trigger), isReconnected: false };
  }
}

/**
 * Returns the matching active runs this invocation did not start, newest first. A failed
 * look-up only costs the safeguard: it is logged and the action goes on.
 */
async function findOrphans(ctx: ActionContext, search: OrphanSearch): Promise<Run[]> {
  try {
    const page = await listRuns(
      ctx.api,
      { ...search.query, active_only: true, limit: LIST_LIMIT },
      { signal: ctx.signal },
    );
    const runs = page.runs ?? [];
    const found = runs.filter((run) => search.isMatch(run) && !isClaimed(ctx, run.run_id));
    if (found.length === 0 && page.has_more) {
      ctx.log.debug(`no earlier attempt's run among the ${runs.length} newest active runs`);
    }
    return found.sort((a, b) => (b.start_time ?? 0) - (a.start_time ?? 0));
  } catch (error) {
    if (ctx.signal.aborted || isPipeError(error, 'ERR_CANCELLED')) throw error;
    ctx.log.warn(
      `could not look for a run an earlier attempt of this step left running (${(error as Error).message}); starting a new run`,
    );
    return [];
  }
}

/** Adopts the run: recorded, then tracked and waited on like a run the pipe started. */
async function reconnect(ctx: ActionContext, run: Run): Promise<void> {
  ctx.log.info(
    `${describeOrphans(ctx, [run])} ${stateLabel(run)}: reconnecting to it instead of starting another`,
  );
  const call = {
    operation: 'jobs.runs.reconnect',
    target: `run:${run.run_id}`,
    request: { on_orphan: 'reconnect' },
  };
  // Who started the run and when: this record's own step is not the one that did.
  const response = {
    run_id: run.run_id,
    ...(run.start_time ? { start_time: new Date(run.start_time).toISOString() } : {}),
    ...(typeof run['creator_user_name'] === 'string'
      ? { creator_user_name: run['creator_user_name'] }
      : {}),
  };
  await ctx.audit.record(auditEvent(ctx, call, { response }));
  trackRun(ctx, run.run_id);
}

async function cancelOrphan(ctx: ActionContext, run: Run): Promise<void> {
  const why = `${describeOrphans(ctx, [run])} still active; ON_ORPHAN=cancel`;
  const settled = await cancelAndSettle(ctx, run.run_id, why);
  if (settled.isAccepted) return;
  throw new PipeError(
    'ERR_API',
    `run ${run.run_id}, started for this action by an earlier attempt of this step, could not be cancelled; not starting a second run beside it`,
    { hint: "grant the pipe's identity CAN_MANAGE_RUN, or set ON_ORPHAN to reconnect or ignore" },
  );
}

/**
 * Returns the idempotency token of the run that replaces cancelled ones: the action's own
 * could be the cancelled run's (a re-run that kept its step UUID), and Databricks would hand
 * that run back. Derived, not random, so a retried trigger still starts one run.
 */
function replacementToken(ctx: ActionContext, replaced: readonly Run[]): string {
  const ids = replaced.map((run) => run.run_id).join(',');
  return createHash('sha256').update(`${ctx.idempotencyToken}\nreplaces ${ids}`).digest('hex');
}

function describeOrphans(ctx: ActionContext, runs: readonly Run[]): string {
  const [first] = runs;
  if (runs.length !== 1 || !first) {
    return `${runList(runs)}, started for this action by earlier attempts of this step, are`;
  }
  const age = first.start_time
    ? ` ${formatDuration(Math.max(0, ctx.clock.now() - first.start_time))} ago`
    : '';
  return `run ${first.run_id}, started for this action by an earlier attempt of this step${age}, is`;
}

/** Returns `run 7` or `runs 7, 6`. */
function runList(runs: readonly Run[]): string {
  return `${runs.length === 1 ? 'run' : 'runs'} ${runs.map((run) => run.run_id).join(', ')}`;
}

/**
 * ON_ORPHAN (DESIGN §2): Bitbucket SIGKILLs a stopped step, so nothing of the pipe runs at exit
 * and the run it started goes on. When the step is re-run, one runs/list request before the
 * trigger looks for that run (orphan-marker.ts says how it is recognised), and then
 * `reconnect` waits on it instead of starting another, `cancel` cancels it and starts afresh,
 * `ignore` starts another beside it. For run_job that same request, unfiltered, also brings the
 * job's recent history (the duration prediction) when the action still needs it.
 */
import { createHash } from 'node:crypto';
import { formatDuration } from '../../config/parsers.js';
import type { Run } from '../../databricks/jobs.js';
import { PipeError } from '../../errors.js';
import type { ActionContext } from '../types.js';
import { auditEvent } from './audit.js';
import { cancelAndSettle } from './cancel-run.js';
import {
  findOrphans,
  isFirstAttempt,
  type OrphanLookUp,
  type OrphanSearch,
} from './orphan-search.js';
import { stateLabel } from './run-state.js';
import { trackRun, triggerRun, type TriggerRequest } from './trigger.js';

// The searches' builders, where the actions have always found them.
export {
  jobRunSearch,
  submitRunSearch,
  willLookForJobRun,
  type OrphanSearch,
} from './orphan-search.js';

/** The run an action goes on with, and whether it was a predecessor's. */
export interface StartedRun {
  runId: number;
  isReconnected: boolean;
  /**
   * The job's newest runs, active and completed, newest first: the look-up's unfiltered page,
   * when the history was asked for and the look-up listed a job's runs.
   */
  listed?: Run[];
}

/**
 * Returns the run this action goes on with: per ON_ORPHAN, a stopped predecessor's run
 * (reconnect) or a new one (after cancelling the predecessor's, or beside it). With
 * `withHistory`, a look-up for a job's run lists all its newest runs, not only active ones, and
 * returns them as `listed` for the duration prediction.
 * @throws PipeError ERR_API when ON_ORPHAN=cancel and the predecessor's run cannot be
 *   cancelled (no second run is started beside it); errors of the trigger
 */
export async function startOrReconnect(
  ctx: ActionContext,
  trigger: TriggerRequest,
  search: OrphanSearch | undefined,
  options: { withHistory?: boolean } = {},
): Promise<StartedRun> {
  const lookUp: OrphanLookUp =
    search && !isFirstAttempt(ctx)
      ? await findOrphans(ctx, search, options.withHistory === true)
      : { orphans: [] };
  const listed = lookUp.listed ? { listed: lookUp.listed } : {};
  const { runId, isReconnected } = await adoptOrStart(ctx, trigger, lookUp.orphans);
  return { runId, isReconnected, ...listed };
}

async function adoptOrStart(
  ctx: ActionContext,
  trigger: TriggerRequest,
  orphans: Run[],
): Promise<StartedRun> {
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

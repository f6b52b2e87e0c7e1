/**
 * Cancelling a run this pipe started: on a client timeout, a stop (SIGTERM/SIGINT), a fail-fast
 * sibling, or a wait that broke. runs/cancel is asynchronous, so the run is watched briefly
 * until the cancel takes; the whole affair is bounded so a stopped step still exits in time.
 */
import { formatDuration } from '../../config/parsers.js';
import { cancelRun, getRun, type Run } from '../../databricks/jobs.js';
import type { AuditEvent } from '../../evidence/types.js';
import type { ActionContext } from '../types.js';
import { auditEvent } from './audit.js';
import { isTerminal, stateLabel } from './run-state.js';

// The process edge exits 30 s after SIGTERM: the cancel request and the settling together
// stay below that.
const CANCEL_RETRY_BUDGET_MS = 10_000;
export const CANCEL_SETTLE_MS = 15_000;
// Cancels usually take within a second: look soon, then every 2 s.
const SETTLE_FIRST_POLL_MS = 500;
const SETTLE_POLL_MS = 2_000;

/**
 * Sends runs/cancel for the run and records it in the audit trail; returns true when accepted.
 * Never throws: a failure is logged and recorded, and the run stays with the tracker so the
 * orchestrator's last sweep can try again.
 */
export async function requestCancel(ctx: ActionContext, runId: number): Promise<boolean> {
  const call = {
    operation: 'jobs.runs.cancel',
    target: `run:${runId}`,
    request: { run_id: runId },
  };
  try {
    // Not ctx.signal: it is usually the very reason for cancelling, and already aborted.
    await cancelRun(ctx.api, runId, { retryBudgetMs: CANCEL_RETRY_BUDGET_MS });
  } catch (error) {
    ctx.log.error(`could not cancel run ${runId}: ${(error as Error).message}`);
    await recordQuietly(ctx, auditEvent(ctx, call, { error }));
    return false;
  }
  await recordQuietly(ctx, auditEvent(ctx, call, { response: {} }));
  ctx.runs.ended(runId);
  return true;
}

/** Whether runs/cancel was accepted, and the last state read afterwards. */
export interface CancelOutcome {
  isAccepted: boolean;
  run?: Run;
}

/**
 * Cancels the run and watches it until it terminates or {@link CANCEL_SETTLE_MS} pass. Never
 * throws.
 */
export async function cancelAndSettle(
  ctx: ActionContext,
  runId: number,
  why: string,
): Promise<CancelOutcome> {
  ctx.log.warn(`${why}: cancelling run ${runId}`);
  if (!(await requestCancel(ctx, runId))) return { isAccepted: false };
  const giveUpAt = ctx.clock.now() + CANCEL_SETTLE_MS;
  let last: Run | undefined;
  for (let pause = SETTLE_FIRST_POLL_MS; ; pause = Math.min(SETTLE_POLL_MS, pause * 2)) {
    try {
      last = await getRun(ctx.api, runId, { retryBudgetMs: SETTLE_POLL_MS * 2 });
    } catch (error) {
      ctx.log.debug(
        `run ${runId}: could not read its state after cancelling: ${(error as Error).message}`,
      );
    }
    if (last && isTerminal(last)) {
      ctx.log.info(`run ${runId} cancelled: ${stateLabel(last)}`);
      return { isAccepted: true, run: last };
    }
    const left = giveUpAt - ctx.clock.now();
    if (left <= 0) break;
    // No signal here either: the settling is bounded by giveUpAt instead.
    await ctx.clock.sleep(Math.min(pause, left));
  }
  ctx.log.warn(
    `run ${runId} accepted the cancel but had not stopped after ${formatDuration(CANCEL_SETTLE_MS)}; ` +
      'Databricks finishes cancelling it on its own',
  );
  return last ? { isAccepted: true, run: last } : { isAccepted: true };
}

async function recordQuietly(ctx: ActionContext, event: AuditEvent): Promise<void> {
  try {
    await ctx.audit.record(event);
  } catch (error) {
    // A cancel runs on the way out; losing its record must not hide why the action failed.
    ctx.log.error(
      `could not record ${event.operation} ${event.target} in the audit trail: ${(error as Error).message}`,
    );
  }
}

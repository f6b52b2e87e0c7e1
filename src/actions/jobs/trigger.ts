/**
 * Starting a run: one audited, idempotent call (run-now or runs/submit), and the run handed to
 * the tracker at once so that a stop from here on cancels it.
 */
import { PipeError } from '../../errors.js';
import type { ActionContext } from '../types.js';
import { auditEvent, type JobsCall } from './audit.js';
import { requestCancel } from './cancel-run.js';

export interface TriggerRequest extends JobsCall {
  /** Sends the call carrying `idempotencyToken` and returns the run id. */
  send(signal: AbortSignal, idempotencyToken: string): Promise<number>;
}

// Runs this invocation started or adopted, per tracker (one per invocation): a run of ours is
// never mistaken for a stopped predecessor's (orphans.ts).
const claimedRuns = new WeakMap<object, Set<number>>();

/** Returns true when this invocation started or adopted the run. */
export function isClaimed(ctx: ActionContext, runId: number): boolean {
  return claimedRuns.get(ctx.runs)?.has(runId) === true;
}

/**
 * Hands a run to the tracker, so a stop or a timeout cancels it like any run the pipe started,
 * and marks it as this invocation's.
 */
export function trackRun(ctx: ActionContext, runId: number): void {
  const claimed = claimedRuns.get(ctx.runs) ?? new Set<number>();
  claimedRuns.set(ctx.runs, claimed.add(runId));
  ctx.runs.started(runId, async () => {
    if (!(await requestCancel(ctx, runId))) {
      throw new PipeError('ERR_API', 'runs/cancel was not accepted');
    }
  });
}

/**
 * Returns the id of the run the call started (or, for a repeated idempotency token, the run a
 * previous attempt started). Records the call in the audit trail whatever its outcome.
 * `idempotencyToken` replaces the action's own (ctx.idempotencyToken) when given.
 * @throws PipeError from the API client (after recording the failure); ERR_INTERNAL when the
 *   audit trail cannot record a started run (the run is then cancelled: nothing changes
 *   unrecorded)
 */
export async function triggerRun(
  ctx: ActionContext,
  request: TriggerRequest,
  idempotencyToken: string = ctx.idempotencyToken,
): Promise<number> {
  const call: JobsCall = {
    operation: request.operation,
    target: request.target,
    ...(request.request ? { request: withToken(request.request, idempotencyToken) } : {}),
  };
  let runId: number;
  try {
    runId = await request.send(ctx.signal, idempotencyToken);
  } catch (error) {
    // The API error explains the failure; an audit failure on top is only logged.
    await ctx.audit.record(auditEvent(ctx, call, { error })).catch((auditError: unknown) => {
      ctx.log.error(
        `could not record the failed ${call.operation}: ${(auditError as Error).message}`,
      );
    });
    throw error;
  }
  trackRun(ctx, runId);
  try {
    await ctx.audit.record(auditEvent(ctx, call, { response: { run_id: runId } }));
  } catch (error) {
    await requestCancel(ctx, runId);
    throw error;
  }
  return runId;
}

// The audited request shows the token actually sent.
function withToken(request: Record<string, unknown>, token: string): Record<string, unknown> {
  return 'idempotency_token' in request ? { ...request, idempotency_token: token } : request;
}

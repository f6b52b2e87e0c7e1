/**
 * Starting a run: one audited, idempotent call (run-now or runs/submit), and the run handed to
 * the tracker at once so that a stop from here on cancels it.
 */
import { PipeError } from '../../errors.js';
import type { ActionContext } from '../types.js';
import { auditEvent, type JobsCall } from './audit.js';
import { requestCancel } from './cancel-run.js';

export interface TriggerRequest extends JobsCall {
  /** Sends the call (carrying ctx.idempotencyToken) and returns the run id. */
  send(signal: AbortSignal): Promise<number>;
}

/**
 * Returns the id of the run the call started (or, for a repeated idempotency token, the run a
 * previous attempt started). Records the call in the audit trail whatever its outcome.
 * @throws PipeError from the API client (after recording the failure); ERR_INTERNAL when the
 *   audit trail cannot record a started run (the run is then cancelled: nothing changes
 *   unrecorded)
 */
export async function triggerRun(ctx: ActionContext, request: TriggerRequest): Promise<number> {
  const call: JobsCall = {
    operation: request.operation,
    target: request.target,
    ...(request.request ? { request: request.request } : {}),
  };
  let runId: number;
  try {
    runId = await request.send(ctx.signal);
  } catch (error) {
    // The API error explains the failure; an audit failure on top is only logged.
    await ctx.audit.record(auditEvent(ctx, call, { error })).catch((auditError: unknown) => {
      ctx.log.error(
        `could not record the failed ${call.operation}: ${(auditError as Error).message}`,
      );
    });
    throw error;
  }
  ctx.runs.started(runId, async () => {
    if (!(await requestCancel(ctx, runId))) {
      throw new PipeError('ERR_API', 'runs/cancel was not accepted');
    }
  });
  try {
    await ctx.audit.record(auditEvent(ctx, call, { response: { run_id: runId } }));
  } catch (error) {
    await requestCancel(ctx, runId);
    throw error;
  }
  return runId;
}

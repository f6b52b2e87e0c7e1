import type { AuditEvent } from '../../evidence/types.js';
import { toPipeError } from '../../errors.js';
import type { ActionContext } from '../types.js';

/** What one state-changing Jobs call did, before the outcome is known. */
export interface JobsCall {
  /** `jobs.run-now`, `jobs.runs.submit`, `jobs.runs.cancel`. */
  operation: string;
  /** `job:123`, `run:456`, `run-name:evaluate abc123`. */
  target: string;
  request?: Record<string, unknown>;
}

/** Returns the audit event of one call's outcome (a response or an error). */
export function auditEvent(
  ctx: ActionContext,
  call: JobsCall,
  outcome: { response: Record<string, unknown> } | { error: unknown },
): AuditEvent {
  const { index, id, type } = ctx.action;
  const event: AuditEvent = {
    action: { index, type, ...(id === undefined ? {} : { id }) },
    operation: call.operation,
    target: call.target,
    result: 'response' in outcome ? 'succeeded' : 'failed',
    ...(call.request ? { request: call.request } : {}),
  };
  if ('response' in outcome) event.response = outcome.response;
  else {
    const error = toPipeError(outcome.error);
    event.error = { code: error.code, message: error.message };
  }
  return event;
}

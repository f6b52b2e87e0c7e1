import { cancellationError } from '../../databricks/api-error.js';
import { PipeError } from '../../errors.js';
import type { ActionContext } from '../types.js';

/** MLflow's own client polls a new version every 3 s (reference §4.2). */
export const READY_POLL_INTERVAL_MS = 3_000;

/** A model version's registration state, as both registries report it. */
export interface RegistrationState {
  status?: string;
  status_message?: string;
}

/**
 * Resolves once `read` reports READY, polling every {@link READY_POLL_INTERVAL_MS} until
 * `deadlineMs` (epoch ms). `what` names the version in messages, e.g. `version 3 of "churn"`.
 * @throws PipeError ERR_REGISTRATION_FAILED with the status message | ERR_TIMEOUT | ERR_CANCELLED
 */
export async function waitForReady(
  ctx: Pick<ActionContext, 'clock' | 'signal' | 'log'>,
  read: () => Promise<RegistrationState>,
  what: string,
  deadlineMs: number,
): Promise<void> {
  let lastStatus: string | undefined;
  for (;;) {
    const state = await read();
    const status = state.status ?? 'UNKNOWN';
    if (status === 'READY') return;
    if (status === 'FAILED_REGISTRATION') {
      throw new PipeError(
        'ERR_REGISTRATION_FAILED',
        `registration of ${what} failed: ${state.status_message || 'no status message'}`,
        {
          hint: 'the model artifacts could not be registered; check the source URI and that the run logged a model at that path',
        },
      );
    }
    if (status !== lastStatus) ctx.log.info(`${what} is ${status}; waiting for READY`);
    lastStatus = status;
    const remaining = deadlineMs - ctx.clock.now();
    if (remaining <= 0) {
      throw new PipeError('ERR_TIMEOUT', `${what} was still ${status} when the timeout ran out`, {
        hint: "raise the action's timeout (or WAIT_TIMEOUT); the version may still become READY on its own",
      });
    }
    try {
      await ctx.clock.sleep(Math.min(READY_POLL_INTERVAL_MS, remaining), ctx.signal);
    } catch {
      throw cancellationError(ctx.signal, `waiting for ${what}`);
    }
  }
}

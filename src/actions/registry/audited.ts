import { toPipeError } from '../../errors.js';
import type { AuditEvent } from '../../evidence/types.js';
import type { ActionContext } from '../types.js';

/** What an audited call is: its operation, target and request summary (no secrets). */
export type AuditedCall = Pick<AuditEvent, 'operation' | 'target' | 'request'>;

/**
 * Returns what `call` resolves to, after appending one audit record for it (DESIGN §7.12): one
 * per logical state-changing call, retries included in it, failures recorded too. `what` may
 * be a function, read when the call has ended (a call that found out which endpoint it could
 * use says so).
 * @throws whatever `call` throws, after recording it
 */
export async function audited<T>(
  ctx: ActionContext,
  what: AuditedCall | (() => AuditedCall),
  call: () => Promise<T>,
  response?: (value: T) => Record<string, unknown>,
): Promise<T> {
  const { index, id, type } = ctx.action;
  const action = id === undefined ? { index, type } : { index, id, type };
  const described = (): AuditedCall => (typeof what === 'function' ? what() : what);
  let value: T;
  try {
    value = await call();
  } catch (error) {
    const failure = toPipeError(error);
    await ctx.audit.record({
      action,
      ...described(),
      result: 'failed',
      error: { code: failure.code, message: failure.message },
    });
    throw error;
  }
  await ctx.audit.record({
    action,
    ...described(),
    result: 'succeeded',
    ...(response ? { response: response(value) } : {}),
  });
  return value;
}

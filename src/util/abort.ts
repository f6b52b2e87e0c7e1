/**
 * Waiting on shared work with one caller's signal: a token fetch or a runs/list sweep serves
 * several callers, so no single caller's cancellation may abort it; each stops waiting instead.
 */

/**
 * Returns `work`'s result, or rejects with `abortError(signal)` (the signal's reason by
 * default) as soon as `signal` aborts; `work` itself goes on for whoever else awaits it.
 */
export function untilAborted<T>(
  work: Promise<T>,
  signal: AbortSignal | undefined,
  abortError: (signal: AbortSignal) => Error = (aborted) => aborted.reason as Error,
): Promise<T> {
  if (signal === undefined) return work;
  if (signal.aborted) return Promise.reject(abortError(signal));
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(abortError(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

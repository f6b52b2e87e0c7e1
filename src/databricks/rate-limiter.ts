import type { Clock } from '../clock.js';
import { PipeError } from '../errors.js';
import { cancellationError } from './api-error.js';

/** Client-side request rate the Databricks SDKs default to (`DATABRICKS_RATE_LIMIT`). */
export const DEFAULT_REQUESTS_PER_SECOND = 15;
/**
 * Requests that may go at once after a quiet spell. 1 keeps every 1-second window at or under
 * the rate (a larger burst lets a window hold rate + burst − 1); spacing a parallel group's
 * first calls 67 ms apart costs nothing a user would notice.
 */
export const DEFAULT_BURST = 1;
/**
 * Extra spacing between requests. The workspace counts arrivals, and arrivals jitter: 16
 * requests sent exactly 1000/15 ms apart span exactly one second, and a few milliseconds of
 * network jitter put all 16 inside one of the server's 1-second windows (the fan-out benchmark
 * saw 16). 2 ms more per slot leaves 30 ms of slack at 15/s, for 3 % of throughput.
 */
export const SPACING_MARGIN_MS = 2;

/** One token bucket shared by every request of the process, parallel actions included. */
export interface RateLimiter {
  /**
   * Resolves when the caller may send one request.
   * @throws PipeError ERR_CANCELLED (or the signal's PipeError reason) when `signal` aborts the wait
   */
  acquire(signal?: AbortSignal): Promise<void>;
}

export interface RateLimiterOptions {
  clock: Clock;
  requestsPerSecond?: number;
  burst?: number;
}

/**
 * Returns a token-bucket limiter: at most `burst` requests at once, then `requestsPerSecond`.
 * @throws PipeError ERR_INTERNAL for a non-positive rate or a burst below 1
 */
export function createRateLimiter(options: RateLimiterOptions): RateLimiter {
  const { clock } = options;
  const rate = options.requestsPerSecond ?? DEFAULT_REQUESTS_PER_SECOND;
  const burst = options.burst ?? DEFAULT_BURST;
  if (!(rate > 0) || !(burst >= 1)) {
    throw new PipeError('ERR_INTERNAL', `invalid rate limit: ${rate}/s with burst ${burst}`);
  }
  const intervalMs = 1000 / rate + SPACING_MARGIN_MS;
  let tokens = burst;
  let updatedAt = clock.now();

  return {
    async acquire(signal) {
      const now = clock.now();
      tokens = Math.min(burst, tokens + (now - updatedAt) / intervalMs);
      updatedAt = now;
      // Take the token now, even into debt: concurrent callers each reserve a distinct slot
      // synchronously, so no two wake for the same one.
      tokens -= 1;
      if (tokens >= 0) return;
      try {
        // The epsilon absorbs float error (27 × 1000/15 = 1800.0000000000002), which would
        // otherwise round a slot up a millisecond and let a later one fall inside the window.
        await clock.sleep(Math.ceil(-tokens * intervalMs - 1e-6), signal);
      } catch {
        tokens += 1;
        throw cancellationError(signal, 'request');
      }
    },
  };
}

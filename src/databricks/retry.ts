import type { Clock } from '../clock.js';
import { cancellationError, TransportError } from './api-error.js';
import type { RawResponse } from './transport-types.js';

/** When to try a request again and how long to keep trying. Data, so policies read side by side. */
export interface RetryPolicy {
  /** Overall deadline from the first send, in ms: past it, a retry storm ends. */
  readonly budgetMs: number;
  /** Backoff cap of the first retry; it doubles per attempt up to `maxDelayMs` (full jitter). */
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** Statuses retried for every request: the server did not process it. */
  readonly unprocessedStatuses: readonly number[];
  /** Statuses retried only when repeating the request is safe (GET or idempotent). */
  readonly transientStatuses: readonly number[];
  /** Statuses whose `Retry-After` header, when present, replaces the backoff. */
  readonly retryAfterStatuses: readonly number[];
}

/**
 * Databricks REST calls (DESIGN §7.4): 429 always; 502/503/504 and network failures only when
 * safe to repeat; never another 4xx, never a plain 500 (the SDKs do not either).
 */
export const API_RETRY_POLICY: RetryPolicy = {
  budgetMs: 300_000,
  baseDelayMs: 500,
  maxDelayMs: 10_000,
  unprocessedStatuses: [429],
  transientStatuses: [502, 503, 504],
  retryAfterStatuses: [429, 503],
};

/**
 * The token exchange, as the SDKs' token retrier (reference §1.4): it has no side effects, so
 * callers pass `isSafeToRepeat: true`; 429, 502/503/504 and network failures are retried within
 * about a minute, a 4xx rejection (a policy mismatch) never is.
 */
export const TOKEN_EXCHANGE_RETRY_POLICY: RetryPolicy = {
  budgetMs: 60_000,
  baseDelayMs: 500,
  maxDelayMs: 10_000,
  unprocessedStatuses: [429],
  transientStatuses: [502, 503, 504],
  retryAfterStatuses: [429, 503],
};

/** How one send ended: an HTTP response (any status) or a thrown error. */
export type AttemptOutcome = { response: RawResponse } | { error: unknown };

export interface RetryOptions {
  policy: RetryPolicy;
  /** GETs and requests marked idempotent; decides transient statuses and ambiguous failures. */
  isSafeToRepeat: boolean;
  clock: Clock;
  signal?: AbortSignal;
  /** Named in a cancellation error, e.g. `GET /api/2.2/jobs/get`. */
  label: string;
  /** Called before each wait, for a log line. */
  onRetry?: (info: { attempt: number; delayMs: number; outcome: AttemptOutcome }) => void;
}

/** The last outcome and how long it took; `isExhausted`: it was retryable but time ran out. */
export interface RetryResult {
  outcome: AttemptOutcome;
  attempts: number;
  elapsedMs: number;
  isExhausted: boolean;
}

/**
 * Returns the delay a `Retry-After` value asks for in ms (integer seconds or an HTTP-date), or
 * undefined when absent or unparseable. A date in the past means no wait.
 */
export function parseRetryAfterMs(value: string | undefined, nowMs: number): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  // Every HTTP-date form (RFC 9110 §5.6.7) opens with a day name; Date.parse('-3') is a year.
  if (!/^[A-Za-z]/.test(text)) return undefined;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}

/** Returns true when `outcome` may be retried under `policy`. */
export function isRetryable(
  outcome: AttemptOutcome,
  policy: RetryPolicy,
  isSafeToRepeat: boolean,
): boolean {
  if ('response' in outcome) {
    const { status } = outcome.response;
    if (policy.unprocessedStatuses.includes(status)) return true;
    return isSafeToRepeat && policy.transientStatuses.includes(status);
  }
  const { error } = outcome;
  if (!(error instanceof TransportError) || !error.isTransient) return false;
  return isSafeToRepeat || error.isUnsent;
}

/** Returns the wait before retry number `attempt` (1-based): Retry-After, else full jitter. */
export function retryDelayMs(
  outcome: AttemptOutcome,
  attempt: number,
  policy: RetryPolicy,
  clock: Clock,
): number {
  if ('response' in outcome && policy.retryAfterStatuses.includes(outcome.response.status)) {
    const asked = parseRetryAfterMs(outcome.response.headers['retry-after'], clock.now());
    if (asked !== undefined) return asked;
  }
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.floor(clock.random() * ceiling);
}

async function settle(send: () => Promise<RawResponse>): Promise<AttemptOutcome> {
  try {
    return { response: await send() };
  } catch (error) {
    return { error };
  }
}

/**
 * Returns the outcome of `send`, repeated while the outcome is retryable and the policy's
 * deadline allows the wait. It never throws for an outcome: callers map the final one.
 * @throws PipeError ERR_CANCELLED (or the signal's PipeError reason) when `signal` aborts a wait
 */
export async function withRetries(
  send: () => Promise<RawResponse>,
  options: RetryOptions,
): Promise<RetryResult> {
  const { policy, clock } = options;
  const started = clock.now();
  for (let attempt = 1; ; attempt++) {
    const outcome = await settle(send);
    const elapsedMs = clock.now() - started;
    if (!isRetryable(outcome, policy, options.isSafeToRepeat)) {
      return { outcome, attempts: attempt, elapsedMs, isExhausted: false };
    }
    const delayMs = retryDelayMs(outcome, attempt, policy, clock);
    if (elapsedMs + delayMs > policy.budgetMs) {
      return { outcome, attempts: attempt, elapsedMs, isExhausted: true };
    }
    options.onRetry?.({ attempt, delayMs, outcome });
    try {
      await clock.sleep(delayMs, options.signal);
    } catch {
      throw cancellationError(options.signal, options.label);
    }
  }
}

import type { TokenProvider } from '../auth/types.js';
import type { Clock } from '../clock.js';
import { PipeError } from '../errors.js';
import type { Logger } from '../log/logger.js';
import { redactor as defaultRedactor, type Redactor } from '../log/redactor.js';
import {
  mapApiError,
  parseErrorBody,
  requestIdOf,
  TransportError,
  type ApiCallContext,
} from './api-error.js';
import type { RateLimiter } from './rate-limiter.js';
import {
  API_RETRY_POLICY,
  withRetries,
  type AttemptOutcome,
  type RetryOptions,
  type RetryPolicy,
  type RetryResult,
} from './retry.js';
import type { HttpTransport, RawResponse } from './transport-types.js';
import type { ApiClient, ApiRequest } from './types.js';

/** Waits at least this long are worth an info line: a silent 30 s pause looks like a hang. */
const LONG_WAIT_MS = 5_000;

export interface ApiClientOptions {
  transport: HttpTransport;
  /** Workspace origin, e.g. `https://dbc-123.cloud.databricks.com`. */
  host: string;
  tokens: TokenProvider;
  clock: Clock;
  logger: Logger;
  /** Shared by every client of the process, so parallel actions share one rate. */
  rateLimiter: RateLimiter;
  /** Overrides of {@link API_RETRY_POLICY}'s timings. */
  retry?: Partial<Pick<RetryPolicy, 'budgetMs' | 'baseDelayMs' | 'maxDelayMs'>>;
  /** Where the bearer token is registered so no message can carry it; the process-wide one by default. */
  redactor?: Redactor;
}

function describeOutcome(outcome: AttemptOutcome): string {
  if ('error' in outcome) {
    return outcome.error instanceof Error ? outcome.error.message : 'unknown error';
  }
  const { status, body } = outcome.response;
  const { errorCode } = parseErrorBody(body, status);
  return errorCode ? `${status} ${errorCode}` : String(status);
}

function lastResponse(outcome: AttemptOutcome): RawResponse | undefined {
  return 'response' in outcome ? outcome.response : undefined;
}

function exhaustedError(result: RetryResult, ctx: ApiCallContext): PipeError {
  const seconds = (result.elapsedMs / 1000).toFixed(1);
  const res = lastResponse(result.outcome);
  const errorCode = res ? parseErrorBody(res.body, res.status).errorCode : undefined;
  const requestId = res ? requestIdOf(res) : undefined;
  const isThrottled = res?.status === 429;
  return new PipeError(
    'ERR_RETRIES_EXHAUSTED',
    `${ctx.method} ${ctx.path} failed after ${result.attempts} attempts over ${seconds} s; last: ${describeOutcome(result.outcome)}`,
    {
      hint: isThrottled
        ? 'the workspace is throttling requests: lower max_concurrency of parallel groups, or re-run the step later'
        : 'the workspace or the network between it and the runner is unavailable; re-run the step later',
      ...('error' in result.outcome ? { cause: result.outcome.error } : {}),
      api: {
        ...(errorCode ? { errorCode } : {}),
        ...(res ? { status: res.status } : {}),
        ...(requestId ? { requestId } : {}),
        method: ctx.method,
        path: ctx.path,
      },
    },
  );
}

function failureError(error: unknown, ctx: ApiCallContext): unknown {
  // Token, cancellation and internal errors pass through; network failures gain the call's name.
  if (!(error instanceof TransportError)) return error;
  // Retryable but not retried: the request was not safe to repeat, and may have been processed.
  const hint =
    error.isTransient && !error.isUnsent
      ? 'the workspace may or may not have processed this request; check it before re-running the step'
      : error.hint;
  return new PipeError('ERR_API', `${ctx.method} ${ctx.path} failed: ${error.message}`, {
    ...(hint === undefined ? {} : { hint }),
    cause: error,
    api: { method: ctx.method, path: ctx.path },
  });
}

function logRetry(logger: Logger, label: string): NonNullable<RetryOptions['onRetry']> {
  return ({ attempt, delayMs, outcome }) => {
    const line = `${label}: ${describeOutcome(outcome)}; retry ${attempt} in ${delayMs} ms`;
    if (delayMs >= LONG_WAIT_MS) logger.info(line);
    else logger.debug(line);
  };
}

function resultOf<T>(result: RetryResult, ctx: ApiCallContext, red: Redactor): T {
  if (result.isExhausted) throw exhaustedError(result, ctx);
  if ('error' in result.outcome) throw failureError(result.outcome.error, ctx);
  const res = result.outcome.response;
  if (res.status >= 200 && res.status < 300) return (res.body === '' ? {} : res.body) as T;
  const error = mapApiError(res, ctx);
  // Defence in depth: a server that echoes the credential must not put it in our message.
  error.message = red.redact(error.message);
  throw error;
}

/**
 * Returns the client every Databricks REST call goes through: bearer auth with one re-exchange
 * on 401, the shared rate limit, retries by {@link API_RETRY_POLICY} within an overall deadline,
 * and error mapping.
 */
export function createApiClient(options: ApiClientOptions): ApiClient {
  const { transport, tokens, clock, logger, rateLimiter } = options;
  const red = options.redactor ?? defaultRedactor;
  const origin = options.host.replace(/\/+$/, '');
  const basePolicy: RetryPolicy = { ...API_RETRY_POLICY, ...options.retry };
  let sends = 0;
  let registeredToken: string | undefined;

  const sendAuthorized = async (req: ApiRequest): Promise<RawResponse> => {
    await rateLimiter.acquire(req.signal);
    const token = await tokens.getToken(req.signal);
    if (token !== registeredToken) registeredToken = red.register(token);
    sends += 1;
    return transport.send({
      method: req.method,
      url: `${origin}${req.path}`,
      headers: { Authorization: `Bearer ${token}` },
      ...(req.query ? { query: req.query } : {}),
      ...(req.body === undefined ? {} : { json: req.body }),
      ...(req.signal ? { signal: req.signal } : {}),
    });
  };

  const request = async <T>(req: ApiRequest): Promise<T> => {
    if (!req.path.startsWith('/')) {
      throw new PipeError('ERR_INTERNAL', `API path must be absolute: ${req.path}`);
    }
    const ctx: ApiCallContext = { method: req.method, path: req.path };
    const label = `${req.method} ${req.path}`;
    let hasReexchanged = false;
    // A 401 may only mean the token expired mid-step: one fresh exchange, then it stands.
    const sendOnce = async (): Promise<RawResponse> => {
      const res = await sendAuthorized(req);
      if (res.status !== 401 || hasReexchanged) return res;
      hasReexchanged = true;
      tokens.invalidate();
      logger.debug(`${label} → 401; exchanging a fresh token and retrying once`);
      return sendAuthorized(req);
    };
    const result = await withRetries(sendOnce, {
      policy:
        req.retryBudgetMs === undefined
          ? basePolicy
          : { ...basePolicy, budgetMs: req.retryBudgetMs },
      isSafeToRepeat: req.method === 'GET' || req.idempotent === true,
      clock,
      label,
      ...(req.signal ? { signal: req.signal } : {}),
      onRetry: logRetry(logger, label),
    });
    return resultOf<T>(result, ctx, red);
  };

  return {
    request,
    get requestCount() {
      return sends;
    },
  };
}

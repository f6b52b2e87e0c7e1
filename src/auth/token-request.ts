import type { Clock } from '../clock.js';
import {
  TOKEN_EXCHANGE_RETRY_POLICY,
  withRetries,
  type AttemptOutcome,
  type RetryPolicy,
  type RetryResult,
} from '../databricks/retry.js';
import type { HttpTransport, RawResponse } from '../databricks/transport-types.js';
import { isPipeError, PipeError } from '../errors.js';
import type { Logger } from '../log/logger.js';
import type { Redactor } from '../log/redactor.js';

/** What every token-endpoint call needs; injected so tests use loopback servers and fake time. */
export interface TokenRequestDeps {
  transport: HttpTransport;
  clock: Clock;
  logger: Logger;
}

/** One POST to a token endpoint. */
export interface TokenRequest {
  url: string;
  form: Record<string, string>;
  headers?: Record<string, string>;
  /** Names the call in logs and errors, e.g. `token exchange`. */
  what: string;
  /** Overall budget for retries, ms (default {@link TOKEN_RETRY_BUDGET_MS}). */
  retryBudgetMs?: number;
}

/** A bearer token and when it stops being valid. */
export interface IssuedToken {
  accessToken: string;
  /** Epoch ms. */
  expiresAtMs: number;
  /** Epoch ms; with expiresAtMs gives the lifetime the refresh margin is computed from. */
  issuedAtMs: number;
}

/** The OAuth error fields of a refusal, from `{error, error_description, error_codes}`. */
export interface OAuthError {
  error: string | undefined;
  description: string | undefined;
  /** Entra's numeric AADSTS codes. */
  codes: number[];
}

// Reference §1.4: the SDKs' token retrier retries 429/502/503/504 and network errors for about
// a minute. A plain 500 is not retried (the shared token policy lists it; the SDKs do not).
const TOKEN_RETRY_POLICY: RetryPolicy = { ...TOKEN_EXCHANGE_RETRY_POLICY, transientStatuses: [502, 503, 504] };
/** The overall retry budget of one token request, ms. */
export const TOKEN_RETRY_BUDGET_MS = TOKEN_RETRY_POLICY.budgetMs;
const TOKEN_HTTP_TIMEOUT_MS = 15_000;
// Databricks and Entra both document about an hour; used only when expires_in is absent.
const DEFAULT_TOKEN_TTL_MS = 3_600_000;
const MAX_DESCRIPTION_CHARS = 300;

/**
 * Returns the token endpoint's final answer: a 2xx, or a status that must not be retried
 * (a refusal is never retried: the policy will not change between attempts).
 * @throws PipeError ERR_TOKEN_EXCHANGE_FAILED when 429/502/503/504 or network failures outlast
 *   the retry budget, or a network failure is permanent (TLS, DNS).
 */
export async function sendTokenRequest(deps: TokenRequestDeps, req: TokenRequest): Promise<RawResponse> {
  const policy = { ...TOKEN_RETRY_POLICY, budgetMs: req.retryBudgetMs ?? TOKEN_RETRY_POLICY.budgetMs };
  const result = await withRetries(
    () =>
      deps.transport.send({
        method: 'POST',
        url: req.url,
        form: req.form,
        timeoutMs: TOKEN_HTTP_TIMEOUT_MS,
        ...(req.headers === undefined ? {} : { headers: req.headers }),
      }),
    {
      policy,
      isSafeToRepeat: true,
      clock: deps.clock,
      label: req.what,
      onRetry: ({ attempt, delayMs, outcome }) =>
        deps.logger.debug(`${req.what}: ${describeOutcome(outcome)}; retrying in ${delayMs} ms`, { attempt }),
    },
  );
  const { outcome } = result;
  if ('response' in outcome && !result.isExhausted) return outcome.response;
  throw failureError(req, result);
}

function failureError(req: TokenRequest, result: RetryResult): PipeError {
  const { outcome } = result;
  if ('error' in outcome && isPipeError(outcome.error, 'ERR_CANCELLED')) return outcome.error;
  const attempts = result.attempts === 1 ? '' : ` after ${result.attempts} attempts`;
  // A TransportError's hint (proxy, CA file, DATABRICKS_HOST) is more useful than ours.
  const transportHint = 'error' in outcome && outcome.error instanceof PipeError ? outcome.error.hint : undefined;
  return new PipeError('ERR_TOKEN_EXCHANGE_FAILED', `${req.what} failed${attempts}: ${describeOutcome(outcome)}`, {
    hint: transportHint ?? 'the token endpoint is unavailable or overloaded; re-run the step later',
    ...('response' in outcome ? { api: { status: outcome.response.status } } : { cause: outcome.error }),
  });
}

/**
 * Returns the token from a 2xx token-endpoint response, registered with the redactor before
 * anything else can see it.
 * @throws PipeError ERR_TOKEN_EXCHANGE_FAILED when the body has no access_token.
 */
export function parseTokenResponse(res: RawResponse, nowMs: number, redactor: Redactor, what: string): IssuedToken {
  const body = isRecord(res.body) ? res.body : {};
  const accessToken = body['access_token'];
  if (typeof accessToken !== 'string' || accessToken === '') {
    throw new PipeError('ERR_TOKEN_EXCHANGE_FAILED', `${what} answered HTTP ${res.status} without an access_token`, {
      api: { status: res.status },
    });
  }
  redactor.register(accessToken);
  const expiresIn = Number(body['expires_in']);
  const ttlMs = Number.isFinite(expiresIn) && expiresIn > 0 ? expiresIn * 1000 : DEFAULT_TOKEN_TTL_MS;
  return { accessToken, expiresAtMs: nowMs + ttlMs, issuedAtMs: nowMs };
}

/** Returns the OAuth error fields of a refusal body (JSON or text), descriptions shortened. */
export function oauthErrorOf(body: unknown): OAuthError {
  if (typeof body === 'string') {
    return { error: undefined, description: shorten(body.trim()) || undefined, codes: [] };
  }
  if (!isRecord(body)) return { error: undefined, description: undefined, codes: [] };
  // Okta-style errorCode/errorSummary as the Python SDK also accepts.
  const error = stringField(body, 'error') ?? stringField(body, 'errorCode') ?? stringField(body, 'error_code');
  const text =
    stringField(body, 'error_description') ?? stringField(body, 'errorSummary') ?? stringField(body, 'message');
  const codes = Array.isArray(body['error_codes'])
    ? body['error_codes'].filter((c): c is number => typeof c === 'number')
    : [];
  return { error, description: text === undefined ? undefined : shorten(text), codes };
}

/** Returns "error: description" for a message, or a placeholder when the body said nothing. */
export function formatOAuthError(status: number, oauth: OAuthError): string {
  const parts = [oauth.error, oauth.description].filter((p): p is string => p !== undefined && p !== '');
  return parts.length > 0 ? `HTTP ${status} ${parts.join(': ')}` : `HTTP ${status} (no error description)`;
}

function describeOutcome(outcome: AttemptOutcome): string {
  if ('response' in outcome) return `HTTP ${outcome.response.status}`;
  const message = outcome.error instanceof Error ? outcome.error.message : String(outcome.error);
  return `network error (${shorten(message)})`;
}

function shorten(text: string): string {
  return text.length > MAX_DESCRIPTION_CHARS ? `${text.slice(0, MAX_DESCRIPTION_CHARS)}…` : text;
}

function stringField(record: Record<string, unknown>, key: string): string | undefined {
  const value = record[key];
  return typeof value === 'string' ? value : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

import { STATUS_CODES } from 'node:http';
import { PipeError, type PipeErrorCode } from '../errors.js';
import type { RawResponse } from './transport-types.js';

/** How a request failed below HTTP: the retry policy and the user's next step depend on it. */
export type TransportErrorKind = 'reset' | 'refused' | 'timeout' | 'dns' | 'tls' | 'other';

/**
 * A network failure (no HTTP response). Carries no request or response object: those hold the
 * Authorization header. `isTransient`: worth another try; `isUnsent`: the request never reached
 * the server, so even a non-idempotent one may be repeated.
 */
export class TransportError extends PipeError {
  readonly kind: TransportErrorKind;
  readonly isTransient: boolean;
  readonly isUnsent: boolean;
  /** The system error code (`ECONNRESET`, `CERT_HAS_EXPIRED`, …) when there was one. */
  readonly systemCode: string | undefined;

  constructor(
    kind: TransportErrorKind,
    message: string,
    facts: { isTransient: boolean; isUnsent: boolean; systemCode?: string; hint?: string },
  ) {
    super('ERR_API', message, facts.hint === undefined ? {} : { hint: facts.hint });
    this.kind = kind;
    this.isTransient = facts.isTransient;
    this.isUnsent = facts.isUnsent;
    this.systemCode = facts.systemCode;
  }
}

/** Where a failed call went: named in every message so the user knows which call broke. */
export interface ApiCallContext {
  method: string;
  path: string;
}

/** What a Databricks error body says, whichever of its shapes it came in. */
export interface ParsedErrorBody {
  errorCode?: string;
  message: string;
  requestId?: string;
}

const MAX_MESSAGE_CHARS = 500;
const REQUEST_ID_HEADERS = ['x-request-id', 'x-databricks-request-id'];
const NOT_FOUND_CODES = new Set(['RESOURCE_DOES_NOT_EXIST', 'NOT_FOUND']);
const UNAUTHENTICATED_CODES = new Set(['UNAUTHENTICATED', 'CUSTOMER_UNAUTHORIZED']);
const CODE_PREFIXED_TEXT = /^([A-Z][A-Z0-9_]+): ([\s\S]*)$/;
const HTML_PRE = /<pre>([\s\S]*?)<\/pre>/i;

const HINTS: Partial<Record<PipeErrorCode, string>> = {
  ERR_UNAUTHENTICATED:
    'the workspace rejected the token even after a fresh exchange; check that the service principal exists and is assigned to this workspace',
  ERR_PERMISSION_DENIED:
    "grant the pipe's identity permission on this object (jobs need CAN_MANAGE_RUN, models CAN_MANAGE or EDIT)",
  ERR_NOT_FOUND: "check the name or id, and that the object is visible to the pipe's identity",
};

function clip(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > MAX_MESSAGE_CHARS ? `${flat.slice(0, MAX_MESSAGE_CHARS)}…` : flat;
}

function decodeEntities(text: string): string {
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
}

function asString(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

// google.rpc.RequestInfo inside `details` carries the id support asks for.
function requestIdFromDetails(details: unknown): string | undefined {
  if (!Array.isArray(details)) return undefined;
  for (const detail of details as unknown[]) {
    if (detail && typeof detail === 'object') {
      const id = asString((detail as Record<string, unknown>)['request_id']);
      if (id) return id;
    }
  }
  return undefined;
}

function parseObjectBody(body: Record<string, unknown>, status: number): ParsedErrorBody {
  const errorCode = asString(body['error_code']);
  const requestId = requestIdFromDetails(body['details']);
  const withId = (parsed: ParsedErrorBody): ParsedErrorBody =>
    requestId ? { ...parsed, requestId } : parsed;
  if (errorCode) return withId({ errorCode, message: asString(body['message']) ?? '' });
  const error = asString(body['error']);
  const description = asString(body['error_description']);
  // OAuth endpoints: {error, error_description}; API 1.2: {error: "<message>"}.
  if (error && description) return { errorCode: error, message: description };
  if (error) return { message: error };
  const scimDetail = asString(body['detail']);
  if (scimDetail) {
    const scimStatus = asString(body['status']) ?? String(status);
    return { errorCode: `SCIM_${scimStatus}`, message: scimDetail };
  }
  const message = asString(body['message']);
  return message ? { message } : { errorCode: 'UNKNOWN', message: clip(JSON.stringify(body)) };
}

/**
 * Returns the error code and message of a Databricks error body in any of the shapes the SDKs
 * parse: `{error_code, message, details}`, `{error}`, OAuth `{error, error_description}`,
 * SCIM `{detail}`, `CODE: message` text, HTML with a `<pre>`, or an empty body.
 */
export function parseErrorBody(body: unknown, status: number): ParsedErrorBody {
  if (body && typeof body === 'object' && !Array.isArray(body)) {
    return parseObjectBody(body as Record<string, unknown>, status);
  }
  const text = typeof body === 'string' ? body.trim() : '';
  if (text === '') return { message: STATUS_CODES[status] ?? `HTTP ${status}` };
  const prefixed = CODE_PREFIXED_TEXT.exec(text);
  if (prefixed?.[1] && prefixed[2] !== undefined) {
    return { errorCode: prefixed[1], message: clip(prefixed[2]) };
  }
  const pre = HTML_PRE.exec(text);
  if (pre?.[1] !== undefined) return { message: clip(decodeEntities(pre[1])) };
  return { errorCode: 'UNKNOWN', message: clip(text) };
}

// Branch on error_code first: Databricks sends e.g. "Run 5 does not exist" as 400.
function codeFor(status: number, errorCode: string | undefined, message: string): PipeErrorCode {
  if (errorCode && NOT_FOUND_CODES.has(errorCode)) return 'ERR_NOT_FOUND';
  if (errorCode === 'INVALID_PARAMETER_VALUE' && /does not exist/i.test(message)) {
    return 'ERR_NOT_FOUND';
  }
  if (errorCode === 'PERMISSION_DENIED') return 'ERR_PERMISSION_DENIED';
  if (errorCode && UNAUTHENTICATED_CODES.has(errorCode)) return 'ERR_UNAUTHENTICATED';
  if (errorCode) return status === 401 ? 'ERR_UNAUTHENTICATED' : 'ERR_API';
  if (status === 401) return 'ERR_UNAUTHENTICATED';
  if (status === 403) return 'ERR_PERMISSION_DENIED';
  if (status === 404) return 'ERR_NOT_FOUND';
  return 'ERR_API';
}

/** Returns the request id the workspace attached to a response, from headers or body. */
export function requestIdOf(res: RawResponse): string | undefined {
  for (const name of REQUEST_ID_HEADERS) {
    const id = asString(res.headers[name]);
    if (id) return id;
  }
  return undefined;
}

function hintFor(code: PipeErrorCode, status: number): string | undefined {
  if (status === 407)
    return 'the proxy wants credentials: check the user and password in HTTPS_PROXY';
  if (code === 'ERR_API' && status >= 500) {
    return 'the workspace failed to handle the request; retry the step, and quote the request id to Databricks support if it persists';
  }
  return HINTS[code];
}

function redirectError(res: RawResponse, ctx: ApiCallContext): PipeError {
  let target = 'an unknown location';
  try {
    // The origin only: a login redirect's query can carry state worth keeping out of logs.
    target = new URL(res.headers['location'] ?? '').origin;
  } catch {
    // keep the generic wording
  }
  return new PipeError(
    'ERR_API',
    `${ctx.method} ${ctx.path} failed: ${res.status} redirect to ${target} not followed`,
    {
      hint: 'credentials never follow a redirect to another origin; set DATABRICKS_HOST to the workspace URL a browser ends up on',
      api: { status: res.status, method: ctx.method, path: ctx.path },
    },
  );
}

/**
 * Returns the PipeError for a non-2xx response: `METHOD /path failed: 403 PERMISSION_DENIED: …`,
 * with `api` = error code, status, request id, method and path.
 */
export function mapApiError(res: RawResponse, ctx: ApiCallContext): PipeError {
  if (res.status >= 300 && res.status < 400) return redirectError(res, ctx);
  const parsed = parseErrorBody(res.body, res.status);
  const requestId = requestIdOf(res) ?? parsed.requestId;
  const code = codeFor(res.status, parsed.errorCode, parsed.message);
  const label = parsed.errorCode ? `${res.status} ${parsed.errorCode}` : String(res.status);
  const suffix = requestId ? ` (request id ${requestId})` : '';
  const hint = hintFor(code, res.status);
  return new PipeError(
    code,
    `${ctx.method} ${ctx.path} failed: ${label}: ${parsed.message}${suffix}`,
    {
      ...(hint ? { hint } : {}),
      api: {
        ...(parsed.errorCode ? { errorCode: parsed.errorCode } : {}),
        status: res.status,
        ...(requestId ? { requestId } : {}),
        method: ctx.method,
        path: ctx.path,
      },
    },
  );
}

/**
 * Returns the error to throw when `signal` aborted a call: its reason when that is already a
 * PipeError (an orchestrator's ERR_TIMEOUT), else ERR_CANCELLED.
 */
export function cancellationError(signal: AbortSignal | undefined, what: string): PipeError {
  const reason: unknown = signal?.reason;
  if (reason instanceof PipeError) return reason;
  return new PipeError('ERR_CANCELLED', `${what} cancelled`);
}

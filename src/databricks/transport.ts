import http from 'node:http';
import https from 'node:https';
import axios, { type AxiosInstance, type AxiosProxyConfig, type AxiosResponse } from 'axios';
import type { NetworkConfig } from '../config/types.js';
import type { Logger } from '../log/logger.js';
import { redactor } from '../log/redactor.js';
import { PIPE_VERSION } from '../version.js';
import { cancellationError, TransportError, type TransportErrorKind } from './api-error.js';
import { parseProxyUrl, proxyFor, trustedCas, type ProxySettings } from './proxy.js';
import type { HttpTransport, RawRequest, RawResponse } from './transport-types.js';

/** Per-request timeout when the caller sets none (the Databricks SDKs use 60 s). */
export const DEFAULT_HTTP_TIMEOUT_MS = 60_000;
// Idle pooled sockets are dropped well before a load balancer's idle timeout (60 s on AWS)
// could close one under a request: a reset there would fail a POST that is not safe to repeat.
const IDLE_SOCKET_TIMEOUT_MS = 15_000;

export interface TransportOptions {
  /** The user agent is `databricks-ml-pipe/<version>`; {@link PIPE_VERSION} unless given. */
  version?: string;
  network: NetworkConfig;
  timeoutMs?: number;
  logger: Logger;
}

interface Failure {
  kind: TransportErrorKind;
  isTransient: boolean;
  isUnsent: boolean;
  hint?: string;
}
const CONNECT_HINT =
  'check DATABRICKS_HOST, and HTTPS_PROXY/NO_PROXY when the network needs a proxy';
const RESET: Failure = { kind: 'reset', isTransient: true, isUnsent: false };
// Refused and unresolved connections never reached the server: safe to repeat for any request.
const REFUSED: Failure = { kind: 'refused', isTransient: true, isUnsent: true, hint: CONNECT_HINT };
const SYSTEM_CODES: Record<string, Failure> = {
  ECONNRESET: RESET,
  EPIPE: RESET,
  ECONNABORTED: RESET,
  ECONNREFUSED: REFUSED,
  EHOSTUNREACH: REFUSED,
  ENETUNREACH: REFUSED,
  ETIMEDOUT: { kind: 'timeout', isTransient: true, isUnsent: false },
  EAI_AGAIN: { kind: 'dns', isTransient: true, isUnsent: true, hint: CONNECT_HINT },
  ENOTFOUND: { kind: 'dns', isTransient: false, isUnsent: true, hint: CONNECT_HINT },
};
const TLS_CODE = /^(ERR_TLS_|ERR_SSL_|CERT_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_|HOSTNAME_MISMATCH)/;
const TLS_FAILURE: Failure = {
  kind: 'tls',
  isTransient: false,
  isUnsent: true,
  hint: 'if a proxy or firewall re-signs TLS, set NODE_EXTRA_CA_CERTS to a PEM file holding its CA',
};
const OTHER: Failure = { kind: 'other', isTransient: false, isUnsent: false };
const WORDING: Record<TransportErrorKind, string> = {
  reset: 'connection reset by',
  refused: 'cannot connect to',
  timeout: 'connection timed out to',
  dns: 'cannot resolve',
  tls: 'TLS handshake failed with',
  other: 'request failed to',
};

// axios copies the socket error's code; Node's happy-eyeballs AggregateError nests them.
function systemCodeOf(error: unknown): string | undefined {
  const outer = error as { code?: unknown; cause?: { code?: unknown; errors?: unknown[] } };
  const nested = outer.cause?.errors?.[0] as { code?: unknown } | undefined;
  const codes = [outer.code, outer.cause?.code, nested?.code].filter(
    (code): code is string => typeof code === 'string',
  );
  return codes.find((code) => code in SYSTEM_CODES || TLS_CODE.test(code)) ?? codes[0];
}

/**
 * Returns the TransportError for a failed send, classified by its system error code. Built from
 * the code alone: the axios error holds the request, and so the Authorization header.
 */
export function transportErrorFrom(error: unknown, host: string): TransportError {
  const code = systemCodeOf(error);
  const failure =
    code === undefined ? OTHER : TLS_CODE.test(code) ? TLS_FAILURE : (SYSTEM_CODES[code] ?? OTHER);
  const detail = code ?? (error instanceof Error ? error.message : 'unknown error');
  return new TransportError(failure.kind, `${WORDING[failure.kind]} ${host} (${detail})`, {
    ...failure,
    ...(code === undefined ? {} : { systemCode: code }),
  });
}

function buildUrl(base: string, query: RawRequest['query']): URL {
  const url = new URL(base);
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value !== undefined) url.searchParams.set(key, String(value));
  }
  return url;
}

/** Returns path and query for a log line, with secret-named query values masked. */
export function displayPath(url: URL): string {
  const shown = new URLSearchParams();
  for (const [key, value] of url.searchParams) {
    shown.append(key, redactor.isSecretKey(key) ? '***' : value);
  }
  const query = shown.toString();
  return query === '' ? url.pathname : `${url.pathname}?${query}`;
}

function parseBody(text: string, contentType: string | undefined): unknown {
  if (text === '') return '';
  const looksJson = /json/i.test(contentType ?? '') || /^\s*[[{]/.test(text);
  if (!looksJson) return text;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function toRawResponse(res: AxiosResponse<string>): RawResponse {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(res.headers as Record<string, unknown>)) {
    if (value !== undefined && value !== null) {
      headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : `${value as string}`;
    }
  }
  return { status: res.status, headers, body: parseBody(res.data ?? '', headers['content-type']) };
}

function bodyOf(req: RawRequest): { data?: string; headers?: Record<string, string> } {
  if (req.form) {
    const headers = { 'Content-Type': 'application/x-www-form-urlencoded' };
    return { data: new URLSearchParams(req.form).toString(), headers };
  }
  if (req.json === undefined) return {};
  return { data: JSON.stringify(req.json), headers: { 'Content-Type': 'application/json' } };
}

function axiosProxy(proxy: ProxySettings | undefined): AxiosProxyConfig | false {
  if (!proxy) return false;
  return {
    protocol: proxy.protocol,
    host: proxy.host,
    port: proxy.port,
    ...(proxy.auth ? { auth: proxy.auth } : {}),
  };
}

interface Deadline {
  signal: AbortSignal;
  isTimedOut(): boolean;
  dispose(): void;
}

// One signal for axios: the caller's cancellation or this request's own timeout, told apart later.
function deadlineFor(caller: AbortSignal | undefined, timeoutMs: number, label: string): Deadline {
  if (caller?.aborted) throw cancellationError(caller, label);
  const controller = new AbortController();
  let isTimedOut = false;
  const timer = setTimeout(() => {
    isTimedOut = true;
    controller.abort();
  }, timeoutMs);
  const onAbort = (): void => controller.abort();
  caller?.addEventListener('abort', onAbort, { once: true });
  return {
    signal: controller.signal,
    isTimedOut: () => isTimedOut,
    dispose: () => {
      clearTimeout(timer);
      caller?.removeEventListener('abort', onAbort);
    },
  };
}

// 303 (and 301/302 after a POST, as browsers do) turns the follow-up into a body-less GET.
function redirectedRequest(req: RawRequest, status: number, location: URL): RawRequest {
  const toGet = status === 303 || ((status === 301 || status === 302) && req.method === 'POST');
  const { json, form, ...rest } = req;
  const body = toGet ? {} : { ...(json === undefined ? {} : { json }), ...(form ? { form } : {}) };
  // The Location carries its own query.
  return {
    ...rest,
    ...body,
    query: {},
    method: toGet ? 'GET' : req.method,
    url: location.toString(),
  };
}

function createAxios(version: string, ca: string[] | undefined): AxiosInstance {
  return axios.create({
    adapter: 'http',
    validateStatus: () => true,
    maxRedirects: 0,
    responseType: 'text',
    transformResponse: [(data: unknown) => data],
    httpAgent: new http.Agent({ keepAlive: true, timeout: IDLE_SOCKET_TIMEOUT_MS }),
    httpsAgent: new https.Agent({
      keepAlive: true,
      timeout: IDLE_SOCKET_TIMEOUT_MS,
      ...(ca ? { ca } : {}),
    }),
    headers: { 'User-Agent': `databricks-ml-pipe/${version}`, Accept: 'application/json' },
  });
}

interface Sender {
  instance: AxiosInstance;
  proxy: ProxySettings | undefined;
  noProxy: string | undefined;
  defaultTimeoutMs: number;
  logger: Logger;
}

async function sendOnce(sender: Sender, req: RawRequest, url: URL): Promise<RawResponse> {
  const label = `${req.method} ${displayPath(url)}`;
  const timeoutMs = req.timeoutMs ?? sender.defaultTimeoutMs;
  const deadline = deadlineFor(req.signal, timeoutMs, label);
  const started = performance.now();
  const elapsed = (): number => Math.round(performance.now() - started);
  const body = bodyOf(req);
  try {
    const res = await sender.instance.request<string>({
      method: req.method,
      url: url.toString(),
      signal: deadline.signal,
      data: body.data,
      headers: { ...req.headers, ...body.headers },
      proxy: axiosProxy(proxyFor(url, sender.proxy, sender.noProxy)),
    });
    sender.logger.debug(`${label} → ${res.status} (${elapsed()} ms)`);
    return toRawResponse(res);
  } catch (error) {
    if (req.signal?.aborted) throw cancellationError(req.signal, label);
    const failure = deadline.isTimedOut()
      ? new TransportError('timeout', `no response from ${url.host} within ${timeoutMs} ms`, {
          isTransient: true,
          isUnsent: false,
        })
      : transportErrorFrom(error, url.host);
    sender.logger.debug(`${label} → ${failure.kind} error (${elapsed()} ms)`);
    throw failure;
  } finally {
    deadline.dispose();
  }
}

/**
 * Returns the HTTP transport: the pipe's only axios instance. Resolves for every status;
 * follows a redirect once and only within the same origin; rejects with a TransportError on
 * network failures, or ERR_CANCELLED when `signal` aborts.
 * @throws PipeError ERR_CONFIG_INVALID for an unusable HTTPS_PROXY or CA file (at creation)
 */
export function createTransport(options: TransportOptions): HttpTransport {
  const { network, logger } = options;
  const sender: Sender = {
    instance: createAxios(options.version ?? PIPE_VERSION, trustedCas(network)),
    proxy: network.httpsProxy ? parseProxyUrl(network.httpsProxy) : undefined,
    noProxy: network.noProxy,
    defaultTimeoutMs: options.timeoutMs ?? DEFAULT_HTTP_TIMEOUT_MS,
    logger,
  };
  return {
    async send(req) {
      const url = buildUrl(req.url, req.query);
      const res = await sendOnce(sender, req, url);
      const location = res.status >= 300 && res.status < 400 ? res.headers['location'] : undefined;
      if (location === undefined) return res;
      const target = new URL(location, url);
      // Another origin would receive the Authorization header: hand the 3xx back instead.
      if (target.origin !== url.origin) return res;
      logger.debug(`following same-origin redirect ${res.status} to ${target.pathname}`);
      return sendOnce(sender, redirectedRequest(req, res.status, target), target);
    },
  };
}

import type { HttpMethod } from './types.js';

/** One HTTP exchange below the API client: no auth, no retries, no error mapping. */
export interface RawRequest {
  method: HttpMethod;
  /** Absolute URL. */
  url: string;
  headers?: Record<string, string>;
  query?: Record<string, string | number | boolean | undefined>;
  /** JSON body. */
  json?: unknown;
  /** application/x-www-form-urlencoded body (token endpoints). */
  form?: Record<string, string>;
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface RawResponse {
  status: number;
  /** Lower-cased header names. */
  headers: Record<string, string>;
  /** Parsed JSON when the body is JSON, else the text ('' when empty). */
  body: unknown;
}

/**
 * Sends requests with the pipe's user agent, proxy, CA and timeout settings. Resolves for every
 * HTTP status; rejects only for network failures (reset, refused, timeout) with a
 * `TransportError`, and never follows a redirect to another origin with credentials.
 */
export interface HttpTransport {
  send(req: RawRequest): Promise<RawResponse>;
}

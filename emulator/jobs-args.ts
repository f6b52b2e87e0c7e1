import { ApiError, type EmuRequest } from './router.js';

/** Argument parsing for the Jobs API: GETs read the query string, POSTs a JSON object body. */

/** Returns a 400 INVALID_PARAMETER_VALUE error, the Jobs API's answer to bad input. */
export function invalid(message: string): ApiError {
  return new ApiError(400, 'INVALID_PARAMETER_VALUE', message);
}

/**
 * Returns the JSON object body of a POST.
 * @throws ApiError MALFORMED_REQUEST when the body is not a JSON object.
 */
export function bodyOf(req: EmuRequest): Record<string, unknown> {
  const body = req.body ?? {};
  if (typeof body !== 'object' || Array.isArray(body)) {
    throw new ApiError(
      400,
      'MALFORMED_REQUEST',
      'Invalid JSON given in the body of the request - expected a map',
    );
  }
  return body as Record<string, unknown>;
}

/** Returns an int64 field from a body or query value; undefined when absent. */
export function intField(value: unknown, name: string): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const n =
    typeof value === 'number'
      ? value
      : typeof value === 'string' && /^-?\d+$/.test(value)
        ? Number(value)
        : NaN;
  if (!Number.isSafeInteger(n))
    throw invalid(`Invalid value for parameter ${name}: expected an integer.`);
  return n;
}

/** Returns a boolean query parameter (`true`/`false`); undefined when absent. */
export function boolQuery(req: EmuRequest, name: string): boolean | undefined {
  const value = req.query.get(name);
  if (value === null || value === '') return undefined;
  if (value === 'true' || value === 'false') return value === 'true';
  throw invalid(`Invalid value for parameter ${name}: expected a boolean.`);
}

/** Returns a required positive id from the query string or body. */
export function requireId(value: unknown, name: string): number {
  const id = intField(value, name);
  if (id === undefined) throw invalid(`Missing required field: ${name}`);
  return id;
}

/** Returns an opaque page token for an offset into a result list. */
export function pageToken(offset: number): string {
  return Buffer.from(JSON.stringify({ offset }), 'utf8').toString('base64url');
}

/**
 * Returns the offset a page token stands for (0 when absent).
 * @throws ApiError INVALID_PARAMETER_VALUE for a token this server did not issue.
 */
export function offsetOf(token: string | null | undefined): number {
  if (!token) return 0;
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as {
      offset?: unknown;
    };
    if (
      typeof parsed.offset === 'number' &&
      Number.isSafeInteger(parsed.offset) &&
      parsed.offset >= 0
    ) {
      return parsed.offset;
    }
  } catch {
    // fall through to the refusal below
  }
  throw invalid(`Invalid page token: ${token}`);
}

/** Returns the GET's limit, checked against `[1, max]`; 0 or absent mean `fallback`. */
export function limitOf(req: EmuRequest, max: number, fallback: number): number {
  const limit = intField(req.query.get('limit'), 'limit');
  if (limit === undefined || limit === 0) return fallback;
  if (limit < 0 || limit > max) {
    throw invalid(`Invalid limit ${limit}: the limit must be greater than 0 and at most ${max}.`);
  }
  return limit;
}

/** The two Jobs API versions the emulator serves. */
export const JOBS_VERSIONS = ['2.1', '2.2'] as const;
export type JobsVersion = (typeof JOBS_VERSIONS)[number];

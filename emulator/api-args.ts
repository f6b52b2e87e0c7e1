import { ApiError, type EmuRequest } from './router.js';

/**
 * Request-argument and error helpers shared by the MLflow, registry, Unity Catalog and
 * workspace modules. Messages follow MLflow's server (`mlflow/server/handlers.py`,
 * `mlflow/utils/validation.py`) so clients see the wording they see in production.
 */

export type Args = Record<string, unknown>;

/** Returns the request's arguments: query parameters overlaid by a JSON object body. */
export function argsOf(req: EmuRequest): Args {
  const args: Args = Object.fromEntries(req.query.entries());
  // MLflow clients send GET arguments as query strings and DELETE arguments as JSON bodies;
  // the real server accepts either, so both are merged.
  if (req.body !== null && typeof req.body === 'object' && !Array.isArray(req.body)) {
    Object.assign(args, req.body);
  }
  return args;
}

/** Returns a 400 INVALID_PARAMETER_VALUE error. */
export function invalidParameter(message: string): ApiError {
  return new ApiError(400, 'INVALID_PARAMETER_VALUE', message);
}

/** Returns a 404 RESOURCE_DOES_NOT_EXIST error. */
export function notFound(message: string): ApiError {
  return new ApiError(404, 'RESOURCE_DOES_NOT_EXIST', message);
}

/** Returns RESOURCE_ALREADY_EXISTS with the 400 status MLflow's server maps it to. */
export function alreadyExists(message: string): ApiError {
  return new ApiError(400, 'RESOURCE_ALREADY_EXISTS', message);
}

/** Returns a 403 PERMISSION_DENIED error. */
export function permissionDenied(message: string): ApiError {
  return new ApiError(403, 'PERMISSION_DENIED', message);
}

function missing(name: string): ApiError {
  return invalidParameter(
    `Missing value for required parameter '${name}'. ` +
      'See the API docs for more information about request parameters.',
  );
}

/**
 * Returns the named argument as a non-empty string (numbers are accepted and stringified,
 * as protobuf JSON parsing does for string fields).
 * @throws ApiError INVALID_PARAMETER_VALUE when absent, empty or not a scalar.
 */
export function requireString(args: Args, name: string): string {
  const value = optionalString(args, name);
  if (value === undefined || value === '') throw missing(name);
  return value;
}

/** Returns the named argument as a string, or undefined when absent. */
export function optionalString(args: Args, name: string): string | undefined {
  const value = args[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw invalidParameter(`Invalid value for parameter '${name}': expected a string.`);
}

/** Returns the named argument as a boolean (`true`/`false` strings from query strings too). */
export function optionalBoolean(args: Args, name: string): boolean | undefined {
  const value = args[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'boolean') return value;
  if (value === 'true' || value === 'false') return value === 'true';
  throw invalidParameter(`Invalid value ${JSON.stringify(value)} for parameter '${name}'.`);
}

/** Returns the named argument as an integer, or undefined when absent. */
export function optionalInteger(args: Args, name: string): number | undefined {
  const value = args[name];
  if (value === undefined || value === null || value === '') return undefined;
  const n = typeof value === 'number' ? value : Number(value);
  if (!Number.isInteger(n)) {
    throw invalidParameter(`Invalid value ${JSON.stringify(value)} for parameter '${name}'.`);
  }
  return n;
}

/**
 * Returns `[{key, value}]` tags from a request field as a record.
 * @throws ApiError INVALID_PARAMETER_VALUE when the field is not a list of key/value objects.
 */
export function tagsFromList(args: Args, name: string): Record<string, string> {
  const value = args[name];
  if (value === undefined || value === null) return {};
  if (!Array.isArray(value)) throw invalidParameter(`Invalid value for parameter '${name}'.`);
  const tags: Record<string, string> = {};
  for (const item of value as unknown[]) {
    const entry = (item ?? {}) as Args;
    const key = requireString(entry, 'key');
    tags[key] = optionalString(entry, 'value') ?? '';
  }
  return tags;
}

/** Returns tags in wire form (`[{key, value}]`), or undefined when there are none. */
export function tagList(
  tags: Record<string, string>,
): { key: string; value: string }[] | undefined {
  const list = Object.entries(tags).map(([key, value]) => ({ key, value }));
  return list.length > 0 ? list : undefined;
}

/**
 * Returns a copy without undefined fields and empty arrays: protobuf JSON (what MLflow and
 * Databricks send) omits unset and empty repeated fields, and clients must cope with that.
 */
export function protoJson<T extends object>(value: T): Partial<T> {
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) {
    if (field === undefined) continue;
    if (Array.isArray(field) && field.length === 0) continue;
    out[key] = field;
  }
  return out as Partial<T>;
}

/** Returns MLflow's page token for an offset (base64 of `{"offset": n}`). */
export function encodePageToken(offset: number): string {
  return Buffer.from(JSON.stringify({ offset }), 'utf8').toString('base64');
}

/**
 * Returns the offset a page token encodes (0 without a token).
 * @throws ApiError INVALID_PARAMETER_VALUE for a token this server did not issue.
 */
export function decodePageToken(token: string | undefined): number {
  if (!token) return 0;
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as {
      offset?: unknown;
    };
    const offset = Number(parsed.offset);
    if (Number.isInteger(offset) && offset > 0) return offset;
  } catch {
    // fall through to the error below
  }
  throw invalidParameter(`Invalid page token '${token}'.`);
}

/**
 * Returns the error MLflow raises for a value longer than its limit (in UTF-8 bytes), or
 * undefined when it fits.
 */
export function lengthError(entity: string, value: string, limit: number): ApiError | undefined {
  const length = Buffer.byteLength(value, 'utf8');
  if (length <= limit) return undefined;
  return invalidParameter(
    `${entity} '${value.slice(0, 250)}' had length ${length}, which exceeded length limit of ${limit}`,
  );
}

/** Returns the caller's identity for `user_id`/`created_by` fields. */
export function callerOf(req: EmuRequest): string {
  return req.principal ?? 'emulator-user@example.com';
}

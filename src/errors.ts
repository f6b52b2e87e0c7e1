/**
 * The pipe's one error family. Every failure a user can see is a PipeError with a stable
 * `code`; the exit status is derived from the code in exactly one place ({@link exitCodeFor}).
 */
export type PipeErrorCode =
  // exit 2: the input is wrong, nothing was changed
  | 'ERR_CONFIG_INVALID'
  | 'ERR_PLAN_INVALID'
  | 'ERR_PLAN_UNRESOLVED'
  | 'ERR_AUTH_CONFLICT'
  | 'ERR_OIDC_TOKEN_MISSING'
  // exit 3: authentication or authorization failed
  | 'ERR_OIDC_TOKEN_INVALID'
  | 'ERR_OIDC_TOKEN_EXPIRED'
  | 'ERR_TOKEN_EXCHANGE_REJECTED'
  | 'ERR_TOKEN_EXCHANGE_FAILED'
  | 'ERR_UNAUTHENTICATED'
  | 'ERR_PERMISSION_DENIED'
  // exit 1: an action failed, timed out or was cancelled
  | 'ERR_API'
  | 'ERR_NOT_FOUND'
  | 'ERR_RETRIES_EXHAUSTED'
  | 'ERR_RUN_FAILED'
  | 'ERR_REGISTRATION_FAILED'
  | 'ERR_TIMEOUT'
  | 'ERR_CANCELLED'
  | 'ERR_ACTION_INPUT'
  | 'ERR_INTERNAL';

export type ExitCode = 0 | 1 | 2 | 3;

const EXIT_CODES: Record<PipeErrorCode, ExitCode> = {
  ERR_CONFIG_INVALID: 2,
  ERR_PLAN_INVALID: 2,
  ERR_PLAN_UNRESOLVED: 2,
  ERR_AUTH_CONFLICT: 2,
  ERR_OIDC_TOKEN_MISSING: 2,
  ERR_OIDC_TOKEN_INVALID: 3,
  ERR_OIDC_TOKEN_EXPIRED: 3,
  ERR_TOKEN_EXCHANGE_REJECTED: 3,
  ERR_TOKEN_EXCHANGE_FAILED: 3,
  ERR_UNAUTHENTICATED: 3,
  ERR_PERMISSION_DENIED: 3,
  ERR_API: 1,
  ERR_NOT_FOUND: 1,
  ERR_RETRIES_EXHAUSTED: 1,
  ERR_RUN_FAILED: 1,
  ERR_REGISTRATION_FAILED: 1,
  ERR_TIMEOUT: 1,
  ERR_CANCELLED: 1,
  ERR_ACTION_INPUT: 1,
  ERR_INTERNAL: 1,
};

export interface PipeErrorOptions {
  /** What the user can do about it, one sentence. */
  hint?: string;
  /** One line per individual problem (e.g. every invalid variable), printed as a list. */
  details?: readonly string[];
  cause?: unknown;
  /** Databricks `error_code`, HTTP status and request id when the error came from an API call. */
  api?: { errorCode?: string; status?: number; requestId?: string; method?: string; path?: string };
  /** Outputs known when the action failed (a failed run still has run_id and run_page_url). */
  outputs?: Record<string, unknown>;
}

/** An error the pipe reports to the user; its `code` decides the exit status. */
export class PipeError extends Error {
  override readonly name = 'PipeError';
  readonly code: PipeErrorCode;
  readonly hint: string | undefined;
  readonly details: readonly string[];
  readonly api: PipeErrorOptions['api'];
  readonly outputs: Record<string, unknown> | undefined;

  constructor(code: PipeErrorCode, message: string, options: PipeErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.hint = options.hint;
    this.details = options.details ?? [];
    this.api = options.api;
    this.outputs = options.outputs;
  }
}

/** Returns the process exit status for an outcome: 0 success, else by error code. */
export function exitCodeFor(error: unknown): ExitCode {
  if (error === undefined) return 0;
  if (error instanceof PipeError) return EXIT_CODES[error.code];
  return 1;
}

/** Returns `error` as a PipeError, wrapping anything else as ERR_INTERNAL. */
export function toPipeError(error: unknown): PipeError {
  if (error instanceof PipeError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new PipeError('ERR_INTERNAL', `internal error: ${message}`, {
    cause: error,
    hint: 'this is a bug in databricks-ml-pipe; re-run with DEBUG=true and report it',
  });
}

/** True when the error is one of the given codes. */
export function isPipeError(error: unknown, ...codes: PipeErrorCode[]): error is PipeError {
  return error instanceof PipeError && (codes.length === 0 || codes.includes(error.code));
}

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** One Databricks REST call. Paths are absolute (`/api/2.2/jobs/run-now`). */
export interface ApiRequest {
  method: HttpMethod;
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  /**
   * True when repeating the request cannot change the outcome (an idempotency token,
   * set-tag, alias set, cancel). GETs are always idempotent; other methods are retried on
   * 5xx/network errors only when this is true. 429 is always retried (it was not processed).
   */
  idempotent?: boolean;
  /** Per-request override of the overall retry deadline, in ms. */
  retryBudgetMs?: number;
  signal?: AbortSignal;
}

/** The single HTTP client all Databricks calls go through. */
export interface ApiClient {
  /**
   * Returns the parsed JSON response body.
   * @throws PipeError ERR_API | ERR_NOT_FOUND | ERR_UNAUTHENTICATED | ERR_PERMISSION_DENIED |
   *   ERR_RETRIES_EXHAUSTED | ERR_CANCELLED
   */
  request<T>(req: ApiRequest): Promise<T>;
  /** Number of requests sent so far (benchmarks and request-economy tests). */
  readonly requestCount: number;
}

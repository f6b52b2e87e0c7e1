import type { ApiClient, ApiRequest } from '../../../../../src/databricks/types.js';

/** Answers one request: return a body, or throw a PipeError as the real client would. */
export type Handler = (req: ApiRequest) => unknown;

/** An ApiClient answering from handlers keyed `METHOD /path`, recording every request. */
export interface FakeApi extends ApiClient {
  readonly requests: ApiRequest[];
  /** Requests to paths ending with `suffix` (e.g. `runs/get`). */
  calls(suffix: string): ApiRequest[];
}

/**
 * Returns a fake client. A handler may be a function or a list of answers given in turn (the
 * last one repeats). Unknown routes fail the test loudly.
 */
export function fakeApi(routes: Record<string, Handler | unknown[]>): FakeApi {
  const requests: ApiRequest[] = [];
  const served = new Map<string, number>();
  return {
    requests,
    get requestCount() {
      return requests.length;
    },
    calls: (suffix) => requests.filter((r) => r.path.endsWith(suffix)),
    request<T>(req: ApiRequest): Promise<T> {
      requests.push(req);
      if (req.signal?.aborted) return Promise.reject(req.signal.reason as Error);
      const key = `${req.method} ${req.path}`;
      const route = routes[key];
      if (route === undefined) return Promise.reject(new Error(`unexpected request ${key}`));
      try {
        if (typeof route === 'function') return Promise.resolve(route(req) as T);
        const n = served.get(key) ?? 0;
        served.set(key, n + 1);
        const answer: unknown = route[Math.min(n, route.length - 1)];
        if (answer instanceof Error) throw answer;
        return Promise.resolve(answer as T);
      } catch (error) {
        return Promise.reject(error instanceof Error ? error : new Error(String(error)));
      }
    },
  };
}

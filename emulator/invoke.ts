import { ApiError, type EmuRequest, type EmuResponse, type Router } from './router.js';

/** A request in the shorthand tests write: method, path with query string, body, principal. */
export interface InvokeOptions {
  body?: unknown;
  principal?: string;
}

/**
 * Returns the response a router gives a request without a socket: ApiErrors become
 * `{error_code, message}` bodies with their status, an unrouted path a 404
 * ENDPOINT_NOT_FOUND, as the server answers them. For unit tests of route modules.
 */
export async function invokeRoute(
  router: Router,
  method: string,
  pathWithQuery: string,
  options: InvokeOptions = {},
): Promise<EmuResponse> {
  const url = new URL(pathWithQuery, 'http://127.0.0.1');
  const match = router.match(method, url.pathname);
  if (!match) {
    const message = `No API found for '${method} ${url.pathname}'`;
    return { status: 404, body: { error_code: 'ENDPOINT_NOT_FOUND', message } };
  }
  const req: EmuRequest = {
    method: method.toUpperCase(),
    path: url.pathname,
    query: url.searchParams,
    body: options.body,
    headers: {},
    params: match.params,
    ...(options.principal !== undefined ? { principal: options.principal } : {}),
  };
  try {
    return await match.handler(req);
  } catch (error) {
    if (error instanceof ApiError) {
      return {
        status: error.status,
        body: { error_code: error.errorCode, message: error.message },
      };
    }
    throw error;
  }
}

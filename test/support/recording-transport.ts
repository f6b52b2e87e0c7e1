/**
 * An HttpTransport that answers from a function and records every request, so a test can check
 * where the pipe tried to send what without any socket.
 */
import type {
  HttpTransport,
  RawRequest,
  RawResponse,
} from '../../src/databricks/transport-types.js';

/** One request as the pipe handed it to the transport. */
export interface RecordedRequest {
  method: string;
  url: string;
  origin: string;
  /** Header names only: values may be credentials. */
  headerNames: string[];
  hasAuthorization: boolean;
  query?: RawRequest['query'];
  json?: unknown;
  /** Form fields (token endpoints): the only place a credential may travel, to the workspace. */
  form?: Record<string, string>;
}

/** A transport that keeps every request it was handed. */
export interface RecordingTransport extends HttpTransport {
  readonly requests: RecordedRequest[];
}

/** How the fake answers: a response, or an Error to reject with (a network failure). */
export type Answer = (req: RawRequest) => RawResponse | Error;

/** Returns a transport that records every request and answers with `answer`. */
export function recordingTransport(answer: Answer): RecordingTransport {
  const requests: RecordedRequest[] = [];
  return {
    requests,
    send(req) {
      const headers = req.headers ?? {};
      requests.push({
        method: req.method,
        url: req.url,
        origin: originOf(req.url),
        headerNames: Object.keys(headers).map((h) => h.toLowerCase()),
        hasAuthorization: Object.keys(headers).some((h) => h.toLowerCase() === 'authorization'),
        ...(req.query === undefined ? {} : { query: req.query }),
        ...(req.json === undefined ? {} : { json: req.json }),
        ...(req.form === undefined ? {} : { form: req.form }),
      });
      const outcome = answer(req);
      return outcome instanceof Error ? Promise.reject(outcome) : Promise.resolve(outcome);
    },
  };
}

/**
 * A workspace that refuses everyone: token endpoints answer 401 `invalid_client`, discovery 404,
 * every API call 403 PERMISSION_DENIED. Any request still reaches the recorder first.
 */
export function refusingWorkspace(req: RawRequest): RawResponse {
  const path = pathOf(req.url);
  const json = { 'content-type': 'application/json' };
  if (path.endsWith('/token')) {
    return {
      status: 401,
      headers: json,
      body: { error: 'invalid_client', error_description: 'refused by the fuzz workspace' },
    };
  }
  if (path.includes('/.well-known/')) return { status: 404, headers: json, body: '' };
  return {
    status: 403,
    headers: json,
    body: { error_code: 'PERMISSION_DENIED', message: 'refused by the fuzz workspace' },
  };
}

function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return `(unparseable) ${url}`;
  }
}

function pathOf(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return url;
  }
}

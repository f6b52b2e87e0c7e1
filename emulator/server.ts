import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { ApiError, type EmuRequest, type EmuResponse, type Router } from './router.js';
import { tick, type EmulatorState } from './state.js';
import { authenticate } from './auth.js';
import { parseBody, readBody } from './http-body.js';
import { logEntry, type RequestLogEntry } from './request-log.js';
import { defaultFaultBody, type FaultAction, type Faults } from './faults.js';
import { closeServer, listen } from './net.js';

/**
 * The workspace's HTTP edge: body parsing, the request log, faults, bearer authentication on
 * `/api/`, routing and Databricks-shaped errors.
 */

export interface WorkspaceServer {
  readonly url: string;
  readonly requests: RequestLogEntry[];
  close(): Promise<void>;
}

/** One request in flight, with everything needed to answer it. */
interface Exchange {
  router: Router;
  state: EmulatorState;
  req: IncomingMessage;
  res: ServerResponse;
  entry: RequestLogEntry;
  raw: string;
}

/** Returns a workspace server listening on 127.0.0.1; `state.baseUrl` is set to its URL. */
export async function startWorkspaceServer(
  router: Router,
  state: EmulatorState,
  faults: Faults,
): Promise<WorkspaceServer> {
  const requests: RequestLogEntry[] = [];
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const raw = await readBody(req);
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const entry = logEntry(state, requests.length + 1, req, url, raw);
    requests.push(entry);
    const exchange = { router, state, req, res, entry, raw };
    const fault = faults.take(entry.method, url.pathname);
    await (fault ? applyFault(fault, exchange) : dispatch(exchange));
  };
  const server: Server = createServer((req, res) => {
    handle(req, res).catch(() => res.destroy());
  });
  const port = await listen(server);
  state.baseUrl = `http://127.0.0.1:${port}`;
  return { url: state.baseUrl, requests, close: () => closeServer(server) };
}

async function applyFault(fault: FaultAction, ex: Exchange): Promise<void> {
  ex.entry.faultId = fault.faultId;
  if (fault.delayMs > 0) await sleep(fault.delayMs);
  if (fault.reset) {
    ex.entry.status = 0;
    ex.req.socket.destroy();
    return;
  }
  if (!fault.respond) return dispatch(ex);
  const { status, headers = {}, body } = fault.respond;
  const fallback = defaultFaultBody(status);
  const isText = typeof body === 'string';
  const text = body === undefined ? fallback.text : isText ? body : JSON.stringify(body);
  const contentType =
    body === undefined ? fallback.contentType : isText ? 'text/plain' : 'application/json';
  ex.entry.status = status;
  ex.res.writeHead(status, {
    'content-type': contentType,
    'x-request-id': randomUUID(),
    ...headers,
  });
  ex.res.end(text);
}

async function dispatch(ex: Exchange): Promise<void> {
  let response: EmuResponse;
  try {
    tick(ex.state);
    response = await route(ex);
  } catch (err) {
    response =
      err instanceof ApiError
        ? { status: err.status, body: { error_code: err.errorCode, message: err.message } }
        : { status: 500, body: { error_code: 'INTERNAL_ERROR', message: String(err) } };
  }
  ex.entry.status = response.status;
  send(ex.res, response.status, response.body ?? {}, response.headers);
}

async function route({ router, state, req, entry, raw }: Exchange): Promise<EmuResponse> {
  const { method, path } = entry;
  let principal: string | undefined;
  if (path.startsWith('/api/')) {
    principal = authenticate(state, req.headers.authorization).principal;
    entry.principal = principal;
  }
  const match = router.match(method, path);
  if (!match) {
    if (router.hasPath(path))
      throw new ApiError(405, 'BAD_REQUEST', `Method ${method} is not allowed for ${path}`);
    throw new ApiError(404, 'ENDPOINT_NOT_FOUND', `No API found for '${method} ${path}'`);
  }
  const request: EmuRequest = {
    method,
    path,
    query: new URL(req.url ?? '/', 'http://127.0.0.1').searchParams,
    body: parseBody(req, raw),
    headers: req.headers,
    params: match.params,
    ...(principal !== undefined ? { principal } : {}),
  };
  return match.handler(request);
}

function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, {
    'content-type': 'application/json',
    'x-request-id': randomUUID(),
    ...headers,
  });
  res.end(JSON.stringify(body));
}

import { createServer, type IncomingHttpHeaders } from 'node:http';
import { closeServer, listen } from '../../../../emulator/net.js';

/** One request as the server received it. */
export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** The raw body text. */
  body: string;
  /** The body parsed as application/x-www-form-urlencoded (empty for other bodies). */
  form: Record<string, string>;
}

export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/** Answers one request; `base` is the server's own `http://127.0.0.1:<port>`. */
export type ReplyHandler = (req: RecordedRequest, base: string) => Reply;

export interface LoopbackServer {
  readonly url: string;
  readonly requests: RecordedRequest[];
  /** Requests to one path, in order. */
  to(path: string): RecordedRequest[];
  close(): Promise<void>;
}

/** Returns a started loopback HTTP server that records every request and replies via `handler`. */
export async function startLoopbackServer(handler: ReplyHandler): Promise<LoopbackServer> {
  const requests: RecordedRequest[] = [];
  let base = '';
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const isForm = String(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded');
      const recorded: RecordedRequest = {
        method: req.method ?? '',
        path: (req.url ?? '').split('?')[0] ?? '',
        headers: req.headers,
        body,
        form: isForm ? Object.fromEntries(new URLSearchParams(body)) : {},
      };
      requests.push(recorded);
      const reply = handler(recorded, base);
      const text = reply.body === undefined ? '' : typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
      const type = typeof reply.body === 'string' ? 'text/plain' : 'application/json';
      res.writeHead(reply.status, { 'content-type': type, ...reply.headers });
      res.end(text);
    });
  });
  const port = await listen(server);
  base = `http://127.0.0.1:${port}`;
  return {
    url: base,
    requests,
    to: (path) => requests.filter((r) => r.path === path),
    close: () => closeServer(server),
  };
}

/** Returns a handler serving `replies` to successive requests, repeating the last one. */
export function inSequence(replies: Reply[]): () => Reply {
  let index = 0;
  return () => {
    const reply = replies[Math.min(index, replies.length - 1)];
    index += 1;
    if (reply === undefined) throw new Error('inSequence needs at least one reply');
    return reply;
  };
}

/** Returns a handler routing by path; unrouted paths get 404. */
export function byPath(routes: Record<string, (req: RecordedRequest, base: string) => Reply>): ReplyHandler {
  return (req, base) => routes[req.path]?.(req, base) ?? { status: 404, body: { error: 'not found' } };
}

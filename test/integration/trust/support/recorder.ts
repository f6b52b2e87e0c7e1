/**
 * A loopback HTTP server that records every request (headers and body as received) and answers
 * from a function: the fake workspace that redirects or lies, and the "other origin" that must
 * never hear from the pipe.
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import { closeServer, listen } from '../../../../emulator/net.js';

/** One request as the recorder received it. */
export interface Received {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** What the recorder answers. */
export interface Answer {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

/** A started recorder. */
export interface Recorder {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly port: number;
  readonly received: Received[];
  close(): Promise<void>;
}

/** Returns a started recorder on 127.0.0.1; `answer` gets each request and the server's own URL. */
export async function startRecorder(
  answer: (req: Received, url: string) => Answer,
): Promise<Recorder> {
  const received: Received[] = [];
  let url = '';
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const entry = {
        method: req.method ?? 'GET',
        path: req.url ?? '/',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      received.push(entry);
      const reply = answer(entry, url);
      const text = reply.body === undefined ? '' : JSON.stringify(reply.body);
      res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
      res.end(text);
    });
  });
  const port = await listen(server);
  url = `http://127.0.0.1:${port}`;
  return { url, port, received, close: () => closeServer(server) };
}

/** A workspace that grants everything: tokens, an empty job list, empty searches. */
export function permissiveWorkspace(req: Received): Answer {
  if (req.path.includes('/.well-known/')) return { status: 404, body: {} };
  if (req.path.endsWith('/token'))
    return {
      status: 200,
      body: { access_token: 'trust-access-token-0001', expires_in: 3600, token_type: 'Bearer' },
    };
  return { status: 200, body: { jobs: [], runs: [], has_more: false } };
}

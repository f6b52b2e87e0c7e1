import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';

const FIXTURES = new URL('./fixtures/', import.meta.url);
/** A self-signed certificate for 127.0.0.1/localhost, valid until 2126. Tests only. */
export const TEST_CERT_FILE = new URL('loopback-test-only.crt', FIXTURES).pathname;
const TEST_KEY_FILE = new URL('loopback-test-only.key', FIXTURES).pathname;

/** What the server saw of one request. */
export interface RecordedRequest {
  method: string;
  /** Path and query, as sent. */
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** How the server answers one request. */
export type Reply =
  | { status: number; headers?: Record<string, string>; body?: string | object }
  | { reset: true }
  | { hang: true };

export type Handler = (req: RecordedRequest, index: number) => Reply | Promise<Reply>;

export interface TestServer {
  /** `http://127.0.0.1:<port>` or `https://…`. */
  origin: string;
  port: number;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

function writeReply(res: http.ServerResponse, reply: Reply): void {
  if ('reset' in reply) {
    // An RST, not a FIN: the client sees ECONNRESET as on a dropped load-balancer connection.
    res.socket?.resetAndDestroy();
    return;
  }
  if ('hang' in reply) return;
  const isText = typeof reply.body === 'string' || reply.body === undefined;
  const body = isText ? ((reply.body as string | undefined) ?? '') : JSON.stringify(reply.body);
  const type = isText ? 'text/plain' : 'application/json';
  res.writeHead(reply.status, { 'content-type': type, ...reply.headers });
  res.end(body);
}

/** Starts a loopback server (port 0) answering with `handler`; `tls` serves the test certificate. */
export async function startServer(
  handler: Handler,
  options: { tls?: boolean } = {},
): Promise<TestServer> {
  const requests: RecordedRequest[] = [];
  const sockets = new Set<Socket>();
  const listener: http.RequestListener = (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const recorded: RecordedRequest = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(recorded);
      void Promise.resolve(handler(recorded, requests.length - 1)).then((reply) =>
        writeReply(res, reply),
      );
    });
  };
  const server = options.tls
    ? https.createServer(
        { cert: readFileSync(TEST_CERT_FILE), key: readFileSync(TEST_KEY_FILE) },
        listener,
      )
    : http.createServer(listener);
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    port,
    requests,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Returns a handler that answers with `replies` in order, then with `fallback` forever. */
export function sequence(replies: Reply[], fallback: Reply): Handler {
  return (_req, index) => replies[index] ?? fallback;
}

/** Returns a port nothing listens on (bound, then released). */
export async function closedPort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

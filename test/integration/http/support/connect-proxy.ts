import http from 'node:http';
import net, { type AddressInfo, type Socket } from 'node:net';

/** A forward proxy on loopback that tunnels CONNECT and records what it was asked. */
export interface TestProxy {
  url: string;
  /** `host:port` of every CONNECT, in order. */
  connects: string[];
  /** The Proxy-Authorization header of every CONNECT ('' when absent). */
  proxyAuthorizations: string[];
  close(): Promise<void>;
}

/** Starts the proxy; with `requireAuth` it answers 407 to a CONNECT without that exact header. */
export async function startConnectProxy(
  options: { requireAuth?: string } = {},
): Promise<TestProxy> {
  const connects: string[] = [];
  const proxyAuthorizations: string[] = [];
  const sockets = new Set<Socket>();
  const server = http.createServer((_req, res) => {
    res.writeHead(405).end();
  });
  server.on('connect', (req: http.IncomingMessage, client: Socket, head: Buffer) => {
    const target = req.url ?? '';
    connects.push(target);
    const auth = req.headers['proxy-authorization'] ?? '';
    proxyAuthorizations.push(auth);
    if (options.requireAuth !== undefined && auth !== options.requireAuth) {
      client.end(
        'HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic\r\nContent-Length: 0\r\n\r\n',
      );
      return;
    }
    const [host, port] = target.split(':');
    const upstream = net.connect(Number(port), host ?? '127.0.0.1', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(client).pipe(upstream);
    });
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('error', () => socket.destroy());
      socket.on('close', () => sockets.delete(socket));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    connects,
    proxyAuthorizations,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

import { createTransport } from '../../../src/databricks/transport.js';
import type { NetworkConfig } from '../../../src/config/types.js';
import { clientFixture, rejectionOf } from './support/api-fixture.js';
import { captureLogger } from './support/capture-logger.js';
import { startConnectProxy, type TestProxy } from './support/connect-proxy.js';
import { startServer, TEST_CERT_FILE, type TestServer } from './support/loopback-server.js';

describe('HTTPS_PROXY and NO_PROXY from the config', () => {
  let tlsServer: TestServer;
  let plainServer: TestServer;
  let proxy: TestProxy;

  beforeAll(async () => {
    tlsServer = await startServer(
      (req) => ({ status: 200, body: { auth: req.headers['authorization'] ?? null } }),
      { tls: true },
    );
    plainServer = await startServer(() => ({ status: 200, body: { ok: true } }));
    proxy = await startConnectProxy();
  });
  afterAll(async () => {
    await tlsServer.close();
    await plainServer.close();
    await proxy.close();
  });
  beforeEach(() => {
    proxy.connects.length = 0;
    proxy.proxyAuthorizations.length = 0;
    tlsServer.requests.length = 0;
  });

  const network = (extra: Partial<NetworkConfig>): NetworkConfig => ({
    extraCaCertsFile: TEST_CERT_FILE,
    httpsProxy: proxy.url,
    ...extra,
  });

  it.each([
    { name: 'an https request tunnels through CONNECT', noProxy: undefined, viaProxy: true },
    {
      name: 'a NO_PROXY host is reached directly',
      noProxy: 'example.com, 127.0.0.1',
      viaProxy: false,
    },
    { name: 'a NO_PROXY host:port entry bypasses for that port', noProxy: 'PORT', viaProxy: false },
    {
      name: 'a NO_PROXY entry for another host changes nothing',
      noProxy: 'localhost,.internal',
      viaProxy: true,
    },
  ])('$name', async ({ noProxy, viaProxy }) => {
    const resolved = noProxy?.replace('PORT', `127.0.0.1:${tlsServer.port}`);
    const { client } = clientFixture(tlsServer.origin, {
      tokens: ['tunnelled-token'],
      network: network(resolved === undefined ? {} : { noProxy: resolved }),
    });
    const body = await client.request<{ auth: string }>({
      method: 'GET',
      path: '/api/2.2/jobs/list',
    });
    // The origin got the bearer token end to end; the proxy saw only the CONNECT line.
    expect(body.auth).toBe('Bearer tunnelled-token');
    expect(proxy.connects).toEqual(viaProxy ? [`127.0.0.1:${tlsServer.port}`] : []);
  });

  it('sends proxy credentials from the URL on CONNECT only', async () => {
    const { client } = clientFixture(tlsServer.origin, {
      network: network({ httpsProxy: proxy.url.replace('http://', 'http://pipe%40corp:p%3Ass@') }),
    });
    await client.request({ method: 'GET', path: '/api/2.0/x' });
    const expected = `Basic ${Buffer.from('pipe@corp:p:ss').toString('base64')}`;
    expect(proxy.proxyAuthorizations).toEqual([expected]);
    expect(tlsServer.requests[0]?.headers['proxy-authorization']).toBeUndefined();
  });

  it('verifies the origin certificate through the tunnel (untrusted without the CA file)', async () => {
    const { client } = clientFixture(tlsServer.origin, { network: { httpsProxy: proxy.url } });
    const error = await rejectionOf(client.request({ method: 'GET', path: '/api/2.0/x' }));
    expect(error).toMatchObject({ code: 'ERR_API', cause: { kind: 'tls' } });
    expect(proxy.connects).toHaveLength(1);
    expect(tlsServer.requests).toHaveLength(0);
  });

  it("ignores HTTPS_PROXY in process.env: only the config's value counts", async () => {
    const saved = { https: process.env['HTTPS_PROXY'], lower: process.env['https_proxy'] };
    process.env['HTTPS_PROXY'] = proxy.url;
    process.env['https_proxy'] = proxy.url;
    try {
      const { client } = clientFixture(tlsServer.origin, {
        network: { extraCaCertsFile: TEST_CERT_FILE },
      });
      await client.request({ method: 'GET', path: '/api/2.0/x' });
      expect(proxy.connects).toEqual([]);
      expect(tlsServer.requests).toHaveLength(1);
    } finally {
      for (const [name, value] of [
        ['HTTPS_PROXY', saved.https],
        ['https_proxy', saved.lower],
      ] as const) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
  });

  it('leaves plain-http (loopback) requests direct', async () => {
    const transport = createTransport({
      version: '1',
      network: network({}),
      logger: captureLogger().logger,
    });
    await transport.send({ method: 'GET', url: `${plainServer.origin}/x` });
    expect(proxy.connects).toEqual([]);
    expect(plainServer.requests).toHaveLength(1);
  });

  it('reports a proxy that wants credentials as ERR_API with a hint about HTTPS_PROXY', async () => {
    const strict = await startConnectProxy({ requireAuth: 'Basic never' });
    try {
      const { client } = clientFixture(tlsServer.origin, {
        network: network({ httpsProxy: strict.url }),
      });
      const error = await rejectionOf(client.request({ method: 'GET', path: '/api/2.0/x' }));
      expect(error).toMatchObject({ code: 'ERR_API', api: { status: 407 } });
      expect(String(error['hint'])).toContain('HTTPS_PROXY');
      expect(tlsServer.requests).toHaveLength(0);
    } finally {
      await strict.close();
    }
  });
});

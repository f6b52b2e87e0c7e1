import { PipeError } from '../../../src/errors.js';
import { PIPE_VERSION } from '../../../src/version.js';
import { TransportError } from '../../../src/databricks/api-error.js';
import { createTransport } from '../../../src/databricks/transport.js';
import type { HttpTransport } from '../../../src/databricks/transport-types.js';
import { captureLogger, type CapturedLogger } from './support/capture-logger.js';
import { rejectionOf } from './support/api-fixture.js';
import {
  closedPort,
  startServer,
  TEST_CERT_FILE,
  type TestServer,
} from './support/loopback-server.js';

describe('createTransport over loopback sockets', () => {
  let server: TestServer;
  let other: TestServer;
  let log: CapturedLogger;
  let transport: HttpTransport;

  beforeAll(async () => {
    other = await startServer(() => ({ status: 200, body: { reached: 'other' } }));
    server = await startServer((req) => {
      const path = req.url.split('?')[0];
      if (path === '/text') return { status: 200, body: 'plain words' };
      if (path === '/empty') return { status: 204 };
      if (path === '/boom')
        return { status: 500, body: { error_code: 'INTERNAL_ERROR', message: 'x' } };
      if (path === '/reset') return { reset: true };
      if (path === '/hang') return { hang: true };
      if (path === '/moved') return { status: 302, headers: { location: '/echo?moved=1' } };
      if (path === '/moved-post') return { status: 307, headers: { location: '/echo' } };
      if (path === '/loop') return { status: 302, headers: { location: '/loop' } };
      if (path === '/away')
        return { status: 302, headers: { location: `${other.origin}/steal?x=1` } };
      return { status: 200, headers: { 'X-Request-Id': 'rid-1' }, body: { echoed: req.body } };
    });
  });
  afterAll(async () => {
    await server.close();
    await other.close();
  });
  beforeEach(() => {
    server.requests.length = 0;
    other.requests.length = 0;
    log = captureLogger();
    transport = createTransport({
      version: '1.2.3',
      network: {},
      logger: log.logger,
      timeoutMs: 2000,
    });
  });

  it('sends the user agent, a JSON body and the query, and parses a JSON answer', async () => {
    const res = await transport.send({
      method: 'POST',
      url: `${server.origin}/echo`,
      query: { name: 'a b&c', limit: 5, skipped: undefined },
      json: { job_id: 7 },
    });
    const seen = server.requests[0];
    expect(seen?.url).toBe('/echo?name=a+b%26c&limit=5');
    expect(seen?.headers['user-agent']).toBe('databricks-ml-pipe/1.2.3');
    expect(seen?.headers['content-type']).toBe('application/json');
    expect(seen?.body).toBe('{"job_id":7}');
    expect(res).toEqual({
      status: 200,
      headers: expect.objectContaining({ 'x-request-id': 'rid-1' }),
      body: { echoed: '{"job_id":7}' },
    });
  });

  it('defaults the user agent to PIPE_VERSION', async () => {
    const plain = createTransport({ network: {}, logger: log.logger });
    await plain.send({ method: 'GET', url: `${server.origin}/echo` });
    expect(server.requests[0]?.headers['user-agent']).toBe(`databricks-ml-pipe/${PIPE_VERSION}`);
  });

  it('sends a form body form-encoded', async () => {
    await transport.send({
      method: 'POST',
      url: `${server.origin}/echo`,
      form: { grant_type: 'x y', scope: 'all-apis' },
    });
    expect(server.requests[0]?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(server.requests[0]?.body).toBe('grant_type=x+y&scope=all-apis');
  });

  it.each([
    { name: 'text stays text', path: '/text', status: 200, body: 'plain words' },
    { name: 'an empty body is the empty string', path: '/empty', status: 204, body: '' },
    {
      name: 'a 500 resolves, it does not reject',
      path: '/boom',
      status: 500,
      body: { error_code: 'INTERNAL_ERROR', message: 'x' },
    },
  ])('$name', async ({ path, status, body }) => {
    const res = await transport.send({ method: 'GET', url: `${server.origin}${path}` });
    expect(res.status).toBe(status);
    expect(res.body).toEqual(body);
  });

  it.each([
    {
      name: 'a reset connection',
      path: '/reset',
      kind: 'reset',
      isTransient: true,
      isUnsent: false,
    },
    {
      name: 'a server that never answers',
      path: '/hang',
      kind: 'timeout',
      isTransient: true,
      isUnsent: false,
    },
  ])(
    'rejects $name with a TransportError of kind $kind',
    async ({ path, kind, isTransient, isUnsent }) => {
      const error = await rejectionOf(
        transport.send({
          method: 'GET',
          url: `${server.origin}${path}`,
          timeoutMs: 200,
          headers: { Authorization: 'Bearer s3cr3t-value' },
        }),
      );
      expect(error).toBeInstanceOf(TransportError);
      expect(error).toMatchObject({ code: 'ERR_API', kind, isTransient, isUnsent });
      // Nothing of the request (its headers) rides along on the error.
      expect(JSON.stringify(error)).not.toContain('s3cr3t-value');
      expect(error['cause']).toBeUndefined();
    },
  );

  it('rejects a refused connection as refused and unsent', async () => {
    const port = await closedPort();
    const error = await rejectionOf(
      transport.send({ method: 'POST', url: `http://127.0.0.1:${port}/x`, json: {} }),
    );
    expect(error).toMatchObject({
      kind: 'refused',
      isTransient: true,
      isUnsent: true,
      systemCode: 'ECONNREFUSED',
    });
  });

  it.each([
    { name: 'a plain abort', reason: undefined, code: 'ERR_CANCELLED' },
    {
      name: 'an abort carrying a PipeError',
      reason: new PipeError('ERR_TIMEOUT', 'action timed out'),
      code: 'ERR_TIMEOUT',
    },
  ])('rejects with $code on $name', async ({ reason, code }) => {
    const controller = new AbortController();
    const pending = transport.send({
      method: 'GET',
      url: `${server.origin}/hang`,
      signal: controller.signal,
    });
    // Abort only once the server holds the request, so no late arrival spills into the next test.
    await new Promise<void>((resolve) => {
      const poll = (): void => (server.requests.length > 0 ? resolve() : void setTimeout(poll, 1));
      poll();
    });
    controller.abort(reason);
    expect(await rejectionOf(pending)).toMatchObject({ code });
  });

  it('follows a same-origin redirect once, keeping the Authorization header', async () => {
    const res = await transport.send({
      method: 'GET',
      url: `${server.origin}/moved`,
      headers: { Authorization: 'Bearer t' },
    });
    expect(res.status).toBe(200);
    expect(server.requests.map((r) => r.url)).toEqual(['/moved', '/echo?moved=1']);
    expect(server.requests[1]?.headers['authorization']).toBe('Bearer t');
  });

  it('repeats method and body on a same-origin 307', async () => {
    await transport.send({ method: 'POST', url: `${server.origin}/moved-post`, json: { a: 1 } });
    expect(server.requests[1]).toMatchObject({ method: 'POST', url: '/echo', body: '{"a":1}' });
  });

  it('follows no second redirect', async () => {
    const res = await transport.send({ method: 'GET', url: `${server.origin}/loop` });
    expect(res.status).toBe(302);
    expect(server.requests).toHaveLength(2);
  });

  it('hands back a redirect to another origin without contacting it', async () => {
    const res = await transport.send({
      method: 'GET',
      url: `${server.origin}/away`,
      headers: { Authorization: 'Bearer t' },
    });
    expect(res.status).toBe(302);
    expect(other.requests).toHaveLength(0);
  });

  it('logs one debug line per request: method, path, status, duration; no headers or bodies', async () => {
    await transport.send({
      method: 'POST',
      url: `${server.origin}/echo`,
      query: { run_id: 5, access_token: 'q-secret' },
      headers: { Authorization: 'Bearer h-secret' },
      json: { body_secret: 'b-secret' },
    });
    const lines = await log.lines();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^DEBUG: POST \/echo\?run_id=5&access_token=\*\*\* → 200 \(\d+ ms\)$/);
    expect(lines.join('\n')).not.toMatch(/secret|authorization|bearer/i);
  });
});

describe('createTransport with TLS', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer(() => ({ status: 200, body: { ok: true } }), { tls: true });
  });
  afterAll(() => server.close());

  it('trusts the CA file named by NODE_EXTRA_CA_CERTS (config)', async () => {
    const transport = createTransport({
      version: '1',
      network: { extraCaCertsFile: TEST_CERT_FILE },
      logger: captureLogger().logger,
    });
    expect((await transport.send({ method: 'GET', url: `${server.origin}/x` })).body).toEqual({
      ok: true,
    });
  });

  it('rejects an untrusted certificate as a permanent tls failure with a CA hint', async () => {
    const transport = createTransport({
      version: '1',
      network: {},
      logger: captureLogger().logger,
    });
    const error = await rejectionOf(transport.send({ method: 'GET', url: `${server.origin}/x` }));
    expect(error).toMatchObject({ kind: 'tls', isTransient: false });
    expect(String(error['hint'])).toContain('NODE_EXTRA_CA_CERTS');
  });

  it('refuses an unreadable CA file at creation', () => {
    expect(() =>
      createTransport({
        version: '1',
        network: { extraCaCertsFile: '/nonexistent/ca.pem' },
        logger: captureLogger().logger,
      }),
    ).toThrow(expect.objectContaining({ code: 'ERR_CONFIG_INVALID' }));
  });
});

import { PipeError } from '../../../src/errors.js';
import { clientFixture, rejectionOf } from './support/api-fixture.js';
import {
  sequence,
  startServer,
  type Handler,
  type Reply,
  type TestServer,
} from './support/loopback-server.js';

const OK: Reply = { status: 200, body: { run_id: 42 } };
const THROTTLED: Reply = {
  status: 429,
  headers: { 'retry-after': '1' },
  body: { error_code: 'REQUEST_LIMIT_EXCEEDED', message: 'too many requests' },
};
const UNAVAILABLE: Reply = {
  status: 503,
  body: { error_code: 'TEMPORARILY_UNAVAILABLE', message: 'busy' },
};

describe('createApiClient over loopback sockets', () => {
  let server: TestServer;
  let handler: Handler;
  /** Requests the server acted on (anything it did not refuse with 429/5xx/401 or reset). */
  let effects: number;

  beforeAll(async () => {
    server = await startServer(async (req, index) => {
      const reply = await handler(req, index);
      if ('status' in reply && reply.status < 400) effects += 1;
      return reply;
    });
  });
  afterAll(() => server.close());
  beforeEach(() => {
    server.requests.length = 0;
    effects = 0;
  });

  it('absorbs 2× 429 with Retry-After: 1, then succeeds: 3 sends, one effect', async () => {
    handler = sequence([THROTTLED, THROTTLED], OK);
    const { client, clock } = clientFixture(server.origin);
    const started = clock.now();
    const body = await client.request({
      method: 'POST',
      path: '/api/2.2/jobs/run-now',
      body: { job_id: 1 },
    });
    expect(body).toEqual({ run_id: 42 });
    expect(client.requestCount).toBe(3);
    expect(server.requests).toHaveLength(3);
    expect(effects).toBe(1);
    expect(clock.sleeps).toEqual([1000, 1000]);
    expect(clock.now() - started).toBe(2000);
  });

  it('honours Retry-After given as an HTTP-date', async () => {
    const { client, clock } = clientFixture(server.origin);
    const at = new Date(clock.now() + 3000).toUTCString();
    handler = sequence([{ ...THROTTLED, headers: { 'retry-after': at } }], OK);
    await client.request({ method: 'GET', path: '/api/2.2/jobs/get' });
    expect(clock.sleeps).toEqual([3000]);
  });

  it('absorbs 503 on a GET with full-jitter backoff inside its cap', async () => {
    handler = sequence([{ status: 503 }, { status: 503 }], OK);
    const { client, clock } = clientFixture(server.origin);
    clock.setRandom(0.999);
    await client.request({ method: 'GET', path: '/api/2.2/jobs/runs/get', query: { run_id: 9 } });
    expect(server.requests).toHaveLength(3);
    // Without Retry-After: random × min(10 s, 500 ms × 2^(n-1)).
    expect(clock.sleeps).toEqual([499, 999]);
  });

  it.each([
    { name: 'a GET', method: 'GET' as const, idempotent: undefined, sends: 2, code: undefined },
    {
      name: 'an idempotent POST',
      method: 'POST' as const,
      idempotent: true,
      sends: 2,
      code: undefined,
    },
    {
      name: 'a non-idempotent POST',
      method: 'POST' as const,
      idempotent: false,
      sends: 1,
      code: 'ERR_API',
    },
  ])(
    'a reset connection is retried for $name only when safe',
    async ({ method, idempotent, sends, code }) => {
      handler = sequence([{ reset: true }], OK);
      const { client } = clientFixture(server.origin);
      const call = client.request({
        method,
        path: '/api/2.0/mlflow/model-versions/create',
        ...(idempotent === undefined ? {} : { idempotent }),
      });
      if (code === undefined) await expect(call).resolves.toEqual({ run_id: 42 });
      else {
        const error = await rejectionOf(call);
        expect(error).toMatchObject({ code, cause: { kind: 'reset' } });
        expect(error.message).toMatch(
          /^POST \/api\/2\.0\/mlflow\/model-versions\/create failed: connection reset/,
        );
        expect(String(error['hint'])).toMatch(/may or may not have processed/);
      }
      expect(server.requests).toHaveLength(sends);
    },
  );

  it.each([
    {
      name: 'a 400',
      reply: { status: 400, body: { error_code: 'INVALID_PARAMETER_VALUE', message: 'bad' } },
      code: 'ERR_API',
      method: 'GET' as const,
    },
    {
      name: 'a 404',
      reply: { status: 404, body: { error_code: 'RESOURCE_DOES_NOT_EXIST', message: 'no job' } },
      code: 'ERR_NOT_FOUND',
      method: 'GET' as const,
    },
    {
      name: 'a plain 500 on a GET',
      reply: { status: 500, body: { error_code: 'INTERNAL_ERROR', message: 'oops' } },
      code: 'ERR_API',
      method: 'GET' as const,
    },
    {
      name: 'a 503 on a non-idempotent POST',
      reply: UNAVAILABLE,
      code: 'ERR_API',
      method: 'POST' as const,
    },
  ])('does not retry $name', async ({ reply, code, method }) => {
    handler = sequence([reply], OK);
    const { client } = clientFixture(server.origin);
    const error = await rejectionOf(client.request({ method, path: '/api/2.2/jobs/get' }));
    expect(error).toMatchObject({
      code,
      api: { status: reply.status, method, path: '/api/2.2/jobs/get' },
    });
    expect(server.requests).toHaveLength(1);
  });

  it('re-exchanges the token once after a 401, then succeeds with the new one', async () => {
    handler = sequence(
      [{ status: 401, body: { error_code: 'UNAUTHENTICATED', message: 'expired' } }],
      OK,
    );
    const { client, tokens } = clientFixture(server.origin, {
      tokens: ['first-token', 'second-token'],
    });
    await client.request({ method: 'POST', path: '/api/2.2/jobs/run-now', body: {} });
    expect(server.requests.map((r) => r.headers['authorization'])).toEqual([
      'Bearer first-token',
      'Bearer second-token',
    ]);
    expect(tokens.invalidations).toBe(1);
    expect(tokens.exchanges).toBe(2);
    expect(client.requestCount).toBe(2);
  });

  it('fails with ERR_UNAUTHENTICATED when the fresh token gets a 401 too', async () => {
    handler = () => ({ status: 401, body: { error_code: 'UNAUTHENTICATED', message: 'no' } });
    const { client, tokens } = clientFixture(server.origin);
    const error = await rejectionOf(client.request({ method: 'GET', path: '/api/2.2/jobs/list' }));
    expect(error).toMatchObject({
      code: 'ERR_UNAUTHENTICATED',
      api: { status: 401, errorCode: 'UNAUTHENTICATED' },
    });
    expect(server.requests).toHaveLength(2);
    expect(tokens.exchanges).toBe(2);
  });

  it('maps a 403 to ERR_PERMISSION_DENIED in words a user can act on', async () => {
    handler = () => ({
      status: 403,
      headers: { 'x-request-id': 'req-77' },
      body: {
        error_code: 'PERMISSION_DENIED',
        message: 'User sp-1 does not have Manage Run permissions on Job 5',
      },
    });
    const { client } = clientFixture(server.origin);
    const error = await rejectionOf(
      client.request({ method: 'POST', path: '/api/2.2/jobs/run-now', body: {} }),
    );
    expect(error).toBeInstanceOf(PipeError);
    expect(error.message).toBe(
      'POST /api/2.2/jobs/run-now failed: 403 PERMISSION_DENIED: User sp-1 does not have Manage Run permissions on Job 5 (request id req-77)',
    );
    expect(error).toMatchObject({
      code: 'ERR_PERMISSION_DENIED',
      api: {
        errorCode: 'PERMISSION_DENIED',
        status: 403,
        requestId: 'req-77',
        method: 'POST',
        path: '/api/2.2/jobs/run-now',
      },
    });
  });

  it('ends a retry storm at the overall deadline with ERR_RETRIES_EXHAUSTED', async () => {
    handler = () => UNAVAILABLE;
    const { client, clock } = clientFixture(server.origin);
    const started = clock.now();
    const error = await rejectionOf(
      client.request({ method: 'GET', path: '/api/2.2/jobs/runs/get' }),
    );
    const elapsedMs = clock.now() - started;
    expect(error).toMatchObject({
      code: 'ERR_RETRIES_EXHAUSTED',
      api: { status: 503, errorCode: 'TEMPORARILY_UNAVAILABLE' },
    });
    expect(error.message).toMatch(
      new RegExp(
        `^GET /api/2.2/jobs/runs/get failed after ${server.requests.length} attempts over [0-9.]+ s; last: 503 TEMPORARILY_UNAVAILABLE$`,
      ),
    );
    expect(elapsedMs).toBeLessThanOrEqual(300_000);
    expect(elapsedMs).toBeGreaterThan(240_000);
  });

  it('ends a storm of resets on a GET with ERR_RETRIES_EXHAUSTED naming the network failure', async () => {
    handler = () => ({ reset: true });
    const { client } = clientFixture(server.origin);
    const error = await rejectionOf(
      client.request({ method: 'GET', path: '/api/2.2/jobs/get', retryBudgetMs: 3000 }),
    );
    expect(error).toMatchObject({
      code: 'ERR_RETRIES_EXHAUSTED',
      cause: { kind: 'reset' },
      api: { path: '/api/2.2/jobs/get' },
    });
    expect(error.message).toMatch(
      /attempts over [0-9.]+ s; last: connection reset by 127\.0\.0\.1:\d+ \(ECONNRESET\)$/,
    );
    expect(server.requests.length).toBeGreaterThan(2);
  });

  it('takes a per-request retry budget', async () => {
    handler = () => THROTTLED;
    const { client } = clientFixture(server.origin);
    const error = await rejectionOf(
      client.request({ method: 'GET', path: '/api/2.2/jobs/get', retryBudgetMs: 2500 }),
    );
    expect(error).toMatchObject({ code: 'ERR_RETRIES_EXHAUSTED' });
    expect(error.message).toContain(
      'after 3 attempts over 2.0 s; last: 429 REQUEST_LIMIT_EXCEEDED',
    );
    expect(String(error['hint'])).toContain('throttling');
  });

  it('gives up at once when Retry-After asks for more than the budget left', async () => {
    handler = () => ({ ...THROTTLED, headers: { 'retry-after': '3600' } });
    const { client, clock } = clientFixture(server.origin);
    await expect(
      client.request({ method: 'GET', path: '/api/2.2/jobs/get' }),
    ).rejects.toMatchObject({ code: 'ERR_RETRIES_EXHAUSTED' });
    expect(clock.sleeps).toEqual([]);
    expect(server.requests).toHaveLength(1);
  });

  it('is cancelled by its signal during a retry wait', async () => {
    handler = () => THROTTLED;
    const { client, clock } = clientFixture(server.origin, { isClockFrozen: true });
    const controller = new AbortController();
    const call = client.request({
      method: 'GET',
      path: '/api/2.2/jobs/get',
      signal: controller.signal,
    });
    await new Promise<void>((resolve) => {
      const poll = (): void => (clock.sleeps.length > 0 ? resolve() : void setTimeout(poll, 1));
      poll();
    });
    controller.abort();
    await expect(call).rejects.toMatchObject({ code: 'ERR_CANCELLED' });
    expect(client.requestCount).toBe(1);
  });

  it('maps a redirect to another origin to ERR_API without following it', async () => {
    handler = () => ({
      status: 302,
      headers: { location: 'https://login.example.com/sso?state=abc' },
    });
    const { client } = clientFixture(server.origin);
    const error = await rejectionOf(client.request({ method: 'GET', path: '/api/2.2/jobs/list' }));
    expect(error).toMatchObject({ code: 'ERR_API', api: { status: 302 } });
    expect(error.message).toBe(
      'GET /api/2.2/jobs/list failed: 302 redirect to https://login.example.com not followed',
    );
  });

  it('passes a token failure through unchanged, sending nothing', async () => {
    handler = () => OK;
    const { client, tokens } = clientFixture(server.origin);
    const refused = new PipeError('ERR_TOKEN_EXCHANGE_REJECTED', 'token exchange refused');
    tokens.getToken = () => Promise.reject(refused);
    await expect(client.request({ method: 'GET', path: '/api/2.2/jobs/get' })).rejects.toBe(
      refused,
    );
    expect(client.requestCount).toBe(0);
    expect(server.requests).toHaveLength(0);
  });

  it('returns {} for an empty 2xx body', async () => {
    handler = () => ({ status: 200 });
    const { client } = clientFixture(server.origin);
    await expect(
      client.request({
        method: 'POST',
        path: '/api/2.2/jobs/runs/cancel',
        body: { run_id: 1 },
        idempotent: true,
      }),
    ).resolves.toEqual({});
  });
});

import { clientFixture, rejectionOf } from './support/api-fixture.js';
import { startServer, type Reply, type TestServer } from './support/loopback-server.js';

// Matches none of the redactor's built-in patterns: only the client's own care keeps it out.
const CANARY = 'canary-9f8e7d6c5b4a3921';

describe('the bearer token never reaches a log line or an error', () => {
  let server: TestServer;
  const seen = new Map<string, number>();

  beforeAll(async () => {
    server = await startServer((req) => {
      const path = req.url.split('?')[0] ?? '';
      const count = (seen.get(path) ?? 0) + 1;
      seen.set(path, count);
      const auth = String(req.headers['authorization']);
      const replies: Record<string, Reply> = {
        '/ok': { status: 200, body: { fine: true } },
        '/throttle':
          count === 1
            ? { status: 429, headers: { 'retry-after': '1' } }
            : { status: 200, body: {} },
        '/unauth':
          count === 1
            ? { status: 401, body: `UNAUTHENTICATED: bad ${auth}` }
            : { status: 200, body: {} },
        // A server that echoes the credential back in its error message.
        '/echo-deny': {
          status: 403,
          body: { error_code: 'PERMISSION_DENIED', message: `denied for ${auth}` },
        },
        '/reset': { reset: true },
        '/storm': { status: 503, body: `<html><pre>${auth} unavailable</pre></html>` },
      };
      return replies[path] ?? { status: 404 };
    });
  });
  afterAll(() => server.close());

  it('holds across success, retries, a re-exchange, echoed errors, resets and exhaustion', async () => {
    const { client, log } = clientFixture(server.origin, { tokens: [CANARY, `${CANARY}-2`] });
    await client.request({ method: 'GET', path: '/ok', query: { name: 'x' } });
    await client.request({ method: 'GET', path: '/throttle' });
    await client.request({ method: 'POST', path: '/unauth', body: { secret_field: CANARY } });
    const errors = [
      await rejectionOf(client.request({ method: 'POST', path: '/echo-deny', body: {} })),
      await rejectionOf(client.request({ method: 'POST', path: '/reset', body: {} })),
      await rejectionOf(client.request({ method: 'GET', path: '/storm', retryBudgetMs: 3000 })),
    ];
    expect(errors.map((e) => e['code'])).toEqual([
      'ERR_PERMISSION_DENIED',
      'ERR_API',
      'ERR_RETRIES_EXHAUSTED',
    ]);
    const lines = await log.lines();
    // Not vacuous: every send left its line.
    expect(lines.filter((line) => / → .*\(\d+ ms\)$/.test(line)).length).toBe(client.requestCount);
    const everything = [
      ...lines,
      ...errors.flatMap((e) => [
        e.message,
        String(e['hint']),
        JSON.stringify(e),
        String((e['cause'] as Error | undefined)?.message),
      ]),
    ].join('\n');
    expect(everything).not.toContain(CANARY);
    expect(everything).not.toMatch(/authorization/i);
    // The echoing server's own words survive, its copy of the credential does not.
    expect(everything).not.toMatch(/bearer (?!\*\*\*)/i);
    expect(errors[0]?.message).toContain('denied for Bearer ***');
  });
});

describe('the shared rate limit over real sockets', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer(() => ({ status: 200, body: {} }));
  });
  afterAll(() => server.close());

  it.each([
    { name: 'burst 1: at most 15 in any second', requestsPerSecond: 15, burst: 1, count: 45 },
    { name: 'burst 3: at most 15 + 3 in any second', requestsPerSecond: 15, burst: 3, count: 60 },
    { name: '5/s: at most 5 + 1 in any second', requestsPerSecond: 5, burst: 1, count: 20 },
  ])('$name', async ({ requestsPerSecond, burst, count }) => {
    const { client, sent } = clientFixture(server.origin, { requestsPerSecond, burst });
    await Promise.all(
      Array.from({ length: count }, () =>
        client.request({ method: 'GET', path: '/api/2.2/jobs/list' }),
      ),
    );
    const times = sent.map((s) => s.at).sort((a, b) => a - b);
    expect(times).toHaveLength(count);
    const busiest = Math.max(
      ...times.map((t) => times.filter((u) => u >= t && u < t + 1000).length),
    );
    expect(busiest).toBeLessThanOrEqual(requestsPerSecond + burst - 1);
    // Long run: after the burst, one request per 1/rate seconds.
    const spanMs = (times.at(-1) ?? 0) - (times[0] ?? 0);
    expect(spanMs).toBeGreaterThanOrEqual(((count - burst) * 1000) / requestsPerSecond);
  });
});

import { createBitbucketOidcProvider } from '../../../src/auth/bitbucket-oidc.js';
import { Redactor } from '../../../src/log/redactor.js';
import { createFakeClock, type FakeClock } from '../../unit/auth/support/fake-clock.js';
import { captureLogger } from '../../unit/auth/support/logs.js';
import { REPOSITORY_UUID, mintStepToken } from '../../unit/auth/support/step-tokens.js';
import {
  byPath,
  inSequence,
  startLoopbackServer,
  type LoopbackServer,
  type Reply,
  type ReplyHandler,
} from './support/loopback-server.js';
import { testTransport } from './support/transport.js';

const DISCOVERY = '/oidc/.well-known/oauth-authorization-server';
const TOKEN = '/oidc/v1/token';
const ACCESS = 'emu-access-token-0001';
const granted = (accessToken = ACCESS, expiresIn = 3600): Reply => ({
  status: 200,
  body: { access_token: accessToken, token_type: 'Bearer', expires_in: expiresIn, scope: 'all-apis' },
});
const VAGUE: Reply = {
  status: 401,
  body: { error: 'invalid_client', error_description: 'Invalid credentials: the token did not match any federation policy.' },
};

let server: LoopbackServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function harness(
  handler: ReplyHandler,
  options: { clientId?: string; claims?: Record<string, unknown>; clock?: FakeClock } = {},
) {
  server = await startLoopbackServer(handler);
  const clock = options.clock ?? createFakeClock();
  const stepToken = await mintStepToken(clock.now(), options.claims);
  const redactor = new Redactor();
  const { logger, capture } = captureLogger(redactor);
  const provider = createBitbucketOidcProvider({
    host: server.url,
    stepToken,
    transport: testTransport(logger),
    clock,
    logger,
    redactor,
    ...(options.clientId === undefined ? {} : { clientId: options.clientId }),
  });
  return { provider, clock, capture, redactor, stepToken, server };
}

/** Discovery answered by the server itself; token replies in sequence. */
function workspace(tokenReplies: Reply[]): ReplyHandler {
  const token = inSequence(tokenReplies);
  return byPath({
    [DISCOVERY]: (_req, base) => ({ status: 200, body: { token_endpoint: `${base}${TOKEN}` } }),
    [TOKEN]: token,
  });
}

describe('bitbucket-oidc exchange request', () => {
  it.each([
    { name: 'service-principal policy: client_id sent', clientId: 'sp-app-id', hasClientId: true },
    { name: 'account-wide federation: no client_id', clientId: undefined, hasClientId: false },
  ])('$name', async ({ clientId, hasClientId }) => {
    const h = await harness(workspace([granted()]), clientId === undefined ? {} : { clientId });
    expect(await h.provider.getToken()).toBe(ACCESS);
    const [request] = h.server.to(TOKEN);
    expect(request?.method).toBe('POST');
    expect(request?.headers['content-type']).toMatch(/^application\/x-www-form-urlencoded/);
    expect(request?.headers.authorization).toBeUndefined();
    expect(request?.form).toEqual({
      grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
      subject_token: h.stepToken,
      subject_token_type: 'urn:ietf:params:oauth:token-type:jwt',
      scope: 'all-apis',
      ...(hasClientId ? { client_id: clientId } : {}),
    });
  });

  it('registers the access token with the redactor before returning it, and logs the claims', async () => {
    const h = await harness(workspace([granted()]), { clientId: 'sp-app-id' });
    const token = await h.provider.getToken();
    expect(h.redactor.redact(`Bearer-less ${token}`)).toBe('Bearer-less ***');
    expect(h.capture.text).toContain(`repositoryUuid=${REPOSITORY_UUID}`);
    expect(h.capture.text).toContain('client_id=sp-app-id');
    expect(h.provider.identity).toMatchObject({ authType: 'bitbucket-oidc', clientId: 'sp-app-id' });
    expect(h.provider.credentialDeadline()).toBe(h.clock.now() + 3_600_000);
  });
});

describe('token endpoint discovery', () => {
  it.each([
    { name: 'discovered endpoint used', discovery: (base: string): Reply => ({ status: 200, body: { token_endpoint: `${base}/custom/token` } }), path: '/custom/token' },
    { name: '404 → fallback', discovery: (): Reply => ({ status: 404, body: {} }), path: TOKEN },
    { name: '500 → fallback', discovery: (): Reply => ({ status: 500, body: 'oops' }), path: TOKEN },
    { name: 'no token_endpoint → fallback', discovery: (): Reply => ({ status: 200, body: { issuer: 'x' } }), path: TOKEN },
    { name: 'invalid URL → fallback', discovery: (): Reply => ({ status: 200, body: { token_endpoint: 'not a url' } }), path: TOKEN },
  ])('$name', async ({ discovery, path }) => {
    const h = await harness(byPath({ [DISCOVERY]: (_r, base) => discovery(base), [path]: () => granted() }));
    expect(await h.provider.getToken()).toBe(ACCESS);
    expect(h.server.to(path)).toHaveLength(1);
  });

  it('refuses a discovered endpoint on another origin and sends nothing there', async () => {
    const h = await harness(
      byPath({ [DISCOVERY]: () => ({ status: 200, body: { token_endpoint: 'http://127.0.0.2:9/oidc/v1/token' } }) }),
    );
    await expect(h.provider.getToken()).rejects.toMatchObject({
      code: 'ERR_TOKEN_EXCHANGE_FAILED',
      message: expect.stringContaining('another origin (http://127.0.0.2:9)'),
    });
    expect(h.server.requests.map((r) => r.path)).toEqual([DISCOVERY]);
  });

  it('discovers once for several exchanges', async () => {
    const h = await harness(workspace([granted('a'), granted('b')]));
    await h.provider.getToken();
    h.provider.invalidate();
    await h.provider.getToken();
    expect(h.server.to(DISCOVERY)).toHaveLength(1);
    expect(h.server.to(TOKEN)).toHaveLength(2);
  });
});

describe('refusals are diagnosed and never retried', () => {
  it.each([
    {
      name: 'missing client_id',
      options: {},
      field: 'client_id',
      value: 'DATABRICKS_CLIENT_ID',
    },
    {
      name: 'wrong audience (custom aud not in the policy)',
      options: { clientId: 'sp', claims: { aud: 'databricks-account-42' } },
      field: 'audiences',
      value: 'databricks-account-42',
    },
    {
      name: 'wrong issuer',
      options: { clientId: 'sp', claims: { iss: 'https://token.actions.githubusercontent.com' } },
      field: 'issuer',
      value: 'https://token.actions.githubusercontent.com',
    },
    {
      name: 'wrong subject claim',
      options: { clientId: 'sp' },
      field: 'subject_claim',
      value: REPOSITORY_UUID,
    },
  ])('$name', async ({ options, field, value }) => {
    const h = await harness(workspace([VAGUE]), options);
    const error: unknown = await h.provider.getToken().catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ERR_TOKEN_EXCHANGE_REJECTED' });
    const message = (error as Error).message;
    expect(message).toContain(`most likely field: ${field}`);
    expect(message).toContain(value);
    expect(h.server.to(TOKEN)).toHaveLength(1);
    expect(h.clock.sleeps).toEqual([]);
  });

  it('an expired step token fails before any request with both times', async () => {
    const clock = createFakeClock();
    const h = await harness(workspace([granted()]), { clock, claims: { exp: Math.floor(clock.now() / 1000) - 60 } });
    const error: unknown = await h.provider.getToken().catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ERR_OIDC_TOKEN_EXPIRED' });
    expect((error as Error).message).toMatch(/expired at 2026-01-15T09:59:00Z \(now 2026-01-15T10:00:00Z\)/);
    expect(h.server.requests).toHaveLength(0);
  });

  it.each([
    { name: '400', status: 400 },
    { name: '403', status: 403 },
  ])('a $name refusal is one request', async ({ status }) => {
    const h = await harness(workspace([{ status, body: { error: 'invalid_request' } }]), { clientId: 'sp' });
    await expect(h.provider.getToken()).rejects.toMatchObject({ code: 'ERR_TOKEN_EXCHANGE_REJECTED' });
    expect(h.server.to(TOKEN)).toHaveLength(1);
  });
});

describe('transient failures are retried', () => {
  it.each([
    { name: '503 then success', replies: [{ status: 503 }, granted()], sleeps: 1 },
    { name: '502, 504 then success', replies: [{ status: 502 }, { status: 504 }, granted()], sleeps: 2 },
    {
      name: '429 with Retry-After honoured',
      replies: [{ status: 429, headers: { 'retry-after': '7' } }, granted()],
      sleeps: 1,
      firstSleepMs: 7000,
    },
  ])('$name', async ({ replies, sleeps, firstSleepMs }) => {
    const h = await harness(workspace(replies), { clientId: 'sp' });
    expect(await h.provider.getToken()).toBe(ACCESS);
    expect(h.server.to(TOKEN)).toHaveLength(replies.length);
    expect(h.clock.sleeps).toHaveLength(sleeps);
    if (firstSleepMs !== undefined) expect(h.clock.sleeps[0]).toBe(firstSleepMs);
  });

  it('gives up within about a minute with ERR_TOKEN_EXCHANGE_FAILED', async () => {
    const h = await harness(workspace([{ status: 503 }]), { clientId: 'sp' });
    await expect(h.provider.getToken()).rejects.toMatchObject({ code: 'ERR_TOKEN_EXCHANGE_FAILED' });
    const slept = h.clock.sleeps.reduce((a, b) => a + b, 0);
    expect(slept).toBeLessThanOrEqual(60_000);
    expect(h.server.to(TOKEN).length).toBeGreaterThan(3);
  });

  it('network failures are retried, then reported as ERR_TOKEN_EXCHANGE_FAILED', async () => {
    const closed = await startLoopbackServer(() => granted());
    const host = closed.url;
    await closed.close();
    const clock = createFakeClock();
    const { logger } = captureLogger(new Redactor());
    const provider = createBitbucketOidcProvider({
      host,
      stepToken: await mintStepToken(clock.now()),
      transport: testTransport(logger),
      clock,
      logger,
      redactor: new Redactor(),
    });
    const error: unknown = await provider.getToken().catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ERR_TOKEN_EXCHANGE_FAILED' });
    expect((error as Error).message).toMatch(/after \d+ attempts: network error \(cannot connect/);
    expect(clock.sleeps.length).toBeGreaterThan(2);
  });

  it('an aborted signal stops the wait with ERR_CANCELLED', async () => {
    const h = await harness(workspace([{ status: 503 }]), { clientId: 'sp' });
    const controller = new AbortController();
    controller.abort();
    await expect(h.provider.getToken(controller.signal)).rejects.toMatchObject({ code: 'ERR_CANCELLED' });
  });

  it('a plain 500 is not retried', async () => {
    const h = await harness(workspace([{ status: 500, body: { error: 'server_error' } }]), { clientId: 'sp' });
    await expect(h.provider.getToken()).rejects.toMatchObject({ code: 'ERR_TOKEN_EXCHANGE_FAILED' });
    expect(h.server.to(TOKEN)).toHaveLength(1);
  });
});

describe('token lifecycle', () => {
  it('caches, refreshes before expiry while the step token is valid, and re-exchanges after invalidate', async () => {
    const h = await harness(workspace([granted('t1', 1800), granted('t2', 1800), granted('t3', 1800)]), { clientId: 'sp' });
    expect(await h.provider.getToken()).toBe('t1');
    h.clock.advance(20 * 60_000);
    expect(await h.provider.getToken()).toBe('t1');
    h.clock.advance(5 * 60_000 + 1);
    expect(await h.provider.getToken()).toBe('t2');
    h.provider.invalidate();
    expect(await h.provider.getToken()).toBe('t3');
    expect(h.server.to(TOKEN)).toHaveLength(3);
  });

  it('after the step token expires, keeps the current token until it expires, then fails expired', async () => {
    const clock = createFakeClock();
    const exp = Math.floor(clock.now() / 1000) + 600;
    const h = await harness(workspace([granted('t1', 900)]), { clientId: 'sp', clock, claims: { exp } });
    expect(await h.provider.getToken()).toBe('t1');
    clock.advance(700_000);
    expect(await h.provider.getToken()).toBe('t1');
    clock.advance(300_000);
    await expect(h.provider.getToken()).rejects.toMatchObject({ code: 'ERR_OIDC_TOKEN_EXPIRED' });
    expect(h.server.to(TOKEN)).toHaveLength(1);
  });
});

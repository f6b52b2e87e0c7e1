import { createOAuthM2mProvider } from '../../../src/auth/oauth-m2m.js';
import { Redactor } from '../../../src/log/redactor.js';
import { createFakeClock } from '../../unit/auth/support/fake-clock.js';
import { captureLogger } from '../../unit/auth/support/logs.js';
import { byPath, inSequence, startLoopbackServer, type LoopbackServer, type Reply } from './support/loopback-server.js';
import { testTransport } from './support/transport.js';

const TOKEN = '/oidc/v1/token';
const CLIENT_ID = '3f2a9b1c-0000-4a5b-8c9d-aabbccddeeff';
const SECRET = 'dose-m2m-client-secret-abc123';

let server: LoopbackServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function harness(replies: Reply[]) {
  // No discovery document: exercises the fallback path as a workspace without it would.
  server = await startLoopbackServer(byPath({ [TOKEN]: inSequence(replies) }));
  const clock = createFakeClock();
  const redactor = new Redactor();
  const { logger, capture } = captureLogger(redactor);
  const provider = createOAuthM2mProvider({
    host: server.url,
    clientId: CLIENT_ID,
    clientSecret: SECRET,
    transport: testTransport(logger),
    clock,
    logger,
    redactor,
  });
  return { provider, clock, capture, redactor, server };
}

describe('oauth-m2m', () => {
  it('sends client_credentials with HTTP Basic base64(client_id:client_secret)', async () => {
    const h = await harness([{ status: 200, body: { access_token: 'm2m-access-1', expires_in: 3600 } }]);
    expect(await h.provider.getToken()).toBe('m2m-access-1');
    const [request] = h.server.to(TOKEN);
    expect(request?.form).toEqual({ grant_type: 'client_credentials', scope: 'all-apis' });
    expect(request?.headers.authorization).toBe(`Basic ${Buffer.from(`${CLIENT_ID}:${SECRET}`).toString('base64')}`);
    expect(h.provider.credentialDeadline()).toBeUndefined();
    expect(h.provider.identity).toEqual({ authType: 'oauth-m2m', clientId: CLIENT_ID });
    expect(h.redactor.redact(`${SECRET} m2m-access-1`)).toBe('*** ***');
  });

  it('caches and refreshes five minutes before expiry', async () => {
    const h = await harness([
      { status: 200, body: { access_token: 'm2m-a', expires_in: 3600 } },
      { status: 200, body: { access_token: 'm2m-b', expires_in: 3600 } },
    ]);
    await h.provider.getToken();
    h.clock.advance(54 * 60_000);
    expect(await h.provider.getToken()).toBe('m2m-a');
    h.clock.advance(60_000);
    expect(await h.provider.getToken()).toBe('m2m-b');
    expect(h.server.to(TOKEN)).toHaveLength(2);
  });

  it.each([
    { name: 'wrong secret (401)', reply: { status: 401, body: { error: 'invalid_client', error_description: 'Client authentication failed' } }, code: 'ERR_TOKEN_EXCHANGE_REJECTED', requests: 1 },
    { name: 'server error (500)', reply: { status: 500, body: '' }, code: 'ERR_TOKEN_EXCHANGE_FAILED', requests: 1 },
  ])('$name', async ({ reply, code, requests }) => {
    const h = await harness([reply]);
    const error: unknown = await h.provider.getToken().catch((e: unknown) => e);
    expect(error).toMatchObject({ code });
    expect(JSON.stringify([(error as Error).message, (error as { hint?: string }).hint])).not.toContain(SECRET);
    expect(h.server.to(TOKEN)).toHaveLength(requests);
  });

  it('a 200 without access_token is ERR_TOKEN_EXCHANGE_FAILED', async () => {
    const h = await harness([{ status: 200, body: { token_type: 'Bearer' } }]);
    await expect(h.provider.getToken()).rejects.toMatchObject({ code: 'ERR_TOKEN_EXCHANGE_FAILED' });
  });
});

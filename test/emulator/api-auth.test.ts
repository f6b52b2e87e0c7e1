import { startEmulator, type Emulator } from '../../emulator/index.js';
import { call, manualClock, tokenRequest } from './emu-helpers.js';

describe('bearer authentication on /api/', () => {
  const clock = manualClock();
  let emu: Emulator;
  let m2m: { clientId: string; secret?: string };

  beforeAll(async () => {
    emu = await startEmulator({ clock, issuer: false, tokenLifetimeSeconds: 600 });
    m2m = emu.addServicePrincipal({ secret: 'dose-m2m' });
  });
  afterAll(() => emu.close());

  const m2mToken = async (): Promise<string> => {
    const basic = `Basic ${Buffer.from(`${m2m.clientId}:dose-m2m`).toString('base64')}`;
    const res = await tokenRequest(
      emu,
      { grant_type: 'client_credentials', scope: 'all-apis' },
      { authorization: basic },
    );
    return res.body.access_token as string;
  };
  const list = (authorization?: string) =>
    call(`${emu.url}/api/2.2/jobs/list`, authorization ? { headers: { authorization } } : {});

  it.each([
    { name: 'no Authorization header', header: undefined },
    { name: 'a Basic header', header: 'Basic dXNlcjpwYXNz' },
    { name: 'an unknown bearer token', header: 'Bearer not-a-token' },
  ])('answers 401 UNAUTHENTICATED for $name', async ({ header }) => {
    const res = await list(header);
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ error_code: 'UNAUTHENTICATED', message: expect.any(String) });
  });

  it('accepts a registered PAT and records its owner', async () => {
    const pat = emu.addPat(undefined, 'bob@example.com');
    expect(pat).toMatch(/^dapi[0-9a-f]{32}$/);
    expect((await list(`Bearer ${pat}`)).status).toBe(200);
    expect(emu.requests.at(-1)).toMatchObject({
      principal: 'bob@example.com',
      tokenId: emu.tokenIdOf(pat),
      status: 200,
    });
    expect(emu.requests.at(-1)?.headers.authorization).toBe('Bearer');
  });

  it('expires access tokens by the emulator clock after expires_in', async () => {
    const token = await m2mToken();
    clock.advance(599_000);
    expect((await list(`Bearer ${token}`)).status).toBe(200);
    clock.advance(1_000);
    expect((await list(`Bearer ${token}`)).status).toBe(401);
  });

  it('expires every OAuth token at will, but not PATs', async () => {
    const token = await m2mToken();
    const pat = emu.addPat();
    emu.expireAllTokens();
    expect((await list(`Bearer ${token}`)).status).toBe(401);
    expect((await list(`Bearer ${pat}`)).status).toBe(200);
    const fresh = await m2mToken();
    expect((await list(`Bearer ${fresh}`)).status).toBe(200);
    expect(emu.tokenIdOf(fresh)).not.toBe(emu.tokenIdOf(token));
  });

  it('revokes a single token', async () => {
    const pat = emu.addPat();
    emu.revokeToken(pat);
    expect((await list(`Bearer ${pat}`)).status).toBe(401);
  });

  it('answers 404 ENDPOINT_NOT_FOUND for an unknown API and malformed JSON with MALFORMED_REQUEST', async () => {
    const pat = emu.addPat();
    const unknown = await call(`${emu.url}/api/2.1/jobs/nope`, {
      headers: { authorization: `Bearer ${pat}` },
    });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error_code).toBe('ENDPOINT_NOT_FOUND');
    const malformed = await call(`${emu.url}/api/2.1/jobs/run-now`, {
      method: 'POST',
      headers: { authorization: `Bearer ${pat}`, 'content-type': 'application/json' },
      body: '{"job_id": ',
    });
    expect(malformed.status).toBe(400);
    expect(malformed.body.error_code).toBe('MALFORMED_REQUEST');
  });

  it('sends a request id header with every answer', async () => {
    const res = await list();
    expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});

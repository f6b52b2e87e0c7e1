import { startEmulator, type Emulator, type StepTokenOverrides } from '../../emulator/index.js';
import { call, manualClock, tokenRequest } from './emu-helpers.js';

const EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';
const JWT_TYPE = 'urn:ietf:params:oauth:token-type:jwt';

describe('workspace OAuth endpoints', () => {
  const clock = manualClock();
  let emu: Emulator;

  beforeAll(async () => {
    emu = await startEmulator({ clock });
  });
  afterAll(() => emu.close());
  beforeEach(() => {
    emu.clearRequests();
    emu.setTokenLifetime(3600);
  });

  const exchange = async (overrides: StepTokenOverrides = {}, form: Record<string, string> = {}) =>
    tokenRequest(emu, {
      grant_type: EXCHANGE,
      subject_token: await emu.issuer.mintStepToken(overrides),
      subject_token_type: JWT_TYPE,
      scope: 'all-apis',
      client_id: emu.clientId,
      ...form,
    });

  it('publishes the authorization-server discovery document', async () => {
    const res = await call(`${emu.url}/oidc/.well-known/oauth-authorization-server`);
    expect(res.status).toBe(200);
    expect(res.body.token_endpoint).toBe(`${emu.url}/oidc/v1/token`);
    expect(res.body.authorization_endpoint).toBe(`${emu.url}/oidc/v1/authorize`);
  });

  it('exchanges a matching step token for a Bearer access token usable on /api/', async () => {
    const res = await exchange();
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      access_token: expect.any(String),
      token_type: 'Bearer',
      expires_in: 3600,
      scope: 'all-apis',
    });
    const api = await call(`${emu.url}/api/2.1/jobs/list`, {
      headers: { authorization: `Bearer ${res.body.access_token}` },
    });
    expect(api.status).toBe(200);
    const logged = emu.findRequests({ path: '/api/2.1/jobs/list' })[0];
    expect(logged?.principal).toBe(emu.clientId);
    expect(logged?.tokenId).toBe(emu.tokenIdOf(res.body.access_token));
  });

  it('never issues a token that outlives the subject token', async () => {
    const now = Math.floor(clock.now() / 1000);
    const res = await exchange({ iat: now - 3000, exp: now + 600 });
    expect(res.body.expires_in).toBe(600);
  });

  it('keeps the subject token out of the request log (only its fingerprint)', async () => {
    await exchange();
    const body = emu.findRequests({ path: '/oidc/v1/token' })[0]?.body as Record<string, string>;
    expect(body.subject_token).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(body.scope).toBe('all-apis');
  });

  it.each([
    {
      name: 'issuer differs',
      overrides: {
        iss: 'https://api.bitbucket.org/2.0/workspaces/acme/pipelines-config/identity/oidc',
      },
    },
    { name: 'audience differs', overrides: { aud: 'ari:cloud:bitbucket::workspace/other' } },
    {
      name: 'subject claim value differs',
      overrides: { repositoryUuid: '{00000000-0000-4000-8000-000000000000}' },
    },
    { name: 'signature from an unknown key', overrides: { signWith: 'foreign' as const } },
  ])(
    'refuses with 401 invalid_client when the $name, without naming the field',
    async ({ overrides }) => {
      const res = await exchange(overrides);
      expect(res.status).toBe(401);
      expect(res.body.error).toBe('invalid_client');
      expect(res.body.error_code).toBeUndefined();
      expect(res.body.error_description).not.toMatch(/issuer|audience|aud\b|subject|signature/i);
    },
  );

  it.each([
    { name: 'no client_id (account-wide, but only an SP policy exists)', form: { client_id: '' } },
    { name: 'another SP’s client_id', form: { client_id: '5f1c2b0e-0000-4000-8000-000000000000' } },
  ])('refuses an exchange with $name', async ({ form }) => {
    const res = await exchange({}, form);
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('invalid_client');
  });

  it.each([
    {
      name: 'expired subject token',
      form: {},
      overrides: { exp: 1 },
      status: 400,
      error: 'invalid_grant',
    },
    {
      name: 'not a JWT',
      form: { subject_token: 'abc' },
      overrides: {},
      status: 400,
      error: 'invalid_request',
    },
    {
      name: 'missing subject_token',
      form: { subject_token: '' },
      overrides: {},
      status: 400,
      error: 'invalid_request',
    },
    {
      name: 'wrong subject_token_type',
      form: { subject_token_type: 'urn:ietf:params:oauth:token-type:id_token' },
      overrides: {},
      status: 400,
      error: 'invalid_request',
    },
    {
      name: 'missing scope',
      form: { scope: '' },
      overrides: {},
      status: 400,
      error: 'invalid_request',
    },
    {
      name: 'unknown scope',
      form: { scope: 'everything' },
      overrides: {},
      status: 400,
      error: 'invalid_scope',
    },
    {
      name: 'unknown grant type',
      form: { grant_type: 'password' },
      overrides: {},
      status: 400,
      error: 'unsupported_grant_type',
    },
  ])('answers $status $error for a $name', async ({ form, overrides, status, error }) => {
    const res = await exchange(overrides, form);
    expect(res.status).toBe(status);
    expect(res.body).toEqual({ error, error_description: expect.any(String) });
  });

  it('refuses a JSON body: the endpoint is form-encoded only', async () => {
    const res = await call(`${emu.url}/oidc/v1/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ grant_type: EXCHANGE }),
    });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_request');
  });

  it('matches a policy on a configured subject_claim and a policy-held JWKS', async () => {
    const sp = emu.addServicePrincipal();
    emu.setFederationPolicy({
      service_principal_id: sp.clientId,
      oidc_policy: {
        issuer: emu.issuer.url,
        audiences: ['databricks-account'],
        subject_claim: 'deploymentEnvironmentUuid',
        subject: emu.issuer.deploymentEnvironmentUuid,
        jwks_json: JSON.stringify(emu.issuer.jwks()),
      },
    });
    const ok = await exchange(
      { aud: 'databricks-account', deployment: true },
      { client_id: sp.clientId },
    );
    expect(ok.status).toBe(200);
    const notDeployment = await exchange({ aud: 'databricks-account' }, { client_id: sp.clientId });
    expect(notDeployment.status).toBe(401);
  });

  it('federates account-wide (no client_id) onto an existing principal', async () => {
    emu.addUser('{11111111-2222-4333-8444-555555555555}');
    emu.setFederationPolicy({
      oidc_policy: {
        issuer: emu.issuer.url,
        audiences: [emu.issuer.audience],
        subject_claim: 'repositoryUuid',
      },
    });
    const known = await exchange(
      { repositoryUuid: '{11111111-2222-4333-8444-555555555555}' },
      { client_id: '' },
    );
    expect(known.status).toBe(200);
    const unknown = await exchange(
      { repositoryUuid: '{99999999-2222-4333-8444-555555555555}' },
      { client_id: '' },
    );
    expect(unknown.status).toBe(401);
    emu.clearFederationPolicies();
  });

  it('rejects policies Databricks would not accept', () => {
    expect(() =>
      emu.setFederationPolicy({ oidc_policy: { issuer: emu.issuer.url, subject: 'x' } }),
    ).toThrow(/not allowed/);
    const sp = emu.addServicePrincipal();
    expect(() =>
      emu.setFederationPolicy({
        service_principal_id: sp.clientId,
        oidc_policy: { issuer: emu.issuer.url },
      }),
    ).toThrow(/subject is required/);
  });

  describe('client_credentials (oauth-m2m)', () => {
    const basic = (id: string, secret: string) =>
      `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;

    it('issues a token to an SP authenticating with HTTP Basic', async () => {
      const sp = emu.addServicePrincipal({ secret: 'dose-secret-1' });
      const res = await tokenRequest(
        emu,
        { grant_type: 'client_credentials', scope: 'all-apis' },
        { authorization: basic(sp.clientId, 'dose-secret-1') },
      );
      expect(res.status).toBe(200);
      expect(res.body.token_type).toBe('Bearer');
      expect(res.body.expires_in).toBe(3600);
    });

    it.each([
      { name: 'wrong secret', header: (id: string) => basic(id, 'nope') },
      { name: 'no Authorization header', header: () => undefined },
      { name: 'unknown client id', header: () => basic('not-an-sp', 'dose-secret-2') },
    ])('answers 401 invalid_client for a $name', async ({ header }) => {
      const sp = emu.addServicePrincipal({ secret: 'dose-secret-2' });
      const value = header(sp.clientId);
      const res = await tokenRequest(
        emu,
        { grant_type: 'client_credentials', scope: 'all-apis' },
        value ? { authorization: value } : {},
      );
      expect(res.status).toBe(401);
      expect(res.body.error).toBe('invalid_client');
    });
  });
});

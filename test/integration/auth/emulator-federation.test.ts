import { startEmulator, type Emulator } from '../../../emulator/index.js';
import { createTokenProvider, describePolicy } from '../../../src/auth/create-token-provider.js';
import type { TokenProvider } from '../../../src/auth/types.js';
import type { AuthConfig } from '../../../src/auth/create-token-provider.js';
import type { AuthType } from '../../../src/config/types.js';
import type { HttpTransport } from '../../../src/databricks/transport-types.js';
import { Redactor } from '../../../src/log/redactor.js';
import { createFakeClock, type FakeClock } from '../../unit/auth/support/fake-clock.js';
import { captureLogger } from '../../unit/auth/support/logs.js';
import { testTransport } from './support/transport.js';

// The emulator's token endpoint verifies the step token against its issuer's JWKS and the
// federation policy exactly as Databricks would, and words every mismatch the same vague way.

const TOKEN_PATH = '/oidc/v1/token';

interface Harness {
  emu: Emulator;
  clock: FakeClock;
  provider(authType: AuthType, config: Partial<AuthConfig>): TokenProvider;
  /** GET jobs/list with the bearer; returns the status. */
  callApi(token: string): Promise<number>;
}

// One emulator for the file (its issuer generates RSA keys, which is slow on a shared CI
// machine); each test starts from the default trust, no faults and an empty request log.
let h: Harness;
let transport: HttpTransport;

beforeAll(async () => {
  const clock = createFakeClock(Date.now());
  const emu = await startEmulator({ clock });
  const redactor = new Redactor();
  const { logger } = captureLogger(redactor);
  transport = testTransport(logger);
  h = {
    emu,
    clock,
    provider: (authType, config) =>
      createTokenProvider({ config: { host: emu.url, ...config }, authType, transport, clock, logger, redactor }),
    callApi: async (token) =>
      (await transport.send({ method: 'GET', url: `${emu.url}/api/2.2/jobs/list`, headers: { authorization: `Bearer ${token}` } }))
        .status,
  };
});

afterAll(async () => {
  await h.emu.close();
});

beforeEach(() => {
  const { emu } = h;
  emu.faults.clear();
  emu.setTokenLifetime(3600);
  emu.clearFederationPolicies();
  emu.setFederationPolicy({
    service_principal_id: emu.clientId,
    oidc_policy: {
      issuer: emu.issuer.url,
      audiences: [emu.issuer.audience],
      subject_claim: 'repositoryUuid',
      subject: emu.issuer.repositoryUuid,
    },
  });
  emu.clearRequests();
  h.clock.sleeps.length = 0;
});

describe('bitbucket-oidc against the emulator', () => {
  it('a matching service-principal policy: the exchanged token (never the step token) calls the API', async () => {
    const stepToken = await h.emu.issuer.mintStepToken();
    const provider = h.provider('bitbucket-oidc', { oidcToken: stepToken, clientId: h.emu.clientId });
    const token = await provider.getToken();
    expect(token).not.toBe(stepToken);
    expect(await h.callApi(token)).toBe(200);
    const apiCalls = h.emu.findRequests({ path: /^\/api\// });
    expect(apiCalls.map((r) => r.principal)).toEqual([h.emu.clientId]);
    expect(h.emu.tokenIdOf(token)).toMatch(/^oauth-/);
  });

  it('account-wide federation: no client_id sent', async () => {
    h.emu.addUser(h.emu.issuer.repositoryUuid);
    h.emu.setFederationPolicy({
      oidc_policy: { issuer: h.emu.issuer.url, audiences: [h.emu.issuer.audience], subject_claim: 'repositoryUuid' },
    });
    const provider = h.provider('bitbucket-oidc', { oidcToken: await h.emu.issuer.mintStepToken() });
    expect(await h.callApi(await provider.getToken())).toBe(200);
    expect(h.emu.findRequests({ path: TOKEN_PATH })[0]?.body).not.toHaveProperty('client_id');
  });

  it.each([
    { name: 'repository policy', deployment: false, kind: 'repository' },
    { name: 'deployment-environment policy', deployment: true, kind: 'deployment-environment' },
  ])('the policy describePolicy prints is accepted ($name)', async ({ deployment, kind }) => {
    const stepToken = await h.emu.issuer.mintStepToken({ deployment });
    const { clientId } = h.emu.addServicePrincipal({ displayName: 'deployer' });
    const provider = h.provider('bitbucket-oidc', { oidcToken: stepToken, clientId });
    const suggestion = describePolicy(provider.identity.claims ?? {}, { clientId }).suggestions.find((s) => s.kind === kind);
    expect(suggestion).toBeDefined();
    h.emu.setFederationPolicy({ service_principal_id: clientId, oidc_policy: suggestion?.policy.oidc_policy ?? { issuer: '' } });
    expect(await h.callApi(await provider.getToken())).toBe(200);
  });

  // Each row breaks one side of the trust; the message must name the field and the value the
  // token carries, with exactly one exchange attempt.
  it.each([
    {
      name: 'missing client_id',
      mint: {},
      sendClientId: false,
      field: 'client_id',
      value: 'DATABRICKS_CLIENT_ID',
    },
    {
      name: 'wrong audience (the step requested one the policy does not list)',
      mint: { aud: 'databricks-prod' },
      field: 'audiences',
      value: 'databricks-prod',
    },
    {
      name: 'wrong issuer (a token from another IdP)',
      mint: { iss: 'https://token.actions.githubusercontent.com' },
      field: 'issuer',
      value: 'https://token.actions.githubusercontent.com',
    },
    {
      name: 'wrong subject claim (policy on sub, which changes every step)',
      mint: {},
      policy: (e: Emulator) => ({ issuer: e.issuer.url, audiences: [e.issuer.audience], subject: `${e.issuer.repositoryUuid}:{old-step}` }),
      field: 'subject_claim',
      value: 'REPOSITORY',
    },
  ])('refusal: $name', async ({ mint, sendClientId, policy, field, value }) => {
    if (policy !== undefined) {
      h.emu.setFederationPolicy({ service_principal_id: h.emu.clientId, oidc_policy: policy(h.emu) });
    }
    const stepToken = await h.emu.issuer.mintStepToken(mint);
    const provider = h.provider('bitbucket-oidc', {
      oidcToken: stepToken,
      ...(sendClientId === false ? {} : { clientId: h.emu.clientId }),
    });
    const error: unknown = await provider.getToken().catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ERR_TOKEN_EXCHANGE_REJECTED' });
    const message = (error as Error).message;
    expect(message).toContain(`most likely field: ${field}`);
    expect(message).toContain(value === 'REPOSITORY' ? h.emu.issuer.repositoryUuid : value);
    expect(h.emu.findRequests({ path: TOKEN_PATH })).toHaveLength(1);
    expect(h.clock.sleeps).toEqual([]);
  });

  it.each([
    {
      name: 'policy audiences left at the account-id default',
      oidcPolicy: (e: Emulator) => ({ issuer: e.issuer.url, subject_claim: 'repositoryUuid', subject: e.issuer.repositoryUuid }),
      line: (e: Emulator) => `audiences: must include the token's aud ${e.issuer.audience}`,
    },
    {
      name: 'policy issuer mistyped',
      oidcPolicy: (e: Emulator) => ({
        issuer: e.issuer.url.replace('/acme/', '/acme-corp/'),
        audiences: [e.issuer.audience],
        subject_claim: 'repositoryUuid',
        subject: e.issuer.repositoryUuid,
      }),
      line: (e: Emulator) => `issuer: must equal the token's iss ${e.issuer.url}`,
    },
  ])('policy-side mismatch ($name): the checklist quotes the token value', async ({ oidcPolicy, line }) => {
    h.emu.setFederationPolicy({ service_principal_id: h.emu.clientId, oidc_policy: oidcPolicy(h.emu) });
    const provider = h.provider('bitbucket-oidc', { oidcToken: await h.emu.issuer.mintStepToken(), clientId: h.emu.clientId });
    const error: unknown = await provider.getToken().catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ERR_TOKEN_EXCHANGE_REJECTED' });
    expect((error as { details: string[] }).details).toContain(line(h.emu));
  });

  it('an expired step token: ERR_OIDC_TOKEN_EXPIRED, nothing sent', async () => {
    const nowSeconds = Math.floor(h.clock.now() / 1000);
    const stepToken = await h.emu.issuer.mintStepToken({ iat: nowSeconds - 3700, exp: nowSeconds - 100 });
    const provider = h.provider('bitbucket-oidc', { oidcToken: stepToken, clientId: h.emu.clientId });
    await expect(provider.getToken()).rejects.toMatchObject({ code: 'ERR_OIDC_TOKEN_EXPIRED' });
    expect(h.emu.findRequests({ path: TOKEN_PATH })).toHaveLength(0);
  });

  it('a 503 from the token endpoint is retried', async () => {
    h.emu.faults.add({ method: 'POST', path: TOKEN_PATH, respond: { status: 503 } });
    const provider = h.provider('bitbucket-oidc', { oidcToken: await h.emu.issuer.mintStepToken(), clientId: h.emu.clientId });
    expect(await h.callApi(await provider.getToken())).toBe(200);
    expect(h.emu.findRequests({ path: TOKEN_PATH }).map((r) => r.status)).toEqual([503, 200]);
  });

  it('a token expiring mid-wait is refreshed; a 401 is fixed by invalidate + re-exchange', async () => {
    h.emu.setTokenLifetime(600);
    const provider = h.provider('bitbucket-oidc', { oidcToken: await h.emu.issuer.mintStepToken(), clientId: h.emu.clientId });
    const first = await provider.getToken();
    h.clock.advance(301_000);
    const second = await provider.getToken();
    expect(second).not.toBe(first);
    expect(await h.callApi(second)).toBe(200);
    h.emu.expireAllTokens();
    expect(await h.callApi(second)).toBe(401);
    provider.invalidate();
    expect(await h.callApi(await provider.getToken())).toBe(200);
    expect(h.emu.findRequests({ path: TOKEN_PATH })).toHaveLength(3);
  });
});

describe('oauth-m2m and pat against the emulator', () => {
  it.each([
    { name: 'right secret', secret: 'emu-secret-1', sent: 'emu-secret-1', code: undefined },
    { name: 'wrong secret', secret: 'emu-secret-1', sent: 'emu-secret-2', code: 'ERR_TOKEN_EXCHANGE_REJECTED' },
  ])('oauth-m2m: $name', async ({ secret, sent, code }) => {
    const { clientId } = h.emu.addServicePrincipal({ secret });
    const provider = h.provider('oauth-m2m', { clientId, clientSecret: sent });
    if (code === undefined) expect(await h.callApi(await provider.getToken())).toBe(200);
    else await expect(provider.getToken()).rejects.toMatchObject({ code });
    expect(h.emu.findRequests({ path: TOKEN_PATH })).toHaveLength(1);
  });

  it('pat: the token works as given', async () => {
    const pat = h.emu.addPat();
    expect(await h.callApi(await h.provider('pat', { token: pat }).getToken())).toBe(200);
  });
});

import { createRemoteJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify } from 'jose';
import { startBitbucketIssuer, type BitbucketIssuer } from '../../emulator/oidc-issuer.js';
import { call, manualClock } from './emu-helpers.js';

const BRACED_UUID = /^\{[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\}$/;

describe('fake Bitbucket OIDC issuer', () => {
  const clock = manualClock();
  let issuer: BitbucketIssuer;

  beforeAll(async () => {
    issuer = await startBitbucketIssuer({ clock, workspaceSlug: 'acme' });
  });
  afterAll(() => issuer.close());

  it('serves its issuer URL on loopback in Bitbucket’s path shape', () => {
    expect(issuer.url).toMatch(
      /^http:\/\/127\.0\.0\.1:\d+\/2\.0\/workspaces\/acme\/pipelines-config\/identity\/oidc$/,
    );
    expect(issuer.audience).toBe(
      `ari:cloud:bitbucket::workspace/${issuer.workspaceUuid.slice(1, -1)}`,
    );
    expect(issuer.workspaceUuid).toMatch(BRACED_UUID);
  });

  it('publishes a discovery document whose jwks_uri serves the signing key', async () => {
    const discovery = await call(`${issuer.url}/.well-known/openid-configuration`);
    expect(discovery.status).toBe(200);
    expect(discovery.body.issuer).toBe(issuer.url);
    expect(discovery.body.id_token_signing_alg_values_supported).toEqual(['RS256']);
    expect(discovery.body.claims_supported).toEqual(
      expect.arrayContaining(['repositoryUuid', 'deploymentEnvironmentUuid']),
    );
    const jwks = await call(discovery.body.jwks_uri);
    expect(jwks.body.keys).toHaveLength(1);
    expect(jwks.body.keys[0]).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig' });
    expect(jwks.body.keys[0].d).toBeUndefined();
  });

  it('mints an RS256 step token that verifies against its JWKS with Bitbucket’s claims', async () => {
    const token = await issuer.mintStepToken({ branchName: 'feature/x' });
    const keys = createRemoteJWKSet(new URL(issuer.jwksUri));
    const { payload, protectedHeader } = await jwtVerify(token, keys, {
      issuer: issuer.url,
      audience: issuer.audience,
      currentDate: new Date(clock.now()),
    });
    expect(protectedHeader.alg).toBe('RS256');
    for (const claim of ['workspaceUuid', 'repositoryUuid', 'pipelineUuid', 'stepUuid']) {
      expect(payload[claim]).toMatch(BRACED_UUID);
    }
    expect(payload.sub).toBe(`${String(payload.repositoryUuid)}:${String(payload.stepUuid)}`);
    expect(payload.branchName).toBe('feature/x');
    expect(payload.deploymentEnvironmentUuid).toBeUndefined();
    expect(payload.iat).toBe(Math.floor(clock.now() / 1000));
    expect(payload.exp).toBe((payload.iat ?? 0) + 3600);
  });

  it.each([
    { name: 'default deployment environment', deployment: true as const },
    { name: 'named deployment environment', deployment: '0b0e2f53-0000-4000-8000-000000000001' },
  ])('puts the environment into sub on a deployment step ($name)', async ({ deployment }) => {
    const claims = decodeJwt(await issuer.mintStepToken({ deployment }));
    expect(claims.deploymentEnvironmentUuid).toMatch(BRACED_UUID);
    expect(claims.sub).toBe(
      `${String(claims.repositoryUuid)}:${String(claims.deploymentEnvironmentUuid)}:${String(claims.stepUuid)}`,
    );
  });

  it('honours overrides, including an already expired token and removed claims', async () => {
    const iat = Math.floor(clock.now() / 1000) - 7200;
    const claims = decodeJwt(
      await issuer.mintStepToken({
        iat,
        exp: iat + 60,
        aud: ['a', 'b'],
        extraClaims: { branchName: undefined },
      }),
    );
    expect(claims.exp).toBeLessThan(clock.now() / 1000);
    expect(claims.aud).toEqual(['a', 'b']);
    expect('branchName' in claims).toBe(false);
  });

  it('signs a forged token with a key the JWKS does not publish', async () => {
    const forged = await issuer.mintStepToken({ signWith: 'foreign' });
    const kid = decodeProtectedHeader(forged).kid;
    expect(issuer.jwks().keys.map((k) => k.kid)).not.toContain(kid);
    await expect(
      jwtVerify(forged, createRemoteJWKSet(new URL(issuer.jwksUri)), {
        currentDate: new Date(clock.now()),
      }),
    ).rejects.toThrow();
  });

  it('answers 404 for paths it does not serve', async () => {
    expect((await call(`${issuer.url}/nope`)).status).toBe(404);
  });
});

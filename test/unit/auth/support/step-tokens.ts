import { SignJWT, generateKeyPair, type CryptoKey } from 'jose';

export const WORKSPACE_UUID = '{7f3c2a10-1111-4b2c-9d3e-0a1b2c3d4e5f}';
export const REPOSITORY_UUID = '{2b7e9c44-2222-4d1a-8f60-112233445566}';
export const ENVIRONMENT_UUID = '{9d0e1f22-3333-4e5f-a0b1-66778899aabb}';
export const STEP_UUID = '{c4d5e6f7-4444-4a5b-8c9d-ccddeeff0011}';
export const BITBUCKET_ISSUER =
  'https://api.bitbucket.org/2.0/workspaces/acme/pipelines-config/identity/oidc';
export const BITBUCKET_AUDIENCE = `ari:cloud:bitbucket::workspace/${WORKSPACE_UUID.slice(1, -1)}`;

let key: CryptoKey | undefined;

/** Returns Bitbucket-shaped step-token claims valid for an hour from `nowMs`, with overrides. */
export function stepClaims(
  nowMs: number,
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  const iat = Math.floor(nowMs / 1000);
  const claims: Record<string, unknown> = {
    iss: BITBUCKET_ISSUER,
    aud: BITBUCKET_AUDIENCE,
    sub: `${REPOSITORY_UUID}:${STEP_UUID}`,
    iat,
    exp: iat + 3600,
    workspaceUuid: WORKSPACE_UUID,
    repositoryUuid: REPOSITORY_UUID,
    stepUuid: STEP_UUID,
    branchName: 'main',
    ...overrides,
  };
  for (const [name, value] of Object.entries(claims)) if (value === undefined) delete claims[name];
  return claims;
}

/** Returns an RS256-signed JWT with Bitbucket's claim shapes (a secret in every test). */
export async function mintStepToken(
  nowMs: number,
  overrides: Record<string, unknown> = {},
): Promise<string> {
  key ??= (await generateKeyPair('RS256')).privateKey;
  return new SignJWT(stepClaims(nowMs, overrides))
    .setProtectedHeader({ alg: 'RS256', typ: 'JWT' })
    .sign(key);
}

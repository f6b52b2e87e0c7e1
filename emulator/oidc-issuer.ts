import { createServer } from 'node:http';
import { randomUUID } from 'node:crypto';
import {
  SignJWT,
  exportJWK,
  generateKeyPair,
  type JSONWebKeySet,
  type JWK,
  type CryptoKey,
} from 'jose';
import type { EmuClock } from './types.js';
import { braced, stepClaims } from './oidc-claims.js';
import { closeServer, listen } from './net.js';

/**
 * A fake Bitbucket Pipelines OIDC identity provider on loopback: discovery, JWKS and RS256
 * step tokens with Bitbucket's claim shapes (reference §1.3).
 */

export interface BitbucketIssuerOptions {
  clock?: EmuClock | undefined;
  /** Workspace slug in the issuer path (default `acme`). */
  workspaceSlug?: string | undefined;
  /** Brace-wrapped UUIDs; random ones are generated when omitted. */
  workspaceUuid?: string | undefined;
  repositoryUuid?: string | undefined;
  deploymentEnvironmentUuid?: string | undefined;
  /** Default `exp - iat` of minted tokens (default 3600). */
  tokenLifetimeSeconds?: number | undefined;
}

/** Claim overrides for one step token (`undefined` means the default). */
export interface StepTokenOverrides {
  iss?: string | undefined;
  aud?: string | string[] | undefined;
  sub?: string | undefined;
  /** Seconds since the epoch; default now. */
  iat?: number | undefined;
  /** Seconds since the epoch; default `iat + lifetime`. May lie in the past. */
  exp?: number | undefined;
  workspaceUuid?: string | undefined;
  repositoryUuid?: string | undefined;
  pipelineUuid?: string | undefined;
  stepUuid?: string | undefined;
  branchName?: string | undefined;
  /** Makes it a deployment-step token (its UUID enters `sub`); `true` uses the issuer's default. */
  deployment?: boolean | string | undefined;
  /** Additional claims, or claims to drop (value `undefined`). */
  extraClaims?: Record<string, unknown> | undefined;
  /** `foreign` signs with a key the JWKS does not publish (a forged token). */
  signWith?: 'issuer' | 'foreign' | undefined;
}

export interface BitbucketIssuer {
  /** The `iss` value: `http://127.0.0.1:<port>/2.0/workspaces/<slug>/pipelines-config/identity/oidc`. */
  readonly url: string;
  readonly jwksUri: string;
  /** Default audience: `ari:cloud:bitbucket::workspace/<workspace-uuid-without-braces>`. */
  readonly audience: string;
  readonly workspaceUuid: string;
  readonly repositoryUuid: string;
  readonly deploymentEnvironmentUuid: string;
  /** Returns a signed step token (a JWT; treat it as a secret). */
  mintStepToken(overrides?: StepTokenOverrides): Promise<string>;
  /** Returns the published key set. */
  jwks(): JSONWebKeySet;
  /** Replaces the signing key; tokens signed before no longer verify. */
  rotateKey(): Promise<void>;
  close(): Promise<void>;
}

/** Claims Bitbucket advertises in its discovery document. */
const CLAIMS_SUPPORTED = [
  'iss',
  'aud',
  'sub',
  'iat',
  'exp',
  'workspaceUuid',
  'repositoryUuid',
  'pipelineUuid',
  'stepUuid',
  'branchName',
  'deploymentEnvironmentUuid',
  'compliant',
];
const DEFAULT_LIFETIME_SECONDS = 3600;

interface SigningKey {
  kid: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
}

async function newSigningKey(): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair('RS256');
  const kid = randomUUID();
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' };
  return { kid, privateKey, publicJwk };
}

/** Returns a started issuer listening on 127.0.0.1 (a random port). */
export async function startBitbucketIssuer(
  options: BitbucketIssuerOptions = {},
): Promise<BitbucketIssuer> {
  const clock = options.clock ?? { now: () => Date.now() };
  const slug = options.workspaceSlug ?? 'acme';
  const workspaceUuid = braced(options.workspaceUuid);
  const repositoryUuid = braced(options.repositoryUuid);
  const deploymentEnvironmentUuid = braced(options.deploymentEnvironmentUuid);
  const lifetime = options.tokenLifetimeSeconds ?? DEFAULT_LIFETIME_SECONDS;
  let key = await newSigningKey();
  // Only forged-token tests need a second key; RSA key generation is slow, so make it lazily.
  let foreignKey: Promise<SigningKey> | undefined;
  const issuerPath = `/2.0/workspaces/${slug}/pipelines-config/identity/oidc`;

  let url = '';
  const server = createServer((req, res) => {
    const { status, body } = answer(req.method, (req.url ?? '').split('?')[0], url, key);
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  });
  url = `http://127.0.0.1:${await listen(server)}${issuerPath}`;
  const audience = `ari:cloud:bitbucket::workspace/${workspaceUuid.slice(1, -1)}`;

  const mintStepToken = async (o: StepTokenOverrides = {}): Promise<string> => {
    const claims = stepClaims(
      o,
      { url, audience, workspaceUuid, repositoryUuid, deploymentEnvironmentUuid, lifetime },
      clock,
    );
    const signer = o.signWith === 'foreign' ? await (foreignKey ??= newSigningKey()) : key;
    return new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', kid: signer.kid, typ: 'JWT' })
      .sign(signer.privateKey);
  };

  return {
    url,
    jwksUri: `${url}/keys.json`,
    audience,
    workspaceUuid,
    repositoryUuid,
    deploymentEnvironmentUuid,
    mintStepToken,
    jwks: () => ({ keys: [key.publicJwk] }),
    rotateKey: async () => {
      key = await newSigningKey();
    },
    close: () => closeServer(server),
  };
}

/** Returns the answer to one request: discovery, the key set, or 404/405. */
function answer(
  method: string | undefined,
  path: string | undefined,
  url: string,
  key: SigningKey,
): { status: number; body: unknown } {
  const issuerPath = new URL(url).pathname;
  if (method !== 'GET') return { status: 405, body: { error: 'method not allowed' } };
  if (path === `${issuerPath}/.well-known/openid-configuration`)
    return { status: 200, body: discoveryDocument(url) };
  if (path === `${issuerPath}/keys.json`) return { status: 200, body: { keys: [key.publicJwk] } };
  return { status: 404, body: { error: 'not found' } };
}

function discoveryDocument(issuer: string): Record<string, unknown> {
  return {
    issuer,
    jwks_uri: `${issuer}/keys.json`,
    subject_types_supported: ['public'],
    response_types_supported: ['id_token'],
    claims_supported: CLAIMS_SUPPORTED,
    id_token_signing_alg_values_supported: ['RS256'],
    scopes_supported: ['openid'],
  };
}

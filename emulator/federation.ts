import { randomUUID } from 'node:crypto';
import {
  createLocalJWKSet,
  createRemoteJWKSet,
  decodeJwt,
  jwtVerify,
  type JSONWebKeySet,
  type JWTPayload,
  type JWTVerifyGetKey,
} from 'jose';
import { authState } from './auth.js';
import { getExtension, type EmulatorState } from './state.js';

/** `oidc_policy` of a Databricks federation policy (reference §1.1). */
export interface OidcPolicy {
  issuer: string;
  /** The token's `aud` must equal one entry; default: the account id. */
  audiences?: string[];
  /** Required on service-principal policies, not allowed on account policies. */
  subject?: string;
  /** Claim holding the subject; default `sub`. */
  subject_claim?: string;
  jwks_uri?: string;
  jwks_json?: string;
}

export interface FederationPolicyInput {
  /** The SP's application id for a service-principal policy; omit for an account-wide policy. */
  service_principal_id?: string;
  oidc_policy: OidcPolicy;
  description?: string;
}

export interface FederationPolicy extends FederationPolicyInput {
  readonly policy_id: string;
}

/** Why a subject token was refused; the token endpoint words each one. */
export type FederationFailure = 'malformed' | 'expired' | 'no_match';

/** Thrown by {@link federateSubjectToken}; `failure` says why the token was refused. */
export class FederationError extends Error {
  constructor(readonly failure: FederationFailure) {
    super(failure);
  }
}

const MAX_POLICIES_PER_SP = 20;
const ALGORITHMS = ['RS256', 'ES256'];

/**
 * Returns the stored policy after checking it as the account API would.
 * @throws Error when the policy is not one Databricks would accept.
 */
export function addFederationPolicy(
  state: EmulatorState,
  input: FederationPolicyInput,
): FederationPolicy {
  const auth = authState(state);
  const sp = input.service_principal_id;
  if (!input.oidc_policy.issuer) throw new Error('oidc_policy.issuer is required');
  if (sp !== undefined) {
    if (!auth.servicePrincipals.has(sp)) throw new Error(`service principal ${sp} does not exist`);
    if (!input.oidc_policy.subject)
      throw new Error('oidc_policy.subject is required for a service principal policy');
    if (auth.policies.filter((p) => p.service_principal_id === sp).length >= MAX_POLICIES_PER_SP) {
      throw new Error(`service principal ${sp} already has ${MAX_POLICIES_PER_SP} policies`);
    }
  } else if (input.oidc_policy.subject !== undefined) {
    throw new Error('oidc_policy.subject is not allowed on an account federation policy');
  }
  if (input.oidc_policy.jwks_json !== undefined) JSON.parse(input.oidc_policy.jwks_json);
  const policy: FederationPolicy = { ...input, policy_id: randomUUID() };
  auth.policies.push(policy);
  return policy;
}

/** Removes the policies of one owner (an SP's application id, or `undefined` for the account). */
export function clearFederationPolicies(state: EmulatorState, servicePrincipalId?: string): void {
  const policies = authState(state).policies;
  const kept = policies.filter((p) => p.service_principal_id !== servicePrincipalId);
  policies.splice(0, policies.length, ...kept);
}

/**
 * Returns the principal a subject token federates to and the token's `exp` (epoch seconds).
 * Account policies apply when no client_id is sent; an SP's policies only when its
 * application id is sent as client_id.
 * @throws FederationError malformed | expired | no_match
 */
export async function federateSubjectToken(
  state: EmulatorState,
  subjectToken: string,
  clientId: string | undefined,
): Promise<{ principal: string; exp: number }> {
  const claims = decodeOrThrow(subjectToken);
  const nowSeconds = state.clock.now() / 1000;
  if (typeof claims.exp !== 'number' || claims.exp <= nowSeconds)
    throw new FederationError('expired');
  const auth = authState(state);
  const candidates = auth.policies.filter((p) => p.service_principal_id === clientId);
  for (const policy of candidates) {
    if (policy.oidc_policy.issuer !== claims.iss) continue;
    const verified = await verifyAgainst(state, subjectToken, policy);
    const principal = verified && principalFor(state, policy, verified);
    if (principal) return { principal, exp: claims.exp };
  }
  throw new FederationError('no_match');
}

function decodeOrThrow(token: string): JWTPayload {
  try {
    return decodeJwt(token);
  } catch {
    throw new FederationError('malformed');
  }
}

async function verifyAgainst(
  state: EmulatorState,
  token: string,
  policy: FederationPolicy,
): Promise<JWTPayload | undefined> {
  const { oidc_policy: p } = policy;
  try {
    const keys = await keySetFor(state, p);
    const { payload } = await jwtVerify(token, keys, {
      issuer: p.issuer,
      audience: p.audiences ?? [authState(state).accountId],
      algorithms: ALGORITHMS,
      currentDate: new Date(state.clock.now()),
    });
    return payload;
  } catch {
    // Bad signature, wrong audience, unreachable keys: to the caller all mean "no match".
    return undefined;
  }
}

function principalFor(
  state: EmulatorState,
  policy: FederationPolicy,
  claims: JWTPayload,
): string | undefined {
  const value = claims[policy.oidc_policy.subject_claim ?? 'sub'];
  if (typeof value !== 'string') return undefined;
  if (policy.service_principal_id !== undefined) {
    return value === policy.oidc_policy.subject ? policy.service_principal_id : undefined;
  }
  // Account-wide federation maps the subject onto an existing user or SP.
  return state.principals.has(value) ? value : undefined;
}

class UnreachableKeysError extends Error {}

async function keySetFor(state: EmulatorState, p: OidcPolicy): Promise<JWTVerifyGetKey> {
  if (p.jwks_json !== undefined) return createLocalJWKSet(JSON.parse(p.jwks_json) as JSONWebKeySet);
  const jwksUri = p.jwks_uri ?? (await discoverJwksUri(p.issuer));
  const cache = getExtension(state, 'auth.jwks', () => new Map<string, JWTVerifyGetKey>());
  let keys = cache.get(jwksUri);
  if (!keys) {
    keys = createRemoteJWKSet(loopbackUrl(jwksUri));
    cache.set(jwksUri, keys);
  }
  return keys;
}

async function discoverJwksUri(issuer: string): Promise<string> {
  const response = await fetch(loopbackUrl(`${issuer}/.well-known/openid-configuration`)).catch(
    () => undefined,
  );
  if (!response?.ok) throw new UnreachableKeysError(issuer);
  const doc = (await response.json()) as { jwks_uri?: unknown };
  if (typeof doc.jwks_uri !== 'string') throw new UnreachableKeysError(issuer);
  return doc.jwks_uri;
}

/** The emulator talks to nothing but loopback: any other issuer is unreachable. */
function loopbackUrl(raw: string): URL {
  const url = URL.canParse(raw) ? new URL(raw) : undefined;
  if (url?.hostname !== '127.0.0.1') throw new UnreachableKeysError(raw);
  return url;
}

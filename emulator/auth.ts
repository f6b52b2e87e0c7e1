import { randomBytes, randomUUID } from 'node:crypto';
import { ApiError } from './router.js';
import { ensurePrincipal, getExtension, type EmulatorState } from './state.js';
import type { FederationPolicy } from './federation.js';

/** How a workspace access token came to be. */
export type TokenOrigin = 'token-exchange' | 'client-credentials' | 'pat';

/** An access token the workspace accepts on `/api/` calls. */
export interface AccessTokenRecord {
  readonly token: string;
  /** A printable label (`oauth-3`, `pat-1`) for logs and assertions; never the token itself. */
  readonly id: string;
  readonly principal: string;
  readonly origin: TokenOrigin;
  /** Epoch ms on the emulator clock; PATs never expire unless revoked. */
  expiresAt: number;
}

export interface ServicePrincipalRecord {
  /** The application id (UUID), which is also `client_id` and the principal name. */
  readonly applicationId: string;
  readonly displayName: string;
  readonly secrets: Set<string>;
}

export interface AuthState {
  readonly tokens: Map<string, AccessTokenRecord>;
  readonly servicePrincipals: Map<string, ServicePrincipalRecord>;
  readonly policies: FederationPolicy[];
  /** Upper bound of an issued token's `expires_in`. */
  tokenLifetimeSeconds: number;
  /** Default policy audience, as on a real account. */
  readonly accountId: string;
  issuedCount: number;
}

const DEFAULT_TOKEN_LIFETIME_SECONDS = 3600;

/** Returns the auth module's state, creating it on first use. */
export function authState(state: EmulatorState): AuthState {
  return getExtension(state, 'auth', () => ({
    tokens: new Map(),
    servicePrincipals: new Map(),
    policies: [],
    tokenLifetimeSeconds: DEFAULT_TOKEN_LIFETIME_SECONDS,
    accountId: randomUUID(),
    issuedCount: 0,
  }));
}

export interface ServicePrincipalInput {
  /** Application id (UUID); generated when omitted. */
  clientId?: string;
  /** An OAuth secret for `client_credentials`; omit for a federation-only SP. */
  secret?: string;
  displayName?: string;
}

/** Returns the registered service principal (adding the secret when it already exists). */
export function addServicePrincipal(
  state: EmulatorState,
  input: ServicePrincipalInput = {},
): ServicePrincipalRecord {
  const auth = authState(state);
  const applicationId = input.clientId ?? randomUUID();
  let sp = auth.servicePrincipals.get(applicationId);
  if (!sp) {
    sp = {
      applicationId,
      displayName: input.displayName ?? `sp-${applicationId.slice(0, 8)}`,
      secrets: new Set(),
    };
    auth.servicePrincipals.set(applicationId, sp);
    ensurePrincipal(state, applicationId, 'service_principal', sp.displayName);
  }
  if (input.secret !== undefined) sp.secrets.add(input.secret);
  return sp;
}

/** Returns the PAT, registered for `principal` (a user name by default). */
export function addPat(
  state: EmulatorState,
  token: string,
  principal = 'user@example.com',
): string {
  const auth = authState(state);
  if (!state.principals.has(principal)) ensurePrincipal(state, principal, 'user');
  const id = `pat-${[...auth.tokens.values()].filter((t) => t.origin === 'pat').length + 1}`;
  auth.tokens.set(token, {
    token,
    id,
    principal,
    origin: 'pat',
    expiresAt: Number.POSITIVE_INFINITY,
  });
  return token;
}

/** Returns a fresh opaque access token for `principal`, valid for at most `maxSeconds`. */
export function issueAccessToken(
  state: EmulatorState,
  principal: string,
  origin: Exclude<TokenOrigin, 'pat'>,
  maxSeconds = Number.POSITIVE_INFINITY,
): { record: AccessTokenRecord; expiresIn: number } {
  const auth = authState(state);
  const expiresIn = Math.max(0, Math.floor(Math.min(auth.tokenLifetimeSeconds, maxSeconds)));
  auth.issuedCount += 1;
  const token = randomBytes(32).toString('base64url');
  const record: AccessTokenRecord = {
    token,
    id: `oauth-${auth.issuedCount}`,
    principal,
    origin,
    expiresAt: state.clock.now() + expiresIn * 1000,
  };
  auth.tokens.set(token, record);
  return { record, expiresIn };
}

/** Expires every OAuth access token now (PATs stay valid; revoke those with {@link revokeToken}). */
export function expireAllTokens(state: EmulatorState): void {
  const now = state.clock.now();
  for (const record of authState(state).tokens.values()) {
    if (record.origin !== 'pat') record.expiresAt = Math.min(record.expiresAt, now);
  }
}

/** Makes one token (OAuth or PAT) invalid from now on. */
export function revokeToken(state: EmulatorState, token: string): void {
  authState(state).tokens.delete(token);
}

/**
 * Returns the token record behind an `Authorization` header on an `/api/` call.
 * @throws ApiError 401 UNAUTHENTICATED for a missing, unknown or expired bearer token.
 */
export function authenticate(
  state: EmulatorState,
  authorization: string | undefined,
): AccessTokenRecord {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
  if (!match?.[1]) {
    throw new ApiError(
      401,
      'UNAUTHENTICATED',
      'Credential was not sent or was of an unsupported type for this API.',
    );
  }
  const record = authState(state).tokens.get(match[1]);
  if (!record || record.expiresAt <= state.clock.now()) {
    throw new ApiError(401, 'UNAUTHENTICATED', 'Invalid access token.');
  }
  return record;
}

/** Returns the token record for a bearer header without judging it (for the request log). */
export function lookupBearer(
  state: EmulatorState,
  authorization: string | undefined,
): AccessTokenRecord | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
  return match?.[1] ? authState(state).tokens.get(match[1]) : undefined;
}

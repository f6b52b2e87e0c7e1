import type { EmuRequest, EmuResponse, Router } from './router.js';
import type { EmulatorState } from './state.js';
import { authState, issueAccessToken } from './auth.js';
import { FederationError, federateSubjectToken, type FederationFailure } from './federation.js';

/**
 * The workspace OAuth endpoints (reference §1.2, §2.1): discovery, RFC 8693 token exchange
 * and client_credentials. Errors use the OAuth shape `{error, error_description}`.
 */

const TOKEN_EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';
const JWT_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:jwt';
const KNOWN_SCOPES = new Set(['all-apis', 'sql', 'offline_access', 'openid', 'profile', 'email']);

/** Registers the discovery document and the token endpoint on the workspace router. */
export function registerOAuthRoutes(router: Router, state: EmulatorState): void {
  router.add('GET', '/oidc/.well-known/oauth-authorization-server', () => ({
    status: 200,
    body: {
      issuer: `${state.baseUrl}/oidc`,
      authorization_endpoint: `${state.baseUrl}/oidc/v1/authorize`,
      token_endpoint: `${state.baseUrl}/oidc/v1/token`,
      grant_types_supported: [
        'client_credentials',
        TOKEN_EXCHANGE,
        'authorization_code',
        'refresh_token',
      ],
      scopes_supported: [...KNOWN_SCOPES],
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'none'],
    },
  }));
  router.add('POST', '/oidc/v1/token', (req) => handleToken(state, req));
}

function oauthError(status: number, error: string, description: string): EmuResponse {
  return { status, body: { error, error_description: description } };
}

async function handleToken(state: EmulatorState, req: EmuRequest): Promise<EmuResponse> {
  const contentType = String(req.headers['content-type'] ?? '');
  if (!contentType.toLowerCase().startsWith('application/x-www-form-urlencoded')) {
    return oauthError(
      400,
      'invalid_request',
      'The request must be application/x-www-form-urlencoded.',
    );
  }
  const form = (req.body ?? {}) as Record<string, string>;
  const scopeProblem = checkScope(form.scope);
  if (form.grant_type === TOKEN_EXCHANGE) return scopeProblem ?? exchange(state, form);
  if (form.grant_type === 'client_credentials')
    return scopeProblem ?? clientCredentials(state, req);
  if (!form.grant_type)
    return oauthError(400, 'invalid_request', 'Missing required parameter: grant_type.');
  return oauthError(
    400,
    'unsupported_grant_type',
    `Grant type ${form.grant_type} is not supported.`,
  );
}

function checkScope(scope: string | undefined): EmuResponse | undefined {
  if (!scope) return oauthError(400, 'invalid_request', 'Missing required parameter: scope.');
  const unknown = scope.split(' ').filter((s) => s && !KNOWN_SCOPES.has(s));
  return unknown.length
    ? oauthError(400, 'invalid_scope', `Invalid scope: ${unknown.join(' ')}.`)
    : undefined;
}

async function exchange(state: EmulatorState, form: Record<string, string>): Promise<EmuResponse> {
  if (!form.subject_token)
    return oauthError(400, 'invalid_request', 'Missing required parameter: subject_token.');
  if (form.subject_token_type !== JWT_TOKEN_TYPE) {
    return oauthError(400, 'invalid_request', 'Unsupported subject_token_type; expected a JWT.');
  }
  try {
    const { principal, exp } = await federateSubjectToken(
      state,
      form.subject_token,
      form.client_id || undefined,
    );
    // The access token never outlives the federated token (reference §1.1).
    const remaining = exp - state.clock.now() / 1000;
    return tokenResponse(
      issueAccessToken(state, principal, 'token-exchange', remaining),
      form.scope ?? '',
    );
  } catch (err) {
    if (err instanceof FederationError) return federationRefusal(err.failure);
    throw err;
  }
}

const FEDERATION_REFUSALS: Record<FederationFailure, EmuResponse> = {
  malformed: oauthError(400, 'invalid_request', 'The subject token is not a valid JWT.'),
  expired: oauthError(400, 'invalid_grant', 'The subject token has expired.'),
  // Deliberately vague, as a real token endpoint is: the caller must work out from the
  // token's own claims which policy field (issuer, audience, subject, client_id) differs.
  no_match: oauthError(
    401,
    'invalid_client',
    'Invalid credentials: the token did not match any federation policy.',
  ),
};

function federationRefusal(failure: FederationFailure): EmuResponse {
  return FEDERATION_REFUSALS[failure];
}

function clientCredentials(state: EmulatorState, req: EmuRequest): EmuResponse {
  const credentials = parseBasic(req.headers.authorization);
  const sp = credentials && authState(state).servicePrincipals.get(credentials.clientId);
  if (!credentials || !sp?.secrets.has(credentials.secret)) {
    return oauthError(401, 'invalid_client', 'Client authentication failed');
  }
  return tokenResponse(
    issueAccessToken(state, sp.applicationId, 'client-credentials'),
    String((req.body as Record<string, string>).scope),
  );
}

function parseBasic(header: string | undefined): { clientId: string; secret: string } | undefined {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? '');
  if (!match?.[1]) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  try {
    // RFC 6749 §2.3.1: both parts are form-urlencoded before base64 (Go's oauth2 does so).
    return {
      clientId: decodeURIComponent(decoded.slice(0, colon)),
      secret: decodeURIComponent(decoded.slice(colon + 1)),
    };
  } catch {
    return undefined;
  }
}

function tokenResponse(issued: ReturnType<typeof issueAccessToken>, scope: string): EmuResponse {
  return {
    status: 200,
    body: {
      access_token: issued.record.token,
      token_type: 'Bearer',
      expires_in: issued.expiresIn,
      scope,
    },
  };
}

import { PipeError } from '../errors.js';
import { redactor as defaultRedactor, type Redactor } from '../log/redactor.js';
import { exchangeRejectedError } from './diagnose.js';
import {
  assertStepTokenFresh,
  claimsForLog,
  decodeStepToken,
  isoTime,
  stepTokenExpiresAt,
  type StepTokenClaims,
} from './step-token.js';
import { TokenCache } from './token-cache.js';
import { resolveTokenEndpoint } from './token-endpoint.js';
import {
  formatOAuthError,
  oauthErrorOf,
  parseTokenResponse,
  sendTokenRequest,
  type IssuedToken,
  type TokenRequestDeps,
} from './token-request.js';
import type { IdentitySummary, TokenProvider } from './types.js';

/** Inputs of the bitbucket-oidc provider. */
export interface BitbucketOidcOptions extends TokenRequestDeps {
  /** Workspace origin, e.g. `https://dbc-123.cloud.databricks.com`. */
  host: string;
  /** BITBUCKET_STEP_OIDC_TOKEN. */
  stepToken: string;
  /** The service principal's application ID; sent only when set (SP federation policy). */
  clientId?: string;
  redactor?: Redactor;
}

// RFC 8693 values, exactly as the Databricks SDKs send them (reference §1.2).
const TOKEN_EXCHANGE_GRANT = 'urn:ietf:params:oauth:grant-type:token-exchange';
const JWT_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:jwt';
const ALL_APIS_SCOPE = 'all-apis';

/**
 * Returns a TokenProvider that exchanges the Bitbucket step OIDC token for a Databricks token
 * at the workspace token endpoint, caches it and refreshes it while the step token is valid.
 * Logs the claims a federation policy matches on (never the token).
 * @throws PipeError ERR_OIDC_TOKEN_INVALID when the step token cannot be decoded.
 */
export function createBitbucketOidcProvider(options: BitbucketOidcOptions): TokenProvider {
  const redactor = options.redactor ?? defaultRedactor;
  const claims = decodeStepToken(options.stepToken, redactor);
  options.logger.info('step OIDC token claims (what a federation policy matches)', {
    ...claimsForLog(claims),
    client_id: options.clientId ?? '(not sent)',
  });
  const deadline = stepTokenExpiresAt(claims);
  let endpoint: Promise<string> | undefined;
  const cache = new TokenCache({
    clock: options.clock,
    logger: options.logger,
    fetchToken: () => {
      assertStepTokenFresh(claims, options.clock.now());
      endpoint ??= resolveTokenEndpoint(options, options.host).catch((error: unknown) => {
        endpoint = undefined; // a failed discovery is not remembered: the next call tries again
        throw error;
      });
      return endpoint.then((url) => exchange(options, redactor, claims, url));
    },
  });
  return {
    getToken: (signal) => cache.get(signal),
    invalidate: () => cache.invalidate(),
    credentialDeadline: () => deadline,
    identity: identityOf(claims, options.clientId, deadline),
  };
}

async function exchange(
  options: BitbucketOidcOptions,
  redactor: Redactor,
  claims: StepTokenClaims,
  url: string,
): Promise<IssuedToken> {
  const form: Record<string, string> = {
    grant_type: TOKEN_EXCHANGE_GRANT,
    subject_token: options.stepToken,
    subject_token_type: JWT_TOKEN_TYPE,
    scope: ALL_APIS_SCOPE,
  };
  if (options.clientId !== undefined && options.clientId !== '') form['client_id'] = options.clientId;
  options.logger.debug(`token exchange: POST ${url}`, { client_id: form['client_id'] ?? '(not sent)' });
  const res = await sendTokenRequest(options, {
    url,
    form,
    what: 'token exchange',
  });
  const now = options.clock.now();
  if (res.status >= 200 && res.status < 300) {
    const token = parseTokenResponse(res, now, redactor, 'the token exchange');
    options.logger.info(`exchanged the step OIDC token for a Databricks token (expires ${isoTime(token.expiresAtMs)})`);
    return token;
  }
  if (res.status >= 400 && res.status < 500) {
    throw exchangeRejectedError({ status: res.status, body: res.body, claims, clientId: form['client_id'], nowMs: now });
  }
  throw new PipeError(
    'ERR_TOKEN_EXCHANGE_FAILED',
    `token exchange failed: ${formatOAuthError(res.status, oauthErrorOf(res.body))}`,
    { api: { status: res.status }, hint: 'the workspace token endpoint failed; re-run the step later' },
  );
}

function identityOf(claims: StepTokenClaims, clientId: string | undefined, deadline: number): IdentitySummary {
  const identity: IdentitySummary = {
    authType: 'bitbucket-oidc',
    claims: { ...claims },
    subjectTokenExpiresAt: deadline,
  };
  if (clientId !== undefined && clientId !== '') identity.clientId = clientId;
  return identity;
}

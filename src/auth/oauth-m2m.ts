import { PipeError } from '../errors.js';
import { redactor as defaultRedactor, type Redactor } from '../log/redactor.js';
import { isoTime } from './step-token.js';
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
import type { TokenProvider } from './types.js';

/** Inputs of the oauth-m2m provider. */
export interface OAuthM2mOptions extends TokenRequestDeps {
  host: string;
  clientId: string;
  clientSecret: string;
  redactor?: Redactor;
}

/**
 * Returns a TokenProvider for a service principal's OAuth secret: `client_credentials` at the
 * workspace token endpoint with HTTP Basic client authentication; cached and refreshed. The
 * secret does not expire within a run, so the credential deadline is unbounded.
 */
export function createOAuthM2mProvider(options: OAuthM2mOptions): TokenProvider {
  const redactor = options.redactor ?? defaultRedactor;
  const basic = Buffer.from(`${options.clientId}:${options.clientSecret}`).toString('base64');
  redactor.register(options.clientSecret);
  redactor.register(basic);
  let endpoint: Promise<string> | undefined;
  const cache = new TokenCache({
    clock: options.clock,
    logger: options.logger,
    fetchToken: () => {
      endpoint ??= resolveTokenEndpoint(options, options.host).catch((error: unknown) => {
        endpoint = undefined; // a failed discovery is not remembered: the next call tries again
        throw error;
      });
      return endpoint.then((url) => requestToken(options, redactor, basic, url));
    },
  });
  return {
    getToken: (signal) => cache.get(signal),
    invalidate: () => cache.invalidate(),
    credentialDeadline: () => undefined,
    identity: { authType: 'oauth-m2m', clientId: options.clientId },
  };
}

async function requestToken(
  options: OAuthM2mOptions,
  redactor: Redactor,
  basic: string,
  url: string,
): Promise<IssuedToken> {
  options.logger.debug(`oauth-m2m: POST ${url}`, { client_id: options.clientId });
  const res = await sendTokenRequest(options, {
    url,
    form: { grant_type: 'client_credentials', scope: 'all-apis' },
    headers: { authorization: `Basic ${basic}` },
    what: 'oauth-m2m token request',
  });
  if (res.status >= 200 && res.status < 300) {
    const token = parseTokenResponse(res, options.clock.now(), redactor, 'the oauth-m2m token request');
    options.logger.info(`obtained a Databricks token for client ${options.clientId} (expires ${isoTime(token.expiresAtMs)})`);
    return token;
  }
  const reason = formatOAuthError(res.status, oauthErrorOf(res.body));
  if (res.status >= 400 && res.status < 500) {
    throw new PipeError('ERR_TOKEN_EXCHANGE_REJECTED', `databricks refused the oauth-m2m credentials (${reason})`, {
      api: { status: res.status },
      hint:
        `check that DATABRICKS_CLIENT_ID (${options.clientId}) is the service principal's application ID and ` +
        'that DATABRICKS_CLIENT_SECRET is one of its current OAuth secrets (they expire); better, switch to OIDC federation',
    });
  }
  throw new PipeError('ERR_TOKEN_EXCHANGE_FAILED', `oauth-m2m token request failed: ${reason}`, {
    api: { status: res.status },
    hint: 'the workspace token endpoint failed; re-run the step later',
  });
}

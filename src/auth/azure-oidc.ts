import { PipeError } from '../errors.js';
import { redactor as defaultRedactor, type Redactor } from '../log/redactor.js';
import { azureRejectedError } from './diagnose-azure.js';
import {
  assertStepTokenFresh,
  claimsForLog,
  decodeStepToken,
  isoTime,
  stepTokenExpiresAt,
  type StepTokenClaims,
} from './step-token.js';
import { TokenCache } from './token-cache.js';
import {
  formatOAuthError,
  oauthErrorOf,
  parseTokenResponse,
  sendTokenRequest,
  type IssuedToken,
  type TokenRequestDeps,
} from './token-request.js';
import type { TokenProvider } from './types.js';

/** Entra's public-cloud authority; US Gov and China clouds use their own hosts. */
export const DEFAULT_AZURE_AUTHORITY = 'https://login.microsoftonline.com';
/** The Azure Databricks login application, the same in every Azure cloud. */
export const AZURE_DATABRICKS_SCOPE = '2ff814a6-3304-4ab8-85cb-cd0e6f879c1d/.default';
const JWT_BEARER_ASSERTION = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/** Inputs of the azure-oidc provider. */
export interface AzureOidcOptions extends TokenRequestDeps {
  tenantId: string;
  /** The Entra application (AZURE_CLIENT_ID) holding the federated credential. */
  clientId: string;
  stepToken: string;
  /** Entra authority base URL; tests point it at loopback. */
  authority?: string;
  redactor?: Redactor;
}

/**
 * Returns a TokenProvider that presents the step token as a client assertion to Entra ID
 * (v2.0 endpoint, Azure Databricks scope) and uses the Entra token as the Databricks bearer.
 * @throws PipeError ERR_OIDC_TOKEN_INVALID when the step token cannot be decoded.
 */
export function createAzureOidcProvider(options: AzureOidcOptions): TokenProvider {
  const redactor = options.redactor ?? defaultRedactor;
  const claims = decodeStepToken(options.stepToken, redactor);
  options.logger.info('step OIDC token claims (what the Entra federated credential matches)', {
    ...claimsForLog(claims),
    sub: claims.sub ?? '(absent)',
    tenant: options.tenantId,
    client_id: options.clientId,
  });
  const deadline = stepTokenExpiresAt(claims);
  const authority = (options.authority ?? DEFAULT_AZURE_AUTHORITY).replace(/\/+$/, '');
  const url = `${authority}/${encodeURIComponent(options.tenantId)}/oauth2/v2.0/token`;
  const cache = new TokenCache({
    clock: options.clock,
    logger: options.logger,
    fetchToken: () => {
      assertStepTokenFresh(claims, options.clock.now());
      return requestEntraToken(options, redactor, claims, url);
    },
  });
  return {
    getToken: (signal) => cache.get(signal),
    invalidate: () => cache.invalidate(),
    credentialDeadline: () => deadline,
    identity: { authType: 'azure-oidc', clientId: options.clientId, claims: { ...claims }, subjectTokenExpiresAt: deadline },
  };
}

async function requestEntraToken(
  options: AzureOidcOptions,
  redactor: Redactor,
  claims: StepTokenClaims,
  url: string,
): Promise<IssuedToken> {
  options.logger.debug(`azure-oidc: POST ${url}`, { client_id: options.clientId });
  const res = await sendTokenRequest(options, {
    url,
    form: {
      client_id: options.clientId,
      scope: AZURE_DATABRICKS_SCOPE,
      grant_type: 'client_credentials',
      client_assertion_type: JWT_BEARER_ASSERTION,
      client_assertion: options.stepToken,
    },
    what: 'entra token request',
  });
  const now = options.clock.now();
  if (res.status >= 200 && res.status < 300) {
    const token = parseTokenResponse(res, now, redactor, 'the entra token request');
    options.logger.info(`obtained an Entra ID token for Azure Databricks (expires ${isoTime(token.expiresAtMs)})`);
    return token;
  }
  if (res.status >= 400 && res.status < 500) {
    const { tenantId, clientId } = options;
    throw azureRejectedError({ status: res.status, body: res.body, claims, tenantId, clientId, nowMs: now });
  }
  throw new PipeError('ERR_TOKEN_EXCHANGE_FAILED', `entra token request failed: ${formatOAuthError(res.status, oauthErrorOf(res.body))}`, {
    api: { status: res.status },
    hint: 'Entra ID is unavailable; re-run the step later',
  });
}

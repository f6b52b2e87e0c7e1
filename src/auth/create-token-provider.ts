import type { Clock } from '../clock.js';
import type { AuthType, Config } from '../config/types.js';
import type { HttpTransport } from '../databricks/transport-types.js';
import { PipeError } from '../errors.js';
import type { Logger } from '../log/logger.js';
import type { Redactor } from '../log/redactor.js';
import { createAzureOidcProvider } from './azure-oidc.js';
import { createBitbucketOidcProvider } from './bitbucket-oidc.js';
import { createOAuthM2mProvider } from './oauth-m2m.js';
import { createPatProvider } from './pat.js';
import type { TokenProvider } from './types.js';

export { describePolicy, formatPolicyDescription } from './describe-policy.js';
export type { DescribePolicyOptions, FederationPolicy, PolicyDescription, PolicySuggestion } from './describe-policy.js';
export { capWaitToCredential, credentialLifetimeWarning } from './credential-lifetime.js';

/** The configuration a token provider reads. */
export type AuthConfig = Pick<
  Config,
  'host' | 'clientId' | 'clientSecret' | 'token' | 'azureTenantId' | 'azureClientId' | 'oidcToken'
>;

/** Everything createTokenProvider needs; transport, clock and logger are injected. */
export interface CreateTokenProviderOptions {
  config: AuthConfig;
  /** From {@link selectAuth}. */
  authType: AuthType;
  transport: HttpTransport;
  clock: Clock;
  logger: Logger;
  /** Defaults to the process-wide redactor. */
  redactor?: Redactor;
  /** Entra authority base for azure-oidc (default https://login.microsoftonline.com). */
  azureAuthority?: string;
}

/**
 * Returns the TokenProvider for `authType`. Step-token methods decode the token now and log
 * its policy claims; no network call happens until the first `getToken()`.
 * @throws PipeError ERR_OIDC_TOKEN_INVALID (undecodable step token), ERR_CONFIG_INVALID (an
 *   input selectAuth would have required is missing).
 */
export function createTokenProvider(options: CreateTokenProviderOptions): TokenProvider {
  const { config, authType, transport, clock } = options;
  const logger = options.logger.child('auth');
  const shared = { transport, clock, logger, ...(options.redactor === undefined ? {} : { redactor: options.redactor }) };
  switch (authType) {
    case 'bitbucket-oidc':
      return createBitbucketOidcProvider({
        ...shared,
        host: config.host,
        stepToken: required(config.oidcToken, 'BITBUCKET_STEP_OIDC_TOKEN', authType),
        ...(config.clientId === undefined || config.clientId === '' ? {} : { clientId: config.clientId }),
      });
    case 'oauth-m2m':
      return createOAuthM2mProvider({
        ...shared,
        host: config.host,
        clientId: required(config.clientId, 'DATABRICKS_CLIENT_ID', authType),
        clientSecret: required(config.clientSecret, 'DATABRICKS_CLIENT_SECRET', authType),
      });
    case 'pat':
      return createPatProvider({ ...shared, token: required(config.token, 'DATABRICKS_TOKEN', authType) });
    case 'azure-oidc':
      return createAzureOidcProvider({
        ...shared,
        tenantId: required(config.azureTenantId, 'AZURE_TENANT_ID', authType),
        clientId: required(config.azureClientId, 'AZURE_CLIENT_ID', authType),
        stepToken: required(config.oidcToken, 'BITBUCKET_STEP_OIDC_TOKEN', authType),
        ...(options.azureAuthority === undefined ? {} : { authority: options.azureAuthority }),
      });
  }
}

function required(value: string | undefined, variable: string, authType: AuthType): string {
  if (value !== undefined && value !== '') return value;
  throw new PipeError('ERR_CONFIG_INVALID', `${authType} authentication needs ${variable}`, {
    hint: `set ${variable}`,
  });
}

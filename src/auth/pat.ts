import type { Logger } from '../log/logger.js';
import { redactor as defaultRedactor, type Redactor } from '../log/redactor.js';
import { FEDERATION_RECIPE_LINK } from './diagnose.js';
import type { TokenProvider } from './types.js';

/** Inputs of the pat provider. */
export interface PatOptions {
  token: string;
  logger: Logger;
  redactor?: Redactor;
}

/**
 * Returns a TokenProvider for a personal access token: the token as given, never refreshed
 * (a 401 cannot be fixed by asking again, so `invalidate` does nothing). Warns once that a
 * long-lived secret in Bitbucket is what OIDC federation avoids.
 */
export function createPatProvider(options: PatOptions): TokenProvider {
  const redactor = options.redactor ?? defaultRedactor;
  redactor.register(options.token);
  options.logger.warn(
    'authenticating with DATABRICKS_TOKEN, a long-lived personal access token; prefer bitbucket-oidc ' +
      `(Bitbucket OIDC federation, no stored secret): see ${FEDERATION_RECIPE_LINK}`,
  );
  return {
    getToken: () => Promise.resolve(options.token),
    invalidate: () => undefined,
    credentialDeadline: () => undefined,
    identity: { authType: 'pat' },
  };
}

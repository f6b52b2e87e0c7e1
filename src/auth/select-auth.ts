import type { AuthType, Config } from '../config/types.js';
import { PipeError } from '../errors.js';
import type { Logger } from '../log/logger.js';

/** The parts of the configuration that decide the authentication method. */
export type AuthInputs = Pick<
  Config,
  'authType' | 'clientId' | 'clientSecret' | 'token' | 'azureTenantId' | 'azureClientId' | 'oidcToken'
>;

interface Requirement {
  variable: string;
  isPresent: (inputs: AuthInputs) => boolean;
}

const STEP_TOKEN: Requirement = {
  variable: 'BITBUCKET_STEP_OIDC_TOKEN',
  isPresent: (c) => isSet(c.oidcToken),
};

const REQUIREMENTS: Record<AuthType, readonly Requirement[]> = {
  'bitbucket-oidc': [STEP_TOKEN],
  'azure-oidc': [
    { variable: 'AZURE_TENANT_ID', isPresent: (c) => isSet(c.azureTenantId) },
    { variable: 'AZURE_CLIENT_ID', isPresent: (c) => isSet(c.azureClientId) },
    STEP_TOKEN,
  ],
  'oauth-m2m': [
    { variable: 'DATABRICKS_CLIENT_ID', isPresent: (c) => isSet(c.clientId) },
    { variable: 'DATABRICKS_CLIENT_SECRET', isPresent: (c) => isSet(c.clientSecret) },
  ],
  pat: [{ variable: 'DATABRICKS_TOKEN', isPresent: (c) => isSet(c.token) }],
};

// Explicit pipe variables, in the precedence order of DESIGN §7.3. DATABRICKS_CLIENT_ID is
// deliberately absent: it is also the optional client_id of the OIDC exchange.
const EXPLICIT_TRIGGERS: readonly { authType: AuthType; variable: string; key: keyof AuthInputs }[] = [
  { authType: 'oauth-m2m', variable: 'DATABRICKS_CLIENT_SECRET', key: 'clientSecret' },
  { authType: 'pat', variable: 'DATABRICKS_TOKEN', key: 'token' },
  { authType: 'azure-oidc', variable: 'AZURE_CLIENT_ID', key: 'azureClientId' },
];

const OIDC_STEP_HINT =
  'add `oidc: true` to the step so Bitbucket mints BITBUCKET_STEP_OIDC_TOKEN ' +
  '(or set DATABRICKS_CLIENT_ID and DATABRICKS_CLIENT_SECRET, or DATABRICKS_TOKEN)';

/**
 * Returns the authentication method to use (DESIGN §7.3): an explicit DATABRICKS_AUTH_TYPE
 * wins; otherwise exactly one explicit credential variable, else the step token.
 * Logs an info line when a step token is present but another method won.
 * @throws PipeError ERR_AUTH_CONFLICT (two explicit methods), ERR_CONFIG_INVALID (a method's
 *   inputs are missing), ERR_OIDC_TOKEN_MISSING (no credentials at all, or only the step
 *   token is missing).
 */
export function selectAuth(inputs: AuthInputs, logger?: Logger): AuthType {
  const isExplicit = inputs.authType !== 'auto';
  const authType = inputs.authType === 'auto' ? autoSelect(inputs) : inputs.authType;
  assertInputsPresent(authType, inputs);
  for (const t of EXPLICIT_TRIGGERS) {
    if (isExplicit && t.authType !== authType && isSet(inputs[t.key])) {
      logger?.info(`${t.variable} is set but not used: DATABRICKS_AUTH_TYPE is ${authType}`);
    }
  }
  if (isSet(inputs.oidcToken) && authType !== 'bitbucket-oidc' && authType !== 'azure-oidc') {
    logger?.info(`BITBUCKET_STEP_OIDC_TOKEN is present but not used: authenticating with ${authType}`);
  }
  return authType;
}

function autoSelect(inputs: AuthInputs): AuthType {
  const triggered = EXPLICIT_TRIGGERS.filter((t) => isSet(inputs[t.key]));
  if (triggered.length > 1) {
    const named = triggered.map((t) => `${t.variable} (${t.authType})`);
    throw new PipeError(
      'ERR_AUTH_CONFLICT',
      `more than one authentication method is configured: ${named.join(' and ')}`,
      { hint: 'remove all but one, or choose one with DATABRICKS_AUTH_TYPE' },
    );
  }
  const only = triggered[0];
  if (only !== undefined) return only.authType;
  if (isSet(inputs.oidcToken)) return 'bitbucket-oidc';
  throw new PipeError('ERR_OIDC_TOKEN_MISSING', 'no Databricks credentials: BITBUCKET_STEP_OIDC_TOKEN is not set', {
    hint: OIDC_STEP_HINT,
  });
}

function assertInputsPresent(authType: AuthType, inputs: AuthInputs): void {
  const missing = REQUIREMENTS[authType].filter((r) => !r.isPresent(inputs)).map((r) => r.variable);
  if (missing.length === 0) return;
  // A missing step token alone has its own code: the fix is in bitbucket-pipelines.yml.
  if (missing.length === 1 && missing[0] === STEP_TOKEN.variable) {
    throw new PipeError(
      'ERR_OIDC_TOKEN_MISSING',
      `${authType} needs BITBUCKET_STEP_OIDC_TOKEN, which is not set`,
      { hint: 'add `oidc: true` to the step so Bitbucket mints BITBUCKET_STEP_OIDC_TOKEN' },
    );
  }
  throw new PipeError('ERR_CONFIG_INVALID', `${authType} authentication needs ${missing.join(', ')}`, {
    details: missing.map((variable) => `${variable}: required for ${authType}`),
    hint: missing.includes(STEP_TOKEN.variable)
      ? `set ${missing.filter((v) => v !== STEP_TOKEN.variable).join(' and ')}, and add \`oidc: true\` to the step`
      : `set ${missing.join(' and ')}`,
  });
}

function isSet(value: string | undefined): value is string {
  return value !== undefined && value !== '';
}

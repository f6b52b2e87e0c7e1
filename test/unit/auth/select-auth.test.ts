import type { AuthType } from '../../../src/config/types.js';
import { isPipeError, type PipeErrorCode } from '../../../src/errors.js';
import { selectAuth, type AuthInputs } from '../../../src/auth/select-auth.js';
import { captureLogger } from './support/logs.js';

const STEP = 'step-token-value';
const base: AuthInputs = { authType: 'auto' };

interface Row {
  name: string;
  inputs: Partial<AuthInputs>;
  expected?: AuthType;
  code?: PipeErrorCode;
  /** Fragments the error message (or details) must name. */
  names?: string[];
  /** Text the logged info lines must contain (or, with `!`, must not). */
  info?: string;
}

const rows: Row[] = [
  {
    name: 'step token alone → bitbucket-oidc',
    inputs: { oidcToken: STEP },
    expected: 'bitbucket-oidc',
  },
  {
    name: 'step token + client id → bitbucket-oidc (client id selects nothing)',
    inputs: { oidcToken: STEP, clientId: 'sp-app-id' },
    expected: 'bitbucket-oidc',
  },
  {
    name: 'client id + secret → oauth-m2m, step token noted as unused',
    inputs: { clientId: 'sp', clientSecret: 's3cret', oidcToken: STEP },
    expected: 'oauth-m2m',
    info: 'BITBUCKET_STEP_OIDC_TOKEN is present but not used',
  },
  {
    name: 'PAT → pat, step token noted as unused',
    inputs: { token: 'dapi-pat', oidcToken: STEP },
    expected: 'pat',
    info: 'BITBUCKET_STEP_OIDC_TOKEN is present but not used',
  },
  {
    name: 'PAT without a step token → pat, no notice',
    inputs: { token: 'dapi-pat' },
    expected: 'pat',
    info: '!not used',
  },
  {
    name: 'azure client + tenant + step token → azure-oidc (the step token is its assertion)',
    inputs: { azureClientId: 'az', azureTenantId: 'tenant', oidcToken: STEP },
    expected: 'azure-oidc',
    info: '!not used',
  },
  {
    name: 'secret + PAT → conflict naming both',
    inputs: { clientId: 'sp', clientSecret: 's', token: 't' },
    code: 'ERR_AUTH_CONFLICT',
    names: ['DATABRICKS_CLIENT_SECRET', 'DATABRICKS_TOKEN'],
  },
  {
    name: 'PAT + azure client → conflict naming both',
    inputs: { token: 't', azureClientId: 'az', azureTenantId: 'tenant', oidcToken: STEP },
    code: 'ERR_AUTH_CONFLICT',
    names: ['DATABRICKS_TOKEN', 'AZURE_CLIENT_ID'],
  },
  {
    name: 'secret without client id → config invalid naming DATABRICKS_CLIENT_ID',
    inputs: { clientSecret: 's', oidcToken: STEP },
    code: 'ERR_CONFIG_INVALID',
    names: ['DATABRICKS_CLIENT_ID'],
  },
  {
    name: 'azure client without tenant → config invalid naming AZURE_TENANT_ID',
    inputs: { azureClientId: 'az', oidcToken: STEP },
    code: 'ERR_CONFIG_INVALID',
    names: ['AZURE_TENANT_ID'],
  },
  {
    name: 'azure without tenant and step token → config invalid naming both',
    inputs: { azureClientId: 'az' },
    code: 'ERR_CONFIG_INVALID',
    names: ['AZURE_TENANT_ID', 'BITBUCKET_STEP_OIDC_TOKEN'],
  },
  {
    name: 'azure without step token → token missing',
    inputs: { azureClientId: 'az', azureTenantId: 'tenant' },
    code: 'ERR_OIDC_TOKEN_MISSING',
    names: ['BITBUCKET_STEP_OIDC_TOKEN'],
  },
  {
    name: 'client id alone → nothing selected, token missing',
    inputs: { clientId: 'sp' },
    code: 'ERR_OIDC_TOKEN_MISSING',
    names: ['BITBUCKET_STEP_OIDC_TOKEN'],
  },
  { name: 'nothing at all → token missing', inputs: {}, code: 'ERR_OIDC_TOKEN_MISSING' },
  {
    name: 'empty strings count as unset',
    inputs: { token: '', clientSecret: '' },
    code: 'ERR_OIDC_TOKEN_MISSING',
  },
  {
    name: 'explicit pat wins over a secret, which is noted as unused',
    inputs: { authType: 'pat', token: 't', clientId: 'sp', clientSecret: 's' },
    expected: 'pat',
    info: 'DATABRICKS_CLIENT_SECRET is set but not used',
  },
  {
    name: 'explicit bitbucket-oidc wins over a PAT',
    inputs: { authType: 'bitbucket-oidc', token: 't', oidcToken: STEP },
    expected: 'bitbucket-oidc',
    info: 'DATABRICKS_TOKEN is set but not used',
  },
  {
    name: 'explicit bitbucket-oidc without step token → token missing',
    inputs: { authType: 'bitbucket-oidc', token: 't' },
    code: 'ERR_OIDC_TOKEN_MISSING',
    names: ['BITBUCKET_STEP_OIDC_TOKEN'],
  },
  {
    name: 'explicit oauth-m2m without secret → config invalid naming it',
    inputs: { authType: 'oauth-m2m', clientId: 'sp', oidcToken: STEP },
    code: 'ERR_CONFIG_INVALID',
    names: ['DATABRICKS_CLIENT_SECRET'],
  },
  {
    name: 'explicit pat without token → config invalid naming DATABRICKS_TOKEN',
    inputs: { authType: 'pat', oidcToken: STEP },
    code: 'ERR_CONFIG_INVALID',
    names: ['DATABRICKS_TOKEN'],
  },
  {
    name: 'explicit azure-oidc with everything → azure-oidc',
    inputs: { authType: 'azure-oidc', azureClientId: 'az', azureTenantId: 't', oidcToken: STEP },
    expected: 'azure-oidc',
  },
];

describe('selectAuth', () => {
  it.each(rows)('$name', ({ inputs, expected, code, names, info }) => {
    const { logger, capture } = captureLogger();
    let selected: AuthType | undefined;
    let error: unknown;
    try {
      selected = selectAuth({ ...base, ...inputs }, logger);
    } catch (e) {
      error = e;
    }
    if (code === undefined) {
      expect(error).toBeUndefined();
      expect(selected).toBe(expected);
    } else {
      expect(isPipeError(error, code)).toBe(true);
      const text = isPipeError(error) ? [error.message, ...error.details].join('\n') : '';
      for (const fragment of names ?? []) expect(text).toContain(fragment);
    }
    if (info?.startsWith('!') === true) expect(capture.text).not.toContain(info.slice(1));
    else if (info !== undefined) expect(capture.text).toContain(info);
  });

  it('says to add `oidc: true` when there are no credentials at all', () => {
    expect(() => selectAuth(base)).toThrow(
      expect.objectContaining({ hint: expect.stringContaining('oidc: true') }),
    );
  });
});

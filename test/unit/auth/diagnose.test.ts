import {
  diagnoseExchangeRefusal,
  exchangeRejectedError,
  type PolicyField,
} from '../../../src/auth/diagnose.js';
import type { StepTokenClaims } from '../../../src/auth/step-token.js';
import {
  BITBUCKET_AUDIENCE,
  BITBUCKET_ISSUER,
  ENVIRONMENT_UUID,
  REPOSITORY_UUID,
} from './support/step-tokens.js';

const NOW = Date.UTC(2026, 0, 15, 10, 0, 0);
const claims: StepTokenClaims = {
  iss: BITBUCKET_ISSUER,
  aud: BITBUCKET_AUDIENCE,
  sub: `${REPOSITORY_UUID}:{step}`,
  repositoryUuid: REPOSITORY_UUID,
  exp: NOW / 1000 + 3600,
};
// What Databricks (and the emulator) answer for every policy mismatch: it names no field.
const VAGUE = {
  error: 'invalid_client',
  error_description: 'Invalid credentials: the token did not match any federation policy.',
};

interface Row {
  name: string;
  body: unknown;
  clientId?: string;
  claims?: Partial<StepTokenClaims>;
  field: PolicyField;
  isInferred: boolean;
  /** The token's value the message must quote. */
  value?: string;
}

const rows: Row[] = [
  {
    name: 'vague refusal, no client_id → client_id',
    body: VAGUE,
    field: 'client_id',
    isInferred: true,
  },
  {
    name: 'invalid_client wording, no client_id → client_id',
    body: { error: 'invalid_client', error_description: 'Client authentication failed' },
    field: 'client_id',
    isInferred: true,
  },
  {
    name: 'vague refusal, custom audience → audiences with the token aud',
    body: VAGUE,
    clientId: 'sp-app',
    claims: { aud: 'databricks-account-123' },
    field: 'audiences',
    isInferred: true,
    value: 'databricks-account-123',
  },
  {
    name: 'vague refusal, foreign issuer → issuer with the token iss',
    body: VAGUE,
    clientId: 'sp-app',
    claims: { iss: 'https://idp.example.com/oidc' },
    field: 'issuer',
    isInferred: true,
    value: 'https://idp.example.com/oidc',
  },
  {
    name: 'vague refusal, Bitbucket-shaped token → subject_claim with repositoryUuid',
    body: VAGUE,
    clientId: 'sp-app',
    field: 'subject_claim',
    isInferred: true,
    value: REPOSITORY_UUID,
  },
  {
    name: 'wording names the audience',
    body: { error: 'invalid_grant', error_description: 'Token audience does not match' },
    clientId: 'sp-app',
    field: 'audiences',
    isInferred: false,
    value: BITBUCKET_AUDIENCE,
  },
  {
    name: 'wording names the issuer',
    body: { error: 'invalid_grant', error_description: 'Untrusted issuer' },
    clientId: 'sp-app',
    field: 'issuer',
    isInferred: false,
    value: BITBUCKET_ISSUER,
  },
  {
    name: 'wording names the subject',
    body: { error: 'invalid_grant', error_description: 'subject mismatch' },
    clientId: 'sp-app',
    field: 'subject_claim',
    isInferred: false,
    value: REPOSITORY_UUID,
  },
  {
    name: '"subject token" is not the subject claim',
    body: { error: 'invalid_request', error_description: 'The subject token is not a valid JWT.' },
    clientId: 'sp-app',
    field: 'subject_token',
    isInferred: false,
  },
  {
    name: 'wording says expired',
    body: { error: 'invalid_grant', error_description: 'The subject token has expired.' },
    field: 'exp',
    isInferred: false,
  },
  {
    name: 'unknown service principal',
    body: { error: 'invalid_client', error_description: 'Client sp-app not found' },
    clientId: 'sp-app',
    field: 'service_principal',
    isInferred: false,
    value: 'sp-app',
  },
  {
    name: 'text body, no client_id → client_id',
    body: '<html>Forbidden</html>',
    field: 'client_id',
    isInferred: true,
  },
];

describe('diagnoseExchangeRefusal', () => {
  it.each(rows)('$name', ({ body, clientId, claims: overrides, field, isInferred, value }) => {
    const refusal = {
      status: 401,
      body,
      claims: { ...claims, ...overrides },
      clientId,
      nowMs: NOW,
    };
    expect(diagnoseExchangeRefusal(refusal)).toMatchObject({ field, isInferred });
    const error = exchangeRejectedError(refusal);
    expect(error.code).toBe('ERR_TOKEN_EXCHANGE_REJECTED');
    expect(error.message).toContain(`most likely field: ${field}`);
    if (value !== undefined) expect(error.message).toContain(value);
    expect(error.hint).toContain('#federation-policy-recipe');
  });

  it('lists every value a policy is matched against, deployment variant included', () => {
    const error = exchangeRejectedError({
      status: 401,
      body: VAGUE,
      claims: { ...claims, deploymentEnvironmentUuid: ENVIRONMENT_UUID },
      clientId: undefined,
      nowMs: NOW,
    });
    const details = error.details.join('\n');
    for (const value of [
      BITBUCKET_ISSUER,
      BITBUCKET_AUDIENCE,
      REPOSITORY_UUID,
      ENVIRONMENT_UUID,
      'not sent',
    ]) {
      expect(details).toContain(value);
    }
    expect(error.api).toEqual({ status: 401, errorCode: 'invalid_client' });
  });
});

import {
  ENTRA_DEFAULT_AUDIENCE,
  azureRejectedError,
  diagnoseAzureRefusal,
  type AzureField,
} from '../../../src/auth/diagnose-azure.js';
import type { StepTokenClaims } from '../../../src/auth/step-token.js';
import { BITBUCKET_AUDIENCE, BITBUCKET_ISSUER, REPOSITORY_UUID } from './support/step-tokens.js';

const NOW = Date.UTC(2026, 0, 15, 10, 0, 0);
const SUB = `${REPOSITORY_UUID}:{step-1}`;
const claims: StepTokenClaims = {
  iss: BITBUCKET_ISSUER,
  aud: BITBUCKET_AUDIENCE,
  sub: SUB,
  exp: NOW / 1000 + 3600,
};
const entra = (codes: number[], description: string): unknown => ({
  error: 'invalid_request',
  error_description: description,
  error_codes: codes,
});

const rows: {
  name: string;
  body: unknown;
  aud?: string | string[];
  field: AzureField | undefined;
  value?: string;
}[] = [
  {
    name: 'AADSTS70021 with Bitbucket default audience → audience',
    body: entra(
      [70021],
      'AADSTS70021: No matching federated identity record found for presented assertion.',
    ),
    field: 'audience',
    value: BITBUCKET_AUDIENCE,
  },
  {
    name: 'AADSTS70021 with Entra audience requested → subject (changes every step)',
    body: entra(
      [70021],
      'AADSTS70021: No matching federated identity record found for presented assertion.',
    ),
    aud: [ENTRA_DEFAULT_AUDIENCE],
    field: 'subject',
    value: SUB,
  },
  {
    name: 'code only in the description text',
    body: {
      error: 'invalid_client',
      error_description:
        'AADSTS700211: No matching federated identity record found for presented assertion issuer',
    },
    field: 'issuer',
    value: BITBUCKET_ISSUER,
  },
  {
    name: 'AADSTS700213 → subject',
    body: entra([700213], 'subject'),
    field: 'subject',
    value: SUB,
  },
  {
    name: 'AADSTS700016 → client_id',
    body: entra([700016], 'app not found'),
    field: 'client_id',
    value: 'az-app',
  },
  {
    name: 'AADSTS90002 → tenant',
    body: entra([90002], 'tenant not found'),
    field: 'tenant',
    value: 'contoso',
  },
  {
    name: 'AADSTS700024 → exp',
    body: entra([700024], 'assertion not in valid time range'),
    field: 'exp',
  },
  { name: 'unknown code → no field', body: entra([50000], 'something else'), field: undefined },
];

describe('diagnoseAzureRefusal', () => {
  it.each(rows)('$name', ({ body, aud, field, value }) => {
    const refusal = {
      status: 400,
      body,
      claims: { ...claims, ...(aud === undefined ? {} : { aud }) },
      tenantId: 'contoso',
      clientId: 'az-app',
      nowMs: NOW,
    };
    expect(diagnoseAzureRefusal(refusal)).toBe(field);
    const error = azureRejectedError(refusal);
    expect(error.code).toBe('ERR_TOKEN_EXCHANGE_REJECTED');
    if (field !== undefined) expect(error.message).toContain(`most likely field: ${field}`);
    else expect(error.message).not.toContain('most likely');
    if (value !== undefined) expect(error.message).toContain(value);
    expect(error.details.join('\n')).toContain(SUB);
  });
});

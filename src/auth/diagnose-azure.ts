import { PipeError } from '../errors.js';
import { FEDERATION_RECIPE_LINK } from './diagnose.js';
import { audiencesOf, isoTime, stepTokenExpiresAt, type StepTokenClaims } from './step-token.js';
import { formatOAuthError, oauthErrorOf } from './token-request.js';

/** The audience Entra federated credentials expect by default. */
export const ENTRA_DEFAULT_AUDIENCE = 'api://AzureADTokenExchange';

/** A field of the Entra federated credential (or the request) that can cause a refusal. */
export type AzureField = 'issuer' | 'audience' | 'subject' | 'client_id' | 'tenant' | 'exp' | 'resource';

/** A refused Entra client-assertion request, with what the pipe sent. */
export interface AzureRefusal {
  status: number;
  body: unknown;
  claims: StepTokenClaims;
  tenantId: string;
  clientId: string;
  nowMs: number;
}

// AADSTS codes (learn.microsoft.com "Microsoft Entra authentication and authorization error codes").
const AADSTS_FIELDS: ReadonlyMap<number, AzureField> = new Map([
  [700211, 'issuer'],
  [700212, 'audience'],
  [700213, 'subject'],
  [700016, 'client_id'],
  [90002, 'tenant'],
  [900023, 'tenant'],
  [700024, 'exp'],
  [500011, 'resource'],
]);
// "No matching federated identity record found for presented assertion": field unknown.
const AADSTS_NO_MATCHING_CREDENTIAL = 70021;

/**
 * Returns the most likely mismatched field of an Entra refusal: from the AADSTS code when it
 * names one, else (AADSTS70021) the audience when the token lacks Entra's default audience,
 * else the subject, which Bitbucket changes every step.
 */
export function diagnoseAzureRefusal(refusal: AzureRefusal): AzureField | undefined {
  for (const code of aadstsCodes(refusal.body)) {
    const field = AADSTS_FIELDS.get(code);
    if (field !== undefined) return field;
    if (code === AADSTS_NO_MATCHING_CREDENTIAL) {
      return audiencesOf(refusal.claims).includes(ENTRA_DEFAULT_AUDIENCE) ? 'subject' : 'audience';
    }
  }
  return undefined;
}

/** Returns the ERR_TOKEN_EXCHANGE_REJECTED error for an Entra refusal, with token facts. */
export function azureRejectedError(refusal: AzureRefusal): PipeError {
  const oauth = oauthErrorOf(refusal.body);
  const field = diagnoseAzureRefusal(refusal);
  const likely = field === undefined ? '' : `; most likely field: ${field} — ${explain(field, refusal)}`;
  const { claims } = refusal;
  return new PipeError(
    'ERR_TOKEN_EXCHANGE_REJECTED',
    `entra id refused the federated credential (${formatOAuthError(refusal.status, oauth)})${likely}`,
    {
      details: [
        `token iss: ${claims.iss ?? '(absent)'}`,
        `token aud: ${audiencesOf(claims).join(', ') || '(absent)'}`,
        `token sub: ${claims.sub ?? '(absent)'}`,
        `token expires: ${isoTime(stepTokenExpiresAt(claims))}`,
        `AZURE_TENANT_ID: ${refusal.tenantId}`,
        `AZURE_CLIENT_ID: ${refusal.clientId}`,
      ],
      hint:
        "compare the app registration's federated credential with the values above; on Azure Databricks, " +
        `bitbucket-oidc with a Databricks federation policy avoids Entra's exact subject match: see ${FEDERATION_RECIPE_LINK}`,
      api: { status: refusal.status, ...(oauth.error === undefined ? {} : { errorCode: oauth.error }) },
    },
  );
}

function explain(field: AzureField, refusal: AzureRefusal): string {
  const { claims } = refusal;
  switch (field) {
    case 'issuer':
      return `the federated credential's issuer must equal the token's iss "${claims.iss ?? ''}"`;
    case 'audience':
      return (
        `the federated credential's audience must be one of the token's aud "${audiencesOf(claims).join(', ')}"; ` +
        `for Entra's default ${ENTRA_DEFAULT_AUDIENCE}, request it with \`oidc: { audiences: [${ENTRA_DEFAULT_AUDIENCE}] }\``
      );
    case 'subject':
      return (
        `Entra matches the subject exactly, but the token's sub "${claims.sub ?? ''}" changes every Bitbucket step, ` +
        'so a fixed federated credential cannot match it'
      );
    case 'client_id':
      return `AZURE_CLIENT_ID "${refusal.clientId}" is not an application in tenant "${refusal.tenantId}"`;
    case 'tenant':
      return `AZURE_TENANT_ID "${refusal.tenantId}" is not a known Entra tenant`;
    case 'exp':
      return `the step token expires at ${isoTime(stepTokenExpiresAt(claims))} (now ${isoTime(refusal.nowMs)})`;
    case 'resource':
      return 'the Azure Databricks application (2ff814a6-3304-4ab8-85cb-cd0e6f879c1d) is not present in the tenant';
  }
}

function aadstsCodes(body: unknown): number[] {
  const oauth = oauthErrorOf(body);
  const fromText = [...(oauth.description ?? '').matchAll(/AADSTS(\d+)/g)].map((m) => Number(m[1]));
  return [...oauth.codes, ...fromText];
}

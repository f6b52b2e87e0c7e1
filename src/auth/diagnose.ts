import { PipeError } from '../errors.js';
import { audiencesOf, isoTime, stepTokenExpiresAt, type StepTokenClaims } from './step-token.js';
import { formatOAuthError, oauthErrorOf, type OAuthError } from './token-request.js';

/** Where the README explains the policy; every refusal points there. */
export const FEDERATION_RECIPE_LINK = 'README.md#federation-policy-recipe';

/** A federation-policy field (or the exchange input) that can make Databricks refuse. */
export type PolicyField =
  | 'client_id'
  | 'audiences'
  | 'issuer'
  | 'subject_claim'
  | 'service_principal'
  | 'exp'
  | 'subject_token';

/** The most likely cause of a refusal: which field, and a sentence quoting the token's value. */
export interface Diagnosis {
  field: PolicyField;
  explanation: string;
  /** True when the server's wording named nothing and the field was inferred from the token. */
  isInferred: boolean;
}

/** A refused Databricks token exchange, with what the pipe sent. */
export interface ExchangeRefusal {
  status: number;
  body: unknown;
  claims: StepTokenClaims;
  /** The client_id sent, or undefined when none was (account-wide federation). */
  clientId: string | undefined;
  nowMs: number;
}

const BITBUCKET_AUDIENCE_PREFIX = 'ari:cloud:bitbucket::workspace/';
// The path is Bitbucket's; the origin is not checked so tokens of a local issuer qualify too.
const BITBUCKET_ISSUER_PATH = /\/2\.0\/workspaces\/[^/]+\/pipelines-config\/identity\/oidc$/;

// Server wording that names a field beats inference; the first match wins. A bare
// `invalid_client` names nothing: Databricks answers it for every policy mismatch.
const WORDING_RULES: readonly { pattern: RegExp; field: PolicyField }[] = [
  { pattern: /expired|\bexp\b|not yet valid|\bnbf\b/, field: 'exp' },
  { pattern: /not a valid jwt|malformed|could not be (parsed|decoded)/, field: 'subject_token' },
  { pattern: /audience|\baud\b/, field: 'audiences' },
  { pattern: /issuer|\biss\b|jwks|signing key|signature/, field: 'issuer' },
  { pattern: /\bsubject(?![ _]token)|\bsub\b/, field: 'subject_claim' },
  { pattern: /(service principal|client)\S*\s[^.]*(not found|unknown|does not exist|no such)/, field: 'service_principal' },
];

/**
 * Returns the policy field that most likely made Databricks refuse the exchange: from the
 * `error`/`error_description` wording when it names one, else inferred from the token and
 * from whether a client_id was sent.
 */
export function diagnoseExchangeRefusal(refusal: ExchangeRefusal): Diagnosis {
  const oauth = oauthErrorOf(refusal.body);
  const text = `${oauth.error ?? ''} ${oauth.description ?? ''}`.toLowerCase();
  const rule = WORDING_RULES.find((r) => r.pattern.test(text));
  if (rule !== undefined && !(rule.field === 'service_principal' && refusal.clientId === undefined)) {
    return { ...explain(rule.field, refusal), isInferred: false };
  }
  return { ...explain(inferField(refusal), refusal), isInferred: true };
}

/** Returns the ERR_TOKEN_EXCHANGE_REJECTED error for a refusal: diagnosis, token facts, hint. */
export function exchangeRejectedError(refusal: ExchangeRefusal): PipeError {
  const oauth: OAuthError = oauthErrorOf(refusal.body);
  const diagnosis = diagnoseExchangeRefusal(refusal);
  return new PipeError(
    'ERR_TOKEN_EXCHANGE_REJECTED',
    `databricks refused the token exchange (${formatOAuthError(refusal.status, oauth)}); ` +
      `most likely field: ${diagnosis.field}${diagnosis.isInferred ? ' (inferred from the token)' : ''} — ` +
      diagnosis.explanation,
    {
      details: tokenFacts(refusal),
      hint: `compare the federation policy with the values above; see ${FEDERATION_RECIPE_LINK}`,
      api: { status: refusal.status, ...(oauth.error === undefined ? {} : { errorCode: oauth.error }) },
    },
  );
}

/**
 * Returns what a matching service-principal policy must say, one line per field, quoting the
 * token's values: the checklist printed under every refusal.
 */
export function tokenFacts(refusal: Pick<ExchangeRefusal, 'claims' | 'clientId'>): string[] {
  const { claims } = refusal;
  const environment = claims.deploymentEnvironmentUuid;
  return [
    refusal.clientId === undefined
      ? "client_id: not sent — set DATABRICKS_CLIENT_ID to the service principal's application ID"
      : `client_id: sent ${refusal.clientId} — the policy must belong to this service principal`,
    `issuer: must equal the token's iss ${claims.iss ?? '(absent)'}`,
    `audiences: must include the token's aud ${audiencesOf(claims).join(', ') || '(absent)'}`,
    `subject_claim: repositoryUuid, subject: ${claims.repositoryUuid ?? '(absent)'}` +
      (environment === undefined ? '' : ` (or deploymentEnvironmentUuid, subject: ${environment})`),
    `token expires: ${isoTime(stepTokenExpiresAt(claims))}`,
  ];
}

function inferField(refusal: ExchangeRefusal): PolicyField {
  // Bitbucket tokens are almost always matched by service-principal policies, which need it.
  if (refusal.clientId === undefined) return 'client_id';
  const audiences = audiencesOf(refusal.claims);
  if (!audiences.some((a) => a.startsWith(BITBUCKET_AUDIENCE_PREFIX))) return 'audiences';
  if (refusal.claims.iss === undefined || !BITBUCKET_ISSUER_PATH.test(refusal.claims.iss)) return 'issuer';
  // A Bitbucket-shaped token leaves the policy side; `sub` is the usual mistake there.
  return 'subject_claim';
}

function explain(field: PolicyField, refusal: ExchangeRefusal): Omit<Diagnosis, 'isInferred'> {
  const { claims } = refusal;
  const quote = (value: string | undefined): string => (value === undefined ? '(absent)' : `"${value}"`);
  switch (field) {
    case 'client_id':
      return {
        field,
        explanation:
          'no client_id was sent; a service-principal federation policy needs DATABRICKS_CLIENT_ID set to the ' +
          "service principal's application ID",
      };
    case 'service_principal':
      return {
        field,
        explanation: `client_id "${refusal.clientId ?? ''}" is not the application ID of a service principal with a federation policy for this token`,
      };
    case 'audiences':
      return {
        field,
        explanation: `the policy's audiences must include the token's aud ${quote(audiencesOf(claims).join(', ') || undefined)}`,
      };
    case 'issuer':
      return { field, explanation: `the policy's issuer must equal the token's iss ${quote(claims.iss)} exactly` };
    case 'subject_claim':
      return { field, explanation: subjectExplanation(claims) };
    case 'exp':
      return {
        field,
        explanation: `the step token expires at ${isoTime(stepTokenExpiresAt(claims))} (now ${isoTime(refusal.nowMs)}); check for clock skew or re-run the step`,
      };
    case 'subject_token':
      return { field, explanation: 'Databricks could not read the step token; pass BITBUCKET_STEP_OIDC_TOKEN unchanged' };
  }
}

function subjectExplanation(claims: StepTokenClaims): string {
  const environment =
    claims.deploymentEnvironmentUuid === undefined
      ? ''
      : ` (or subject_claim "deploymentEnvironmentUuid" with subject "${claims.deploymentEnvironmentUuid}")`;
  return (
    `Bitbucket's sub changes every step, so the policy needs subject_claim "repositoryUuid" with subject ` +
    `"${claims.repositoryUuid ?? '(absent)'}"${environment}, braces included`
  );
}

import { FEDERATION_RECIPE_LINK } from './diagnose.js';
import { audiencesOf } from './step-token.js';

/** A Databricks service-principal federation policy body (reference §1.1). */
export interface FederationPolicy {
  oidc_policy: {
    issuer: string;
    audiences: string[];
    subject_claim: 'repositoryUuid' | 'deploymentEnvironmentUuid';
    subject: string;
  };
  description: string;
}

/** One policy that would match the current step token, ready to paste. */
export interface PolicySuggestion {
  kind: 'repository' | 'deployment-environment';
  /** One sentence: who the policy lets in. */
  summary: string;
  policy: FederationPolicy;
  /** The Databricks CLI command that creates it (account admin, SP numeric id to fill in). */
  cliCommand: string;
}

/** The policies matching the token, and notes on anything that prevents or weakens them. */
export interface PolicyDescription {
  suggestions: PolicySuggestion[];
  notes: string[];
}

/** Context for describePolicy's notes and descriptions (all optional). */
export interface DescribePolicyOptions {
  /** DATABRICKS_CLIENT_ID; without it the exchange is account-wide and these policies are unused. */
  clientId?: string;
  /** BITBUCKET_REPO_FULL_NAME, for the description only. */
  repoFullName?: string;
  /** BITBUCKET_DEPLOYMENT_ENVIRONMENT, for the description only. */
  deploymentEnvironment?: string;
}

const SP_ID_PLACEHOLDER = '<service-principal-numeric-id>';

/**
 * Returns the service-principal federation policies that would accept the current step
 * token: one bound to the repository (`subject_claim: repositoryUuid`) and, on deployment
 * steps, a stricter one bound to the deployment environment. `sub` is never used: Bitbucket
 * changes it every step. Takes the claims as decoded (e.g. `provider.identity.claims`).
 */
export function describePolicy(
  claims: Readonly<Record<string, unknown>>,
  options: DescribePolicyOptions = {},
): PolicyDescription {
  const notes: string[] = [];
  const issuer = stringClaim(claims, 'iss');
  const audiences = audiencesOf({ aud: audienceClaim(claims) });
  if (issuer === undefined) notes.push('the step token has no iss claim; no policy can match it');
  if (audiences.length === 0) notes.push('the step token has no aud claim; no policy can match it');
  if (options.clientId === undefined || options.clientId === '') {
    notes.push(
      "set DATABRICKS_CLIENT_ID to the service principal's application ID: without it the exchange is " +
        'account-wide and a service-principal policy is not consulted',
    );
  }
  if (issuer === undefined || audiences.length === 0) return { suggestions: [], notes };
  const suggestions: PolicySuggestion[] = [];
  const repository = stringClaim(claims, 'repositoryUuid');
  const environment = stringClaim(claims, 'deploymentEnvironmentUuid');
  const repoName = options.repoFullName ?? repository ?? 'this repository';
  if (repository !== undefined) {
    const policy = build(issuer, audiences, 'repositoryUuid', repository, `Bitbucket Pipelines of ${repoName}`);
    suggestions.push(suggestion('repository', `any step of ${repoName}`, policy, 'bitbucket-repository'));
  } else {
    notes.push('the step token has no repositoryUuid claim');
  }
  if (environment !== undefined) {
    const name = options.deploymentEnvironment ?? environment;
    const description = `Bitbucket deployment environment ${name} of ${repoName}`;
    const policy = build(issuer, audiences, 'deploymentEnvironmentUuid', environment, description);
    suggestions.push(
      suggestion('deployment-environment', `only deployment steps to ${name}`, policy, 'bitbucket-deployment'),
    );
  }
  return { suggestions, notes };
}

/** Returns the description as printable lines (dry run), JSON bodies on one line each. */
export function formatPolicyDescription(description: PolicyDescription): string[] {
  const lines: string[] = [];
  for (const s of description.suggestions) {
    lines.push(`federation policy (${s.kind}: ${s.summary}):`, `  ${JSON.stringify(s.policy)}`, `  ${s.cliCommand}`);
  }
  for (const note of description.notes) lines.push(`note: ${note}`);
  if (lines.length > 0) lines.push(`see ${FEDERATION_RECIPE_LINK}`);
  return lines;
}

function build(
  issuer: string,
  audiences: string[],
  subjectClaim: FederationPolicy['oidc_policy']['subject_claim'],
  subject: string,
  description: string,
): FederationPolicy {
  return { oidc_policy: { issuer, audiences, subject_claim: subjectClaim, subject }, description };
}

function suggestion(
  kind: PolicySuggestion['kind'],
  summary: string,
  policy: FederationPolicy,
  policyId: string,
): PolicySuggestion {
  // POSIX single quoting: an apostrophe (possible in an environment name) becomes '\''.
  const json = JSON.stringify(policy).replace(/'/g, "'\\''");
  const cliCommand =
    `databricks account service-principal-federation-policy create ${SP_ID_PLACEHOLDER} ` +
    `--policy-id ${policyId} --json '${json}'`;
  return { kind, summary, policy, cliCommand };
}

function stringClaim(claims: Readonly<Record<string, unknown>>, name: string): string | undefined {
  const value = claims[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function audienceClaim(claims: Readonly<Record<string, unknown>>): string | string[] | undefined {
  const aud = claims['aud'];
  if (typeof aud === 'string') return aud;
  if (Array.isArray(aud)) return aud.filter((a): a is string => typeof a === 'string');
  return undefined;
}

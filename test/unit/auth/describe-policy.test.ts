import { describePolicy, formatPolicyDescription } from '../../../src/auth/describe-policy.js';
import {
  BITBUCKET_AUDIENCE,
  BITBUCKET_ISSUER,
  ENVIRONMENT_UUID,
  REPOSITORY_UUID,
  stepClaims,
} from './support/step-tokens.js';

const NOW = Date.UTC(2026, 0, 15, 10, 0, 0);

describe('describePolicy', () => {
  it('returns the repository policy: subject_claim repositoryUuid, never sub', () => {
    const { suggestions, notes } = describePolicy(stepClaims(NOW), {
      clientId: 'sp-app',
      repoFullName: 'acme/churn',
    });
    expect(notes).toEqual([]);
    expect(suggestions).toHaveLength(1);
    expect(suggestions[0]?.policy.oidc_policy).toEqual({
      issuer: BITBUCKET_ISSUER,
      audiences: [BITBUCKET_AUDIENCE],
      subject_claim: 'repositoryUuid',
      subject: REPOSITORY_UUID,
    });
    expect(suggestions[0]?.cliCommand).toMatch(
      /^databricks account service-principal-federation-policy create <service-principal-numeric-id> --policy-id bitbucket-repository --json '\{.*\}'$/,
    );
  });

  it('adds the stricter deployment-environment policy on a deployment step', () => {
    const claims = stepClaims(NOW, { deploymentEnvironmentUuid: ENVIRONMENT_UUID });
    const { suggestions } = describePolicy(claims, {
      clientId: 'sp',
      deploymentEnvironment: "Prod's",
    });
    expect(suggestions.map((s) => s.kind)).toEqual(['repository', 'deployment-environment']);
    const strict = suggestions[1];
    expect(strict?.policy.oidc_policy).toMatchObject({
      subject_claim: 'deploymentEnvironmentUuid',
      subject: ENVIRONMENT_UUID,
    });
    // The apostrophe in the environment name survives POSIX single quoting.
    expect(strict?.cliCommand).toContain("Prod'\\''s");
  });

  it.each([
    {
      name: 'no client id',
      claims: stepClaims(NOW),
      clientId: undefined,
      note: 'DATABRICKS_CLIENT_ID',
      count: 1,
    },
    {
      name: 'no issuer',
      claims: stepClaims(NOW, { iss: undefined }),
      clientId: 'sp',
      note: 'no iss claim',
      count: 0,
    },
    {
      name: 'no audience',
      claims: stepClaims(NOW, { aud: undefined }),
      clientId: 'sp',
      note: 'no aud claim',
      count: 0,
    },
    {
      name: 'no repositoryUuid',
      claims: stepClaims(NOW, { repositoryUuid: undefined }),
      clientId: 'sp',
      note: 'no repositoryUuid',
      count: 0,
    },
  ])('notes $name', ({ claims, clientId, note, count }) => {
    const description = describePolicy(claims, clientId === undefined ? {} : { clientId });
    expect(description.notes.join('\n')).toContain(note);
    expect(description.suggestions).toHaveLength(count);
  });

  it('formats the policies as lines with one JSON body each and the recipe link', () => {
    const lines = formatPolicyDescription(describePolicy(stepClaims(NOW), { clientId: 'sp' }));
    expect(lines[0]).toContain('federation policy (repository');
    expect(JSON.parse(lines[1] ?? '')).toHaveProperty('oidc_policy.subject', REPOSITORY_UUID);
    expect(lines.at(-1)).toContain('#federation-policy-recipe');
  });
});

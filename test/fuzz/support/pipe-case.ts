/**
 * Whole-pipe cases: a generated environment, without credentials or with canaries planted in
 * every credential variable, optionally a plan file in the clone dir. Step tokens come from a
 * fixed pool (fixed at load, so the process-wide redactor's set stays small over 1,000 runs).
 */
import fc from 'fast-check';
import { fakeStepToken } from '../../support/canary.js';
import { envCase, groundedEnvCase } from './env.js';
import { planCase } from './plans.js';
import { validishPlanCase } from './valid-plans.js';

/** Whether a case plants credentials (the canaries) or none at all. */
export type Credentials = 'none' | 'canaries';

/** One whole-pipe case. */
export interface PipeCase {
  env: Record<string, string>;
  credentials: Credentials;
  /** Planted as BITBUCKET_STEP_OIDC_TOKEN in `canaries` mode. */
  stepToken: string;
  /** Written to `<clone>/plan.yml` (ACTIONS_FILE) when set. */
  planFile?: string;
  /** Overrides the canaries' DATABRICKS_AUTH_TYPE. */
  authType?: string;
}

function jwt(claims: Record<string, unknown>, tag: string): string {
  const part = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'RS256', typ: 'JWT' })}.${part({ ...claims, fz: tag })}.${Buffer.from(`fz-signature-${tag}-0123456789`).toString('base64url')}`;
}

const NOW_S = Math.floor(Date.now() / 1000);
/** Step tokens the pipe must handle: valid-looking, expired, claimless, hostile, not a JWT. */
export const STEP_TOKEN_POOL: readonly string[] = [
  fakeStepToken(Date.now(), 'fz-pool'),
  jwt({ iss: 'https://api.bitbucket.org/x', exp: NOW_S - 60, iat: NOW_S - 3700 }, 'expired'),
  jwt({ iss: 'https://api.bitbucket.org/x' }, 'no-exp'),
  jwt({ exp: String(NOW_S + 3600) }, 'string-exp'),
  jwt(
    {
      iss: '{{ env.DATABRICKS_TOKEN }}',
      exp: NOW_S + 3600,
      repositoryUuid: '\u001b[31m{x}',
      aud: ['a', 7],
    },
    'hostile-claims',
  ),
  'fz-not-a-jwt-step-token-5e1b',
  'eyJub3QiOiJqc29uIn0.eyJicm9rZW4.fz-broken-signature-77aa',
];

/** Returns whole-pipe cases: generated environments, half of them grounded. */
export function pipeCase(): fc.Arbitrary<PipeCase> {
  // Half the cases pass validation, so that they reach authentication and the dry run.
  const env = fc.oneof(envCase(), groundedEnvCase());
  return fc
    .record(
      {
        env,
        credentials: fc.constantFrom<Credentials>('none', 'canaries'),
        // The first token is valid-looking: it gets past decoding to the (refused) exchange.
        stepToken: fc.oneof(
          { weight: 3, arbitrary: fc.constant(STEP_TOKEN_POOL[0] as string) },
          { weight: 2, arbitrary: fc.constantFrom(...STEP_TOKEN_POOL) },
        ),
        // Now and then a plan file, from either generator: mostly valid-looking, or anything.
        planFile: fc.oneof(
          { weight: 4, arbitrary: fc.constant(undefined) },
          { weight: 1, arbitrary: fc.oneof(validishPlanCase(), planCase()).map((c) => c.text) },
        ),
        authType: fc.constantFrom(
          'bitbucket-oidc',
          'pat',
          'pat',
          'oauth-m2m',
          'azure-oidc',
          'auto',
        ),
      },
      { requiredKeys: ['env', 'credentials', 'stepToken', 'planFile'] },
    )
    .map(
      ({ planFile, ...rest }) =>
        (planFile === undefined ? rest : { ...rest, planFile }) as PipeCase,
    );
}

/**
 * Environment generators: every pipe variable set, unset, wrong or hostile; Bitbucket's own
 * variables with injection attempts (an attacker names the branch); misspelt and secret-named
 * extras; proxies with passwords. The values themselves come from env-values.ts.
 */
import fc from 'fast-check';
import { VARIABLE_NAMES } from '../../../src/config/schema.js';
import { planCase } from './plans.js';
import { validishPlanCase } from './valid-plans.js';
import {
  BOOLEAN,
  CREDENTIAL_NAMES,
  DURATION,
  HOSTS,
  PATH,
  PROXY,
  ROOT,
  VALID_PROXY,
  SECRET,
} from './env-values.js';
import { hostileString, INJECTIONS } from './strings.js';

export { CREDENTIAL_NAMES, REFUSED_SECRETS, ROOT, SECRET_POOL } from './env-values.js';

/** Values per variable; any variable may also get a hostile string. */
const BY_VARIABLE: Record<string, fc.Arbitrary<string>> = {
  DATABRICKS_HOST: HOSTS,
  DATABRICKS_AUTH_TYPE: fc.constantFrom(
    'auto',
    'bitbucket-oidc',
    'PAT',
    'oauth-m2m',
    'azure-oidc',
    'basic',
    '',
  ),
  DATABRICKS_CLIENT_ID: fc.oneof(fc.uuid(), hostileString()),
  DATABRICKS_CLIENT_SECRET: SECRET,
  DATABRICKS_TOKEN: SECRET,
  AZURE_TENANT_ID: fc.oneof(fc.uuid(), hostileString()),
  AZURE_CLIENT_ID: fc.oneof(fc.uuid(), hostileString()),
  ACTIONS: planCase().map((c) => c.text),
  ACTIONS_FILE: PATH,
  DRY_RUN: BOOLEAN,
  WAIT_TIMEOUT: DURATION,
  RESULTS_FILE: PATH,
  AUDIT_FILE: PATH,
  CODE_INSIGHTS: BOOLEAN,
  PROVENANCE_TAGS: BOOLEAN,
  OUTPUT_VARIABLES: BOOLEAN,
  ON_ORPHAN: fc.constantFrom('reconnect', 'Cancel', 'ignore', 'kill', ''),
  DEBUG: BOOLEAN,
};

/** Bitbucket's variables: the branch, tag and deployment names are attacker-controlled. */
const BITBUCKET = fc.record(
  {
    BITBUCKET_COMMIT: fc.oneof(fc.stringMatching(/^[0-9a-f]{40}$/), hostileString()),
    BITBUCKET_BRANCH: fc.oneof(
      fc.constantFrom(
        'main',
        '{{env.DATABRICKS_TOKEN}}',
        'feature/{{ env.DATABRICKS_CLIENT_SECRET }}',
      ),
      hostileString(),
    ),
    BITBUCKET_TAG: fc.constantFrom(...INJECTIONS),
    BITBUCKET_REPO_FULL_NAME: fc.constantFrom(
      'acme/churn',
      'acme/{{ env.BITBUCKET_STEP_OIDC_TOKEN }}',
    ),
    BITBUCKET_PIPELINE_UUID: fc.uuid().map((u) => `{${u}}`),
    BITBUCKET_STEP_UUID: fc.uuid().map((u) => `{${u}}`),
    BITBUCKET_BUILD_NUMBER: fc.constantFrom('42', '-1', '{{ env.DATABRICKS_TOKEN }}'),
    BITBUCKET_DEPLOYMENT_ENVIRONMENT: hostileString(),
    BITBUCKET_GIT_HTTP_ORIGIN: fc.constantFrom(
      'http://bitbucket.org/acme/churn',
      'http://evil.example/{{ env.DATABRICKS_TOKEN }}',
    ),
    BITBUCKET_PIPELINES_VARIABLES_PATH: PATH,
    BITBUCKET_PIPE_SHARED_STORAGE_DIR: PATH,
  },
  { requiredKeys: [] },
);

/** Misspelt variables and secret-named extras (a secret there must be masked too). */
const EXTRA_VALUES: Record<string, fc.Arbitrary<string>> = {
  DATABRICKS_TOKN: SECRET,
  DATABRICKS_CLIENT_SECRT: SECRET,
  DATABRICK_HOST: HOSTS,
  ACTION: hostileString(),
  dry_run: BOOLEAN,
  MY_API_KEY: SECRET,
  DEPLOY_PASSWORD: SECRET,
  https_proxy: PROXY,
  HTTPS_PROXY: PROXY,
  NO_PROXY: fc.constantFrom('*', '127.0.0.1,localhost', '.databricks.com', ''),
  MODEL: fc.constantFrom('ml_prod.churn.classifier'),
  INJECTED: fc.constantFrom(...INJECTIONS),
  WHICH_VAR: fc.constant('DATABRICKS_TOKEN'),
};
// A few extras per case: each unknown name costs the pipe a typo search over every variable.
function extras(names: readonly string[]): fc.Arbitrary<Record<string, string>> {
  return fc
    .subarray([...names], { maxLength: 4 })
    .chain((picked) =>
      fc.tuple(
        ...picked.map((n) => (EXTRA_VALUES[n] as fc.Arbitrary<string>).map((v) => [n, v] as const)),
      ),
    )
    .map((entries) => Object.fromEntries(entries));
}
const EXTRAS = extras(Object.keys(EXTRA_VALUES));
// Extras that never make a configuration invalid (a proxy may).
const HARMLESS_EXTRAS = extras(Object.keys(EXTRA_VALUES).filter((n) => !/proxy/i.test(n)));

/** Variables that pass validation, so that a case reaches authentication and the dry run. */
const GROUNDED = fc.record(
  {
    DATABRICKS_HOST: fc.constantFrom(
      'https://dbc-fuzz.cloud.databricks.com',
      'https://adb-1.2.azuredatabricks.net/?o=1',
      'http://127.0.0.1:9',
    ),
    ACTIONS: validishPlanCase().map((c) => c.text),
    DRY_RUN: fc.constantFrom('true', 'false'),
    DEBUG: fc.constantFrom('true', 'false'),
    WAIT_TIMEOUT: fc.constantFrom('30m', '2h'),
    OUTPUT_VARIABLES: fc.constantFrom('true', 'false'),
    RESULTS_FILE: fc.constantFrom('out/results.json', '../results.json'),
    AUDIT_FILE: fc.constantFrom('out/audit.jsonl', `${ROOT}/audit.jsonl`),
    // Both spellings may be set; the pipe reads one (lower-case wins, as curl does).
    https_proxy: VALID_PROXY,
    HTTPS_PROXY: VALID_PROXY,
    NO_PROXY: fc.constant('*'),
  },
  { requiredKeys: ['DATABRICKS_HOST', 'ACTIONS', 'DRY_RUN'] },
);

// Credential variables hold pool secrets only, so that a leak check cannot mistake text the
// user wrote elsewhere (the same injection string in two variables) for a secret.
const VARIABLES = fc.record(
  Object.fromEntries(
    VARIABLE_NAMES.map((name) => {
      const values = BY_VARIABLE[name] ?? hostileString();
      const arbitrary = CREDENTIAL_NAMES.has(name)
        ? values
        : fc.oneof({ weight: 6, arbitrary: values }, { weight: 1, arbitrary: hostileString() });
      return [name, arbitrary];
    }),
  ),
  { requiredKeys: [] },
);

/** An environment with ROOT placeholders in its paths; see {@link materialize}. */
export function envCase(): fc.Arbitrary<Record<string, string>> {
  return fc
    .tuple(VARIABLES, BITBUCKET, EXTRAS)
    .map(([vars, bitbucket, extras]) => ({ ...bitbucket, ...extras, ...vars }));
}

/** Returns the environment with ROOT replaced by `root`. */
export function materialize(
  env: Readonly<Record<string, string>>,
  root: string,
): Record<string, string> {
  return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v.split(ROOT).join(root)]));
}

/** An environment that passes validation, with hostile Bitbucket variables and extras. */
export function groundedEnvCase(): fc.Arbitrary<Record<string, string>> {
  return fc
    .tuple(GROUNDED, BITBUCKET, HARMLESS_EXTRAS)
    .map(([vars, bitbucket, extra]) => ({ ...bitbucket, ...extra, ...vars }));
}

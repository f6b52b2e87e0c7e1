import type { Config } from '../../../src/config/types.js';
import { BASE, CWD, load, type Env } from './support.js';

const HOUR_MS = 3_600_000;

interface ValidCase {
  name: string;
  env: Env;
  expected: Partial<Record<keyof Config, unknown>>;
}

const VALID: ValidCase[] = [
  {
    name: 'minimal variables get every default',
    env: {},
    expected: {
      host: 'https://dbc-1234abcd-5678.cloud.databricks.com',
      authType: 'auto',
      dryRun: false,
      waitTimeoutMs: HOUR_MS,
      resultsFile: `${CWD}/databricks-ml-pipe/results.json`,
      auditFile: `${CWD}/databricks-ml-pipe/audit.jsonl`,
      codeInsights: false,
      provenanceTags: true,
      outputVariables: false,
      onOrphan: 'reconnect',
      debug: false,
    },
  },
  {
    name: 'host trailing slash dropped',
    env: { DATABRICKS_HOST: 'https://dbc-1.cloud.databricks.com/' },
    expected: { host: 'https://dbc-1.cloud.databricks.com' },
  },
  {
    name: 'host trailing slashes dropped',
    env: { DATABRICKS_HOST: 'https://dbc-1.cloud.databricks.com///' },
    expected: { host: 'https://dbc-1.cloud.databricks.com' },
  },
  {
    name: 'host case and whitespace normalised',
    env: { DATABRICKS_HOST: '  https://DBC-1.Cloud.Databricks.com \n' },
    expected: { host: 'https://dbc-1.cloud.databricks.com' },
  },
  {
    name: 'host keeps a non-default port',
    env: { DATABRICKS_HOST: 'https://ws.example.com:8443' },
    expected: { host: 'https://ws.example.com:8443' },
  },
  {
    name: 'host drops the default https port',
    env: { DATABRICKS_HOST: 'https://ws.example.com:443/' },
    expected: { host: 'https://ws.example.com' },
  },
  {
    name: 'http allowed for localhost',
    env: { DATABRICKS_HOST: 'http://localhost:8080' },
    expected: { host: 'http://localhost:8080' },
  },
  {
    name: 'http allowed for 127.0.0.1',
    env: { DATABRICKS_HOST: 'http://127.0.0.1:41234/' },
    expected: { host: 'http://127.0.0.1:41234' },
  },
  {
    name: 'http allowed anywhere in 127.0.0.0/8',
    env: { DATABRICKS_HOST: 'http://127.8.9.10' },
    expected: { host: 'http://127.8.9.10' },
  },
  {
    name: 'http allowed for [::1]',
    env: { DATABRICKS_HOST: 'http://[::1]:9000' },
    expected: { host: 'http://[::1]:9000' },
  },
  { name: 'DRY_RUN TRUE (any case)', env: { DRY_RUN: 'TRUE' }, expected: { dryRun: true } },
  { name: 'DRY_RUN yes', env: { DRY_RUN: 'yes' }, expected: { dryRun: true } },
  { name: 'DEBUG 1', env: { DEBUG: '1' }, expected: { debug: true } },
  {
    name: 'PROVENANCE_TAGS No',
    env: { PROVENANCE_TAGS: 'No' },
    expected: { provenanceTags: false },
  },
  { name: 'CODE_INSIGHTS 0', env: { CODE_INSIGHTS: '0' }, expected: { codeInsights: false } },
  {
    name: 'OUTPUT_VARIABLES true',
    env: { OUTPUT_VARIABLES: ' true ' },
    expected: { outputVariables: true },
  },
  { name: 'WAIT_TIMEOUT 30s', env: { WAIT_TIMEOUT: '30s' }, expected: { waitTimeoutMs: 30_000 } },
  {
    name: 'WAIT_TIMEOUT 20m',
    env: { WAIT_TIMEOUT: '20m' },
    expected: { waitTimeoutMs: 1_200_000 },
  },
  {
    name: 'WAIT_TIMEOUT 2h',
    env: { WAIT_TIMEOUT: '2h' },
    expected: { waitTimeoutMs: 2 * HOUR_MS },
  },
  {
    name: 'WAIT_TIMEOUT 1h30m',
    env: { WAIT_TIMEOUT: '1h30m' },
    expected: { waitTimeoutMs: 1.5 * HOUR_MS },
  },
  {
    name: 'WAIT_TIMEOUT plain seconds',
    env: { WAIT_TIMEOUT: '90' },
    expected: { waitTimeoutMs: 90_000 },
  },
  {
    name: 'WAIT_TIMEOUT upper bound 48h',
    env: { WAIT_TIMEOUT: '48H' },
    expected: { waitTimeoutMs: 48 * HOUR_MS },
  },
  {
    name: 'DATABRICKS_AUTH_TYPE pat (any case)',
    env: { DATABRICKS_AUTH_TYPE: 'PAT' },
    expected: { authType: 'pat' },
  },
  {
    name: 'DATABRICKS_AUTH_TYPE bitbucket-oidc',
    env: { DATABRICKS_AUTH_TYPE: 'bitbucket-oidc' },
    expected: { authType: 'bitbucket-oidc' },
  },
  {
    name: 'DATABRICKS_AUTH_TYPE azure-oidc',
    env: { DATABRICKS_AUTH_TYPE: 'azure-oidc' },
    expected: { authType: 'azure-oidc' },
  },
  {
    name: 'DATABRICKS_AUTH_TYPE oauth-m2m',
    env: { DATABRICKS_AUTH_TYPE: ' oauth-m2m ' },
    expected: { authType: 'oauth-m2m' },
  },
  { name: 'ON_ORPHAN Cancel', env: { ON_ORPHAN: 'Cancel' }, expected: { onOrphan: 'cancel' } },
  { name: 'ON_ORPHAN ignore', env: { ON_ORPHAN: 'ignore' }, expected: { onOrphan: 'ignore' } },
  {
    name: 'ACTIONS_FILE resolves against BITBUCKET_CLONE_DIR and keeps its display path',
    env: { BITBUCKET_CLONE_DIR: '/opt/atlassian/pipelines/agent/build' },
    expected: {
      plan: {
        kind: 'file',
        variable: 'ACTIONS_FILE',
        path: '/opt/atlassian/pipelines/agent/build/.databricks/release.yml',
        displayPath: '.databricks/release.yml',
      },
    },
  },
  {
    name: 'absolute ACTIONS_FILE is kept',
    env: { ACTIONS_FILE: '/plans/release.yml' },
    expected: {
      plan: {
        kind: 'file',
        variable: 'ACTIONS_FILE',
        path: '/plans/release.yml',
        displayPath: '/plans/release.yml',
      },
    },
  },
  {
    name: 'ACTIONS is kept verbatim, indentation included',
    env: { ACTIONS_FILE: undefined, ACTIONS: '  - run_job:\n      job: 1\n' },
    expected: {
      plan: { kind: 'inline', variable: 'ACTIONS', text: '  - run_job:\n      job: 1\n' },
    },
  },
  {
    name: 'relative BITBUCKET_CLONE_DIR resolves against cwd',
    env: { BITBUCKET_CLONE_DIR: 'build', RESULTS_FILE: 'out/r.json' },
    expected: {
      resultsFile: `${CWD}/build/out/r.json`,
      auditFile: `${CWD}/build/databricks-ml-pipe/audit.jsonl`,
    },
  },
  {
    name: 'absolute AUDIT_FILE is kept',
    env: { AUDIT_FILE: '/var/audit.jsonl' },
    expected: { auditFile: '/var/audit.jsonl' },
  },
  {
    name: 'empty and blank values count as unset',
    env: { DRY_RUN: '', WAIT_TIMEOUT: '   ', ACTIONS: '', DATABRICKS_TOKEN: '', ON_ORPHAN: '' },
    expected: { dryRun: false, waitTimeoutMs: HOUR_MS, onOrphan: 'reconnect', token: undefined },
  },
  {
    name: 'credentials are trimmed',
    env: { DATABRICKS_CLIENT_ID: ' 1b2c-sp ', DATABRICKS_CLIENT_SECRET: 'dose0123456789abcdef\n' },
    expected: { clientId: '1b2c-sp', clientSecret: 'dose0123456789abcdef' },
  },
  {
    name: 'azure and step-token inputs',
    env: {
      AZURE_TENANT_ID: 'contoso.onmicrosoft.com',
      AZURE_CLIENT_ID: 'a1-b2',
      BITBUCKET_STEP_OIDC_TOKEN: 'eyJhbGciOi.eyJzdWIiOi.sig',
    },
    expected: {
      azureTenantId: 'contoso.onmicrosoft.com',
      azureClientId: 'a1-b2',
      oidcToken: 'eyJhbGciOi.eyJzdWIiOi.sig',
    },
  },
];

describe('loadConfig: valid variables', () => {
  it.each(VALID)('$name', ({ env, expected }) => {
    const { config } = load({ ...BASE, ...env });
    for (const [key, value] of Object.entries(expected)) {
      expect(config[key as keyof Config]).toEqual(value);
    }
  });
});

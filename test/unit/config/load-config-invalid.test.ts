import { BASE, loadError, type Env } from './support.js';

interface InvalidCase {
  name: string;
  env: Env;
  /** The variable the single problem line must start with. */
  variable: string;
  /** Text the problem must contain (what would be valid). */
  mentions?: string;
}

const INVALID: InvalidCase[] = [
  {
    name: 'host without scheme gets an https hint',
    env: { DATABRICKS_HOST: 'dbc-1.cloud.databricks.com/' },
    variable: 'DATABRICKS_HOST',
    mentions: 'use https://dbc-1.cloud.databricks.com',
  },
  {
    name: 'host:port without scheme',
    env: { DATABRICKS_HOST: 'localhost:8080' },
    variable: 'DATABRICKS_HOST',
    mentions: 'use https://localhost:8080',
  },
  {
    name: 'http refused for a public host',
    env: { DATABRICKS_HOST: 'http://example.com' },
    variable: 'DATABRICKS_HOST',
    mentions: 'use https://example.com',
  },
  {
    name: 'http refused for a localhost look-alike',
    env: { DATABRICKS_HOST: 'http://localhost.evil.example' },
    variable: 'DATABRICKS_HOST',
    mentions: 'loopback',
  },
  {
    name: 'http refused outside 127.0.0.0/8',
    env: { DATABRICKS_HOST: 'http://128.0.0.1' },
    variable: 'DATABRICKS_HOST',
    mentions: 'loopback',
  },
  {
    name: 'other schemes refused',
    env: { DATABRICKS_HOST: 'ftp://files.example.com' },
    variable: 'DATABRICKS_HOST',
    mentions: 'https://files.example.com',
  },
  {
    name: 'scheme without host',
    env: { DATABRICKS_HOST: 'https://' },
    variable: 'DATABRICKS_HOST',
    mentions: 'https://dbc-1234abcd-5678',
  },
  {
    name: 'unparsable URL',
    env: { DATABRICKS_HOST: 'https://exa mple.com' },
    variable: 'DATABRICKS_HOST',
    mentions: 'not a valid URL',
  },
  {
    name: 'credentials in the host are refused',
    env: { DATABRICKS_HOST: 'https://me:pw@dbc-1.cloud.databricks.com' },
    variable: 'DATABRICKS_HOST',
    mentions: '(value hidden)',
  },
  {
    name: 'DRY_RUN maybe',
    env: { DRY_RUN: 'maybe' },
    variable: 'DRY_RUN',
    mentions: "'maybe' is not a boolean; use true or false",
  },
  {
    name: 'DEBUG on is not a boolean word',
    env: { DEBUG: 'on' },
    variable: 'DEBUG',
    mentions: 'true or false',
  },
  {
    name: 'PROVENANCE_TAGS misspelt',
    env: { PROVENANCE_TAGS: 'ture' },
    variable: 'PROVENANCE_TAGS',
  },
  { name: 'CODE_INSIGHTS 2', env: { CODE_INSIGHTS: '2' }, variable: 'CODE_INSIGHTS' },
  { name: 'OUTPUT_VARIABLES y', env: { OUTPUT_VARIABLES: 'y' }, variable: 'OUTPUT_VARIABLES' },
  {
    name: 'WAIT_TIMEOUT in days',
    env: { WAIT_TIMEOUT: '3d' },
    variable: 'WAIT_TIMEOUT',
    mentions: '1h30m',
  },
  {
    name: 'WAIT_TIMEOUT zero',
    env: { WAIT_TIMEOUT: '0' },
    variable: 'WAIT_TIMEOUT',
    mentions: 'from 1s to 48h',
  },
  {
    name: 'WAIT_TIMEOUT 0s',
    env: { WAIT_TIMEOUT: '0s' },
    variable: 'WAIT_TIMEOUT',
    mentions: 'out of range',
  },
  {
    name: 'WAIT_TIMEOUT above 48h',
    env: { WAIT_TIMEOUT: '48h1s' },
    variable: 'WAIT_TIMEOUT',
    mentions: 'from 1s to 48h',
  },
  { name: 'WAIT_TIMEOUT fractional', env: { WAIT_TIMEOUT: '1.5h' }, variable: 'WAIT_TIMEOUT' },
  { name: 'WAIT_TIMEOUT negative', env: { WAIT_TIMEOUT: '-5' }, variable: 'WAIT_TIMEOUT' },
  {
    name: 'WAIT_TIMEOUT units out of order',
    env: { WAIT_TIMEOUT: '30m1h' },
    variable: 'WAIT_TIMEOUT',
  },
  { name: 'WAIT_TIMEOUT unit alone', env: { WAIT_TIMEOUT: 'h' }, variable: 'WAIT_TIMEOUT' },
  {
    name: 'DATABRICKS_AUTH_TYPE unknown lists the valid ones',
    env: { DATABRICKS_AUTH_TYPE: 'oidc' },
    variable: 'DATABRICKS_AUTH_TYPE',
    mentions: 'auto, bitbucket-oidc, azure-oidc, oauth-m2m, pat',
  },
  {
    name: 'DATABRICKS_AUTH_TYPE SDK name',
    env: { DATABRICKS_AUTH_TYPE: 'env-oidc' },
    variable: 'DATABRICKS_AUTH_TYPE',
  },
  {
    name: 'DATABRICKS_AUTH_TYPE near miss',
    env: { DATABRICKS_AUTH_TYPE: 'bitbucket_oidc' },
    variable: 'DATABRICKS_AUTH_TYPE',
    mentions: 'did you mean bitbucket-oidc?',
  },
  {
    name: 'ON_ORPHAN unknown',
    env: { ON_ORPHAN: 'kill' },
    variable: 'ON_ORPHAN',
    mentions: 'reconnect, cancel, ignore',
  },
  {
    name: 'both plan sources',
    env: { ACTIONS: '- run_job: {job: 1}' },
    variable: 'ACTIONS, ACTIONS_FILE',
    mentions: 'both are set',
  },
  {
    name: 'neither plan source',
    env: { ACTIONS_FILE: '' },
    variable: 'ACTIONS, ACTIONS_FILE',
    mentions: 'neither is set',
  },
  {
    name: 'ACTIONS_FILE with a line break',
    env: { ACTIONS_FILE: 'a.yml\nb.yml' },
    variable: 'ACTIONS_FILE',
    mentions: "'a.yml\\nb.yml'",
  },
  {
    name: 'RESULTS_FILE with NUL',
    env: { RESULTS_FILE: 'r\u0000.json' },
    variable: 'RESULTS_FILE',
  },
  {
    name: 'DATABRICKS_TOKEN with a space inside',
    env: { DATABRICKS_TOKEN: 'dapi 0123456789' },
    variable: 'DATABRICKS_TOKEN',
    mentions: '(value hidden)',
  },
  {
    name: 'DATABRICKS_CLIENT_SECRET with a line break inside',
    env: { DATABRICKS_CLIENT_SECRET: 'abc\ndef' },
    variable: 'DATABRICKS_CLIENT_SECRET',
    mentions: '(value hidden)',
  },
  {
    name: 'HTTPS_PROXY not a URL',
    env: { HTTPS_PROXY: 'proxy example' },
    variable: 'HTTPS_PROXY',
    mentions: 'http://proxy.example.com:3128',
  },
  {
    name: 'https_proxy with an unsupported scheme',
    env: { https_proxy: 'socks5://proxy:1080' },
    variable: 'https_proxy',
  },
];

describe('loadConfig: invalid variables', () => {
  it.each(INVALID)('$name', ({ env, variable, mentions }) => {
    const error = loadError({ ...BASE, ...env });
    expect(error.code).toBe('ERR_CONFIG_INVALID');
    expect(error.details).toHaveLength(1);
    const [line] = error.details;
    expect(line?.startsWith(`${variable}: `)).toBe(true);
    if (mentions !== undefined) expect(line).toContain(mentions);
  });
});

/**
 * Golden output: the exact words a user reads for the main configuration mistakes, so any
 * change to them is a visible diff in review (STYLE §14).
 */
import { loadError } from './support.js';

const HINT =
  "fix the pipe's `variables:` in bitbucket-pipelines.yml (README's Variables table describes " +
  'each one); nothing was changed';

describe('configuration error text', () => {
  it('no variables at all', () => {
    const error = loadError({});
    expect({ message: error.message, hint: error.hint, details: error.details }).toEqual({
      message: 'invalid pipe variables (2 problems)',
      hint: HINT,
      details: [
        'DATABRICKS_HOST: required but not set; set it, e.g. https://dbc-1234abcd-5678.cloud.databricks.com',
        'ACTIONS, ACTIONS_FILE: neither is set; set exactly one: ACTIONS (the plan as YAML text) or ACTIONS_FILE (the path of a YAML file holding it)',
      ],
    });
  });

  it('one mistake in every kind of variable', () => {
    const error = loadError({
      DATABRICKS_HOST: 'http://dbc-1.cloud.databricks.com/?o=1',
      DATABRICKS_AUTH_TYPE: 'bitbucket_oidc',
      DATABRICKS_TOKEN: 'dapi0123 456',
      ACTIONS: '[]',
      ACTIONS_FILE: 'x.yml',
      DRY_RUN: 'maybe',
      WAIT_TIMEOUT: '3d',
      ON_ORPHAN: 'kill',
      HTTPS_PROXY: 'socks5://proxy:1080',
    });
    expect({ message: error.message, details: error.details }).toEqual({
      message: 'invalid pipe variables (8 problems)',
      details: [
        "DATABRICKS_HOST: 'http://dbc-1.cloud.databricks.com/?o=1' uses plain http://, allowed only for loopback hosts (localhost, 127.0.0.0/8, [::1]); use https://dbc-1.cloud.databricks.com",
        "DATABRICKS_AUTH_TYPE: 'bitbucket_oidc' is not valid; did you mean bitbucket-oidc? (use one of auto, bitbucket-oidc, azure-oidc, oauth-m2m, pat)",
        'DATABRICKS_TOKEN: (value hidden) contains whitespace or a line break; set the secured variable to the value alone',
        'ACTIONS, ACTIONS_FILE: both are set; set exactly one: ACTIONS (the plan as YAML text) or ACTIONS_FILE (the path of a YAML file holding it)',
        "DRY_RUN: 'maybe' is not a boolean; use true or false (or yes/no, 1/0)",
        "WAIT_TIMEOUT: '3d' is not a duration; use e.g. 30s, 20m, 2h, 1h30m or plain seconds (90)",
        "ON_ORPHAN: 'kill' is not valid; use one of reconnect, cancel, ignore",
        "HTTPS_PROXY: 'socks5://proxy:1080' is not an http:// or https:// proxy URL; use e.g. http://proxy.example.com:3128",
      ],
    });
  });
});

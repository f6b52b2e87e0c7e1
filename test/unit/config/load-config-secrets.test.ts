import { Redactor } from '../../../src/log/redactor.js';
import { BASE, load, loadError } from './support.js';

describe('loadConfig: secrets', () => {
  const CANARY = 'canary-5ecret-4f1e9b';

  it('never echoes a secret value in any error text', () => {
    const env = {
      DATABRICKS_HOST: `dbc-1.cloud.databricks.com`,
      DATABRICKS_TOKEN: `${CANARY} trailing`,
      DATABRICKS_CLIENT_SECRET: `${CANARY}\nsecond-line`,
      BITBUCKET_STEP_OIDC_TOKEN: CANARY,
      HTTPS_PROXY: `http://user:${CANARY}@proxy :3128`,
      DATABRICKS_TOKNE: CANARY,
    };
    const error = loadError(env);
    expect(error.details.length).toBeGreaterThanOrEqual(4);
    const everything = JSON.stringify({
      message: error.message,
      hint: error.hint,
      details: error.details,
      stack: error.stack,
    });
    expect(everything).not.toContain('canary');
    expect(error.details.filter((line) => line.includes('(value hidden)'))).toHaveLength(3);
  });

  it('never echoes a secret in warnings, notices or the env snapshot of a valid config', () => {
    const loaded = load({
      ...BASE,
      DATABRICKS_HOST: 'https://adb-1.azuredatabricks.net/?o=1',
      DATABRICKS_TOKEN: CANARY,
      DATABRICKS_CLIENT_SECRT: CANARY,
      BITBUCKET_STEP_OIDC_TOKEN: CANARY,
      MY_API_TOKEN: CANARY,
    });
    const visible = JSON.stringify({
      warnings: loaded.warnings,
      notices: loaded.notices,
      env: loaded.config.env,
    });
    expect(visible).not.toContain('canary');
    expect(loaded.warnings).toContain(
      'DATABRICKS_CLIENT_SECRT is not a variable of this pipe; did you mean DATABRICKS_CLIENT_SECRET?',
    );
  });

  it.each([
    { name: 'DATABRICKS_TOKEN', env: { DATABRICKS_TOKEN: `${CANARY}-pat` } },
    { name: 'DATABRICKS_CLIENT_SECRET', env: { DATABRICKS_CLIENT_SECRET: `${CANARY}-m2m` } },
    { name: 'BITBUCKET_STEP_OIDC_TOKEN', env: { BITBUCKET_STEP_OIDC_TOKEN: `${CANARY}-oidc` } },
    { name: 'a misspelt secret variable', env: { DATABRICKS_TOKN: `${CANARY}-typo` } },
    { name: 'any secret-named variable', env: { HF_TOKEN: `${CANARY}-other` } },
    {
      name: 'a proxy password',
      env: { HTTPS_PROXY: `http://me:${CANARY}-proxy@proxy.example.com:3128` },
    },
  ])('registers $name with the redactor the moment it is read', ({ env }) => {
    const redactor = new Redactor();
    load({ ...BASE, ...env }, redactor);
    const secret = (Object.values(env)[0] as string).match(/canary-[\w-]+/)?.[0] as string;
    expect(redactor.redact(`value=${secret}`)).toBe('value=***');
  });

  it('registers secrets even when the variables are invalid', () => {
    const redactor = new Redactor();
    loadError({ DATABRICKS_TOKEN: CANARY }, redactor);
    expect(redactor.redact(CANARY)).toBe('***');
  });

  it('leaves blank and non-secret variables unregistered', () => {
    const redactor = new Redactor();
    load({ ...BASE, DATABRICKS_CLIENT_ID: 'sp-application-id', DATABRICKS_TOKEN: '  ' }, redactor);
    expect(redactor.redact('sp-application-id')).toBe('sp-application-id');
  });
});

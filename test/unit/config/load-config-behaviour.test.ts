import { BASE, CWD, load, loadError } from './support.js';

describe('loadConfig: every problem at once', () => {
  it('lists the missing host and the missing plan source together when nothing is set', () => {
    const error = loadError({});
    expect(error.code).toBe('ERR_CONFIG_INVALID');
    expect(error.details).toHaveLength(2);
    expect(error.details[0]).toMatch(/^DATABRICKS_HOST: required but not set/);
    expect(error.details[1]).toMatch(/^ACTIONS, ACTIONS_FILE: neither is set/);
    expect(error.message).toContain('2 problems');
  });

  it('reports six independent problems in one error, in the schema order', () => {
    const error = loadError({
      WAIT_TIMEOUT: 'forever',
      DRY_RUN: 'maybe',
      DATABRICKS_HOST: 'http://example.com',
      ACTIONS: 'x',
      ACTIONS_FILE: 'y',
      ON_ORPHAN: 'kill',
      DATABRICKS_AUTH_TYPE: 'oidc',
    });
    expect(error.details.map((line) => line.split(':')[0])).toEqual([
      'DATABRICKS_HOST',
      'DATABRICKS_AUTH_TYPE',
      'ACTIONS, ACTIONS_FILE',
      'DRY_RUN',
      'WAIT_TIMEOUT',
      'ON_ORPHAN',
    ]);
  });

  it('also reports network problems with the variable problems', () => {
    const error = loadError({ DRY_RUN: 'maybe', HTTPS_PROXY: 'not a url' });
    expect(error.details.map((line) => line.split(':')[0])).toEqual([
      'DATABRICKS_HOST',
      'ACTIONS, ACTIONS_FILE',
      'DRY_RUN',
      'HTTPS_PROXY',
    ]);
  });
});

describe('loadConfig: unknown variables', () => {
  it.each([
    { name: 'transposed letters', variable: 'DATABRICKS_HOTS', suggestion: 'DATABRICKS_HOST' },
    {
      name: 'missing underscore',
      variable: 'DATABRICKS_CLIENTID',
      suggestion: 'DATABRICKS_CLIENT_ID',
    },
    { name: 'lower case', variable: 'databricks_auth_type', suggestion: 'DATABRICKS_AUTH_TYPE' },
    { name: 'pipe variable one edit away', variable: 'ACTION_FILE', suggestion: 'ACTIONS_FILE' },
    { name: 'DRYRUN', variable: 'DRYRUN', suggestion: 'DRY_RUN' },
  ])('suggests the variable meant by $name ($variable)', ({ variable, suggestion }) => {
    const { warnings } = load({ ...BASE, [variable]: 'x' });
    expect(warnings).toEqual([
      `${variable} is not a variable of this pipe; did you mean ${suggestion}?`,
    ]);
  });

  it('says an unknown DATABRICKS_ name with no close match is ignored', () => {
    expect(load({ ...BASE, DATABRICKS_WAREHOUSE_ID: 'w' }).warnings).toEqual([
      'DATABRICKS_WAREHOUSE_ID is not a variable of this pipe and is ignored',
    ]);
  });

  it('stays quiet about unrelated and Bitbucket variables', () => {
    const env = {
      ...BASE,
      PATH: '/usr/bin',
      HOME: '/root',
      DEBUGGER: 'x',
      BITBUCKET_COMMIT: 'abc',
      BITBUCKET_BRANCHES: 'x',
    };
    expect(load(env).warnings).toEqual([]);
  });

  it('points a missing required variable at its likely typo', () => {
    const error = loadError({ ACTIONS: '[]', DATABRICKS_HOTS: 'https://x.example.com' });
    expect(error.details).toEqual([
      expect.stringMatching(
        /^DATABRICKS_HOST: required but not set \(DATABRICKS_HOTS is set: a typo\?\)/,
      ),
    ]);
  });
});

describe('loadConfig: host origin notice (DESIGN §7.13)', () => {
  it.each([
    {
      name: "Azure's ?o= query",
      host: 'https://adb-123.4.azuredatabricks.net/?o=123',
      dropped: "'?o=123'",
    },
    {
      name: 'a path',
      host: 'https://dbc-1.cloud.databricks.com/browse/folders/1',
      dropped: "'/browse/folders/1'",
    },
    {
      name: 'path, query and fragment',
      host: 'https://dbc-1.cloud.databricks.com/x?y=1#z',
      dropped: "'/x?y=1#z'",
    },
  ])('keeps the origin of a host with $name and says so', ({ host, dropped }) => {
    const { config, notices } = load({ ...BASE, DATABRICKS_HOST: host });
    expect(config.host).toBe(new URL(host).origin);
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatch(/^DATABRICKS_HOST: using https:\/\//);
    expect(notices[0]).toContain(dropped);
  });

  it('has nothing to say about a bare host with a trailing slash', () => {
    expect(
      load({ ...BASE, DATABRICKS_HOST: 'https://dbc-1.cloud.databricks.com/' }).notices,
    ).toEqual([]);
  });
});

describe('loadConfig: frozen result', () => {
  it('freezes the config and everything in it', () => {
    const loaded = load({ ...BASE, BITBUCKET_COMMIT: 'abc', HTTPS_PROXY: 'http://proxy:3128' });
    const { config } = loaded;
    for (const part of [
      loaded,
      loaded.warnings,
      config,
      config.plan,
      config.bitbucket,
      config.network,
      config.env,
    ]) {
      expect(Object.isFrozen(part)).toBe(true);
    }
    expect(() => {
      (config as { dryRun: boolean }).dryRun = true;
    }).toThrow(TypeError);
    expect(() => {
      (config.bitbucket as { commit?: string }).commit = 'forged';
    }).toThrow(TypeError);
  });

  it('leaves the caller’s environment record untouched', () => {
    const env = { ...BASE, DRY_RUN: '' };
    load(env);
    expect(env).toEqual({ ...BASE, DRY_RUN: '' });
    expect(Object.isFrozen(env)).toBe(false);
  });
});

describe('loadConfig: env snapshot and cross-variable warnings', () => {
  it('keeps set, non-secret values for {{ env.X }} templates', () => {
    const { env } = load({
      ...BASE,
      MODEL_NAME: 'churn',
      EMPTY: '',
      DATABRICKS_TOKEN: 'dapi0123456789abcdef',
    }).config;
    expect(env['MODEL_NAME']).toBe('churn');
    expect(env).not.toHaveProperty('EMPTY');
    expect(env).not.toHaveProperty('DATABRICKS_TOKEN');
  });

  it('warns when OUTPUT_VARIABLES or CODE_INSIGHTS cannot take effect outside Pipelines', () => {
    const { warnings } = load({ ...BASE, OUTPUT_VARIABLES: 'true', CODE_INSIGHTS: 'yes' });
    expect(warnings.map((w) => w.split(' ')[0])).toEqual(['OUTPUT_VARIABLES', 'CODE_INSIGHTS']);
  });

  it('does not warn when Pipelines provides what they need', () => {
    const env = {
      ...BASE,
      OUTPUT_VARIABLES: 'true',
      CODE_INSIGHTS: 'true',
      BITBUCKET_PIPELINES_VARIABLES_PATH: '/tmp/vars',
      BITBUCKET_COMMIT: 'abc',
      BITBUCKET_REPO_FULL_NAME: 'acme/churn',
    };
    expect(load(env).warnings).toEqual([]);
  });

  it('uses cwd as the clone dir outside Pipelines', () => {
    expect(load(BASE).config.bitbucket.cloneDir).toBe(CWD);
  });
});

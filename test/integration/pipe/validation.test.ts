import { runPipe, forbiddenTransport } from '../../support/run-pipe.js';

const HOST = 'https://dbc-1234abcd-5678.cloud.databricks.com';

describe('validation before any network call', () => {
  it.each([
    {
      name: 'no variables at all',
      env: {},
      expected: ['DATABRICKS_HOST', 'ACTIONS, ACTIONS_FILE'],
    },
    {
      name: 'broken YAML',
      env: { DATABRICKS_HOST: HOST, ACTIONS: '- run_job: {job: x\n- set_alias: [' },
      expected: ['ACTIONS:'],
    },
    {
      name: 'misspelt action',
      env: { DATABRICKS_HOST: HOST, ACTIONS: '- run_jobb:\n    job: churn-training\n' },
      expected: ['run_job'],
    },
    {
      name: 'forward reference',
      env: {
        DATABRICKS_HOST: HOST,
        ACTIONS:
          '- id: promote\n  set_alias: {name: a.b.c, alias: champion, version: "{{ register.version }}"}\n' +
          '- id: register\n  register_model: {name: a.b.c, source: "runs:/1/model"}\n',
      },
      expected: ['promote', 'register'],
    },
    {
      name: 'plain http to a public host',
      env: { DATABRICKS_HOST: 'http://example.com', ACTIONS: '- run_job: {job: x}' },
      expected: ['DATABRICKS_HOST', 'https://example.com'],
    },
  ])('$name exits 2, names the problem and sends nothing', async ({ env, expected }) => {
    const transport = forbiddenTransport();
    const run = await runPipe({ env, transport });
    expect(run.exitCode).toBe(2);
    expect(transport.sent).toEqual([]);
    const verdict = run.output.slice(run.output.indexOf('✖'));
    for (const text of expected) expect(verdict).toContain(text);
    expect(run.output).not.toMatch(/\n\s+at .+\(.+:\d+:\d+\)/); // no stack trace
  });

  it('writes a results file even when the variables are invalid', async () => {
    const run = await runPipe({ env: {} });
    const { readFile } = await import('node:fs/promises');
    const results = JSON.parse(
      await readFile(`${run.cloneDir}/databricks-ml-pipe/results.json`, 'utf8'),
    ) as { status: string; exit_code: number };
    expect(results).toMatchObject({ status: 'invalid', exit_code: 2 });
  });
});

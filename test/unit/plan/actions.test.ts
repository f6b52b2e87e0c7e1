import { ACTIONS, getAction, isActionType } from '../../../src/actions/registry.js';
import { ACTION_TYPES, type ActionType } from '../../../src/plan/types.js';
import { createActionAjv } from '../../../src/plan/action-ajv.js';
import { thrown } from './plan-kit.js';

type Spec = Record<string, unknown>;

/** Returns the JSON pointers of the problems an action's validate() finds. */
function pointers(type: ActionType, spec: Spec): string[] {
  return (getAction(type).validate?.(spec) ?? []).map((line) => line.slice(0, line.indexOf(': ')));
}

describe('action registry', () => {
  it('registers exactly the action types of the plan, each under its own key', () => {
    expect(Object.keys(ACTIONS).sort()).toEqual([...ACTION_TYPES].sort());
    for (const type of ACTION_TYPES) expect(getAction(type).type).toBe(type);
  });

  it('refuses an unknown type as an internal error', () => {
    expect(isActionType('run_jobb')).toBe(false);
    expect(thrown(() => getAction('run_jobb')).code).toBe('ERR_INTERNAL');
  });

  it.each([
    {
      name: 'run_job',
      outputs: ['run_id', 'run_page_url', 'result_state', 'task_outputs'],
      wait: ['result_state', 'task_outputs'],
    },
    {
      name: 'submit_run',
      outputs: ['run_id', 'run_page_url', 'result_state', 'task_outputs'],
      wait: ['result_state', 'task_outputs'],
    },
    { name: 'register_model', outputs: ['version', 'run_id', 'source'], wait: [] },
    { name: 'set_alias', outputs: ['previous_version'], wait: [] },
    { name: 'transition_stage', outputs: ['previous_stage'], wait: [] },
    { name: 'tag_run', outputs: ['run_ids'], wait: [] },
  ] as const)('$name declares the outputs of DESIGN §3', ({ name, outputs, wait }) => {
    const action = getAction(name);
    expect(action.outputs).toEqual(outputs);
    expect(action.waitOutputs ?? []).toEqual(wait);
  });

  it.each(ACTION_TYPES.map((type) => ({ name: type })))(
    '$name has a valid JSON Schema with a description on every field',
    ({ name }) => {
      const { schema } = getAction(name);
      expect(() => createActionAjv({ validateSchema: true }).compile(schema)).not.toThrow();
      const properties = schema['properties'] as Record<string, Spec>;
      const undescribed = Object.keys(properties).filter(
        (k) => typeof properties[k]?.['description'] !== 'string',
      );
      expect(undescribed).toEqual([]);
      expect(schema['additionalProperties']).toBe(false);
    },
  );

  it.each([
    {
      name: 'run_job without wait',
      type: 'run_job',
      spec: { job: 1, wait: true },
      isNoWait: false,
    },
    {
      name: 'run_job with wait: false',
      type: 'run_job',
      spec: { job: 1, wait: false },
      isNoWait: true,
    },
    {
      name: 'submit_run with wait: false',
      type: 'submit_run',
      spec: { wait: false },
      isNoWait: true,
    },
  ] as const)('isNoWait: $name', ({ type, spec, isNoWait }) => {
    expect(getAction(type).isNoWait?.(spec)).toBe(isNoWait);
  });
});

describe('action validate()', () => {
  it.each([
    {
      name: 'run_job: job_parameters with legacy params',
      type: 'run_job',
      spec: { job: 1, job_parameters: {}, python_params: [] },
      at: ['/job_parameters'],
    },
    {
      name: 'run_job: jar_params with notebook_params',
      type: 'run_job',
      spec: { job: 1, jar_params: [], notebook_params: {} },
      at: ['/jar_params'],
    },
    {
      name: 'run_job: legacy params over 10,000 bytes',
      type: 'run_job',
      spec: { job: 1, notebook_params: { a: 'x'.repeat(10_000) } },
      at: ['/notebook_params'],
    },
    {
      name: 'run_job: non-ASCII python_params',
      type: 'run_job',
      spec: { job: 1, python_params: ['ok', 'naïve'] },
      at: ['/python_params/1'],
    },
    {
      name: 'run_job: timeout without waiting',
      type: 'run_job',
      spec: { job: 1, wait: false, timeout: '1h' },
      at: ['/timeout'],
    },
    {
      name: 'run_job: valid',
      type: 'run_job',
      spec: { job: 'x', job_parameters: { a: '1' }, wait: true, timeout: '1h' },
      at: [],
    },
    { name: 'submit_run: neither tasks nor spec_file', type: 'submit_run', spec: {}, at: [''] },
    {
      name: 'submit_run: both tasks and spec_file',
      type: 'submit_run',
      spec: { tasks: [{ task_key: 'a' }], spec_file: 'f.yml' },
      at: [''],
    },
    {
      name: 'submit_run: fields the pipe sets',
      type: 'submit_run',
      spec: { spec_file: 'f', timeout_seconds: 1, idempotency_token: 'x' },
      at: ['/timeout_seconds', '/idempotency_token'],
    },
    {
      name: 'submit_run: unknown git provider',
      type: 'submit_run',
      spec: { spec_file: 'f', git_source: { git_url: 'u', git_provider: 'svn', git_commit: 'c' } },
      at: ['/git_source/git_provider'],
    },
    {
      name: 'submit_run: git provider in any case',
      type: 'submit_run',
      spec: { spec_file: 'f', git_source: { git_url: 'u', git_provider: 'GITLAB', git_tag: 'v1' } },
      at: [],
    },
    {
      name: 'submit_run: no git reference',
      type: 'submit_run',
      spec: { spec_file: 'f', git_source: { git_url: 'u', git_provider: 'gitHub' } },
      at: ['/git_source'],
    },
    {
      name: 'submit_run: git_source auto',
      type: 'submit_run',
      spec: { spec_file: 'f', git_source: 'auto' },
      at: [],
    },
    {
      name: 'submit_run: duplicate task, unknown dependency and environment',
      type: 'submit_run',
      spec: {
        tasks: [
          { task_key: 'a', environment_key: 'gpu' },
          { task_key: 'a', depends_on: [{ task_key: 'z' }] },
        ],
        environments: [{ environment_key: 'cpu' }],
      },
      at: ['/tasks/0/environment_key', '/tasks/1/task_key', '/tasks/1/depends_on/0/task_key'],
    },
    {
      name: 'register_model: neither source nor from_run',
      type: 'register_model',
      spec: { name: 'm' },
      at: [''],
    },
    {
      name: 'register_model: both',
      type: 'register_model',
      spec: { name: 'm', source: 'runs:/a/m', from_run: { experiment: 'e' } },
      at: [''],
    },
    {
      name: 'register_model: runs URI without a path',
      type: 'register_model',
      spec: { name: 'm', source: 'runs:/abc' },
      at: ['/source'],
    },
    {
      name: 'register_model: templated runs URI',
      type: 'register_model',
      spec: { name: 'm', source: 'runs:/{{ env.RUN }}' },
      at: [],
    },
    {
      name: 'register_model: other URI',
      type: 'register_model',
      spec: { name: 'm', source: 'dbfs:/models/m' },
      at: [],
    },
    {
      name: 'set_alias: latest',
      type: 'set_alias',
      spec: { name: 'm', alias: 'Latest', version: 1 },
      at: ['/alias'],
    },
    {
      name: 'set_alias: version-like alias',
      type: 'set_alias',
      spec: { name: 'm', alias: 'v12', version: 1 },
      at: ['/alias'],
    },
    {
      name: 'set_alias: valid',
      type: 'set_alias',
      spec: { name: 'm', alias: 'v12_candidate', version: 1 },
      at: [],
    },
    {
      name: 'transition_stage: Unity Catalog name',
      type: 'transition_stage',
      spec: { name: 'a.b.c', version: 1, stage: 'Staging' },
      at: ['/name'],
    },
    {
      name: 'transition_stage: two-part name is workspace',
      type: 'transition_stage',
      spec: { name: 'a.b', version: 1, stage: 'Staging' },
      at: [],
    },
    {
      name: 'transition_stage: empty part is workspace',
      type: 'transition_stage',
      spec: { name: 'a..c', version: 1, stage: 'Staging' },
      at: [],
    },
    {
      name: 'transition_stage: archive into None',
      type: 'transition_stage',
      spec: { name: 'm', version: 1, stage: 'None', archive_existing_versions: true },
      at: ['/archive_existing_versions'],
    },
    { name: 'tag_run: no selection', type: 'tag_run', spec: { tags: {} }, at: [''] },
    {
      name: 'tag_run: two selections',
      type: 'tag_run',
      spec: { run_ids: ['a'], from_run: { experiment: 'e' } },
      at: [''],
    },
    { name: 'tag_run: one selection', type: 'tag_run', spec: { run_ids: ['a'] }, at: [] },
  ] as const)('$name', ({ type, spec, at }) => {
    expect(pointers(type, spec as Spec)).toEqual(at);
  });

  it('explains that Unity Catalog has no stages and points to set_alias', () => {
    const [line] =
      getAction('transition_stage').validate?.({
        name: 'ml.prod.m',
        version: 1,
        stage: 'Production',
      }) ?? [];
    expect(line).toMatch(/Unity Catalog has no stages; use set_alias/);
  });
});

describe('action describe()', () => {
  it.each([
    {
      name: 'run_job by name with parameters and timeout',
      type: 'run_job',
      spec: { job: 'churn-training', job_parameters: { a: '1' }, wait: true, timeout: '2h' },
      line: 'run job "churn-training" with 1 job parameter, wait up to 2h',
    },
    {
      name: 'run_job by id, only some tasks, no wait',
      type: 'run_job',
      spec: { job: 42, only: ['a', 'b+'], wait: false },
      line: 'run job 42 (only a, b+), do not wait',
    },
    {
      name: 'run_job with legacy params and a normalised timeout',
      type: 'run_job',
      spec: { job: '7', notebook_params: {}, python_params: [], wait: true, timeout: '90' },
      line: 'run job 7 with notebook_params, python_params, wait up to 1m30s',
    },
    {
      name: 'submit_run inline with git auto',
      type: 'submit_run',
      spec: { run_name: 'eval', git_source: 'auto', tasks: [{}, {}], wait: true, timeout: '30m' },
      line: 'submit one-time run "eval" (2 tasks, this repo at the commit), wait up to 30m',
    },
    {
      name: 'submit_run from a spec file',
      type: 'submit_run',
      spec: { spec_file: 'ci/run.yml', wait: true },
      line: 'submit one-time run from ci/run.yml, wait (default timeout)',
    },
    {
      name: 'register_model from a selector',
      type: 'register_model',
      spec: {
        name: 'a.b.c',
        from_run: { experiment: '/x', filter: 'f', order_by: 'metrics.auc DESC' },
      },
      line: 'register a new version of "a.b.c" (Unity Catalog) from the first run in /x matching f by metrics.auc DESC',
    },
    {
      name: 'register_model from a source',
      type: 'register_model',
      spec: { name: 'churn', source: 'runs:/r/model' },
      line: 'register a new version of "churn" (workspace registry) from runs:/r/model',
    },
    {
      name: 'set_alias',
      type: 'set_alias',
      spec: { name: 'a.b.c', alias: 'champion', version: '{{ register.version }}' },
      line: 'point alias "champion" of "a.b.c" (Unity Catalog) at version {{ register.version }}',
    },
    {
      name: 'transition_stage',
      type: 'transition_stage',
      spec: { name: 'churn', version: 3, stage: 'Production', archive_existing_versions: false },
      line: 'move version 3 of "churn" to stage Production',
    },
    {
      name: 'tag_run by selector',
      type: 'tag_run',
      spec: { from_run: { experiment: '/x', max_results: 5 }, tags: {} },
      line: 'tag up to 5 runs in /x with provenance tags',
    },
    {
      name: 'tag_run by ids',
      type: 'tag_run',
      spec: { run_ids: ['a', 'b'], tags: { k: 'v', l: 'w' } },
      line: 'tag 2 runs with 2 tags and provenance tags',
    },
  ] as const)('$name', ({ type, spec, line }) => {
    expect(getAction(type).describe(spec as Spec)).toBe(line);
  });
});

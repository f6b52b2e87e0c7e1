import type { ActionOutputs } from '../../../src/actions/types.js';
import { isPipeError } from '../../../src/errors.js';
import {
  renderActionSpec,
  renderTemplates,
  type TemplateScope,
} from '../../../src/plan/render-templates.js';
import { parseExpression, scanTemplates } from '../../../src/plan/template-syntax.js';
import { CONTEXT, inlinePlan, thrown } from './plan-kit.js';

const outputs = new Map<string, ActionOutputs>([
  [
    'train',
    {
      run_id: 912345,
      run_page_url: 'https://dbc.example/#job/1/run/912345',
      result_state: 'SUCCESS',
      task_outputs: { evaluate: '{"auc": 0.91}', report: '' },
    },
  ],
  ['register', { version: '7', run_id: 'abc', source: 'runs:/abc/model' }],
  ['tagger', { run_ids: ['r1', 'r2'] }],
  ['sneaky', { version: '{{ env.SECRET }}' }],
]);
const scope: TemplateScope = {
  bitbucket: CONTEXT.bitbucket,
  env: { ...CONTEXT.env, SECRET: 's3cr3t-value', NESTED: '{{ env.SECRET }}', EMPTY: '' },
  outputs,
};

describe('parseExpression', () => {
  it.each([
    {
      name: 'bitbucket key',
      inner: ' bitbucket.commit ',
      ref: { kind: 'bitbucket', key: 'commit' },
    },
    { name: 'env var', inner: 'env.MODEL_NAME', ref: { kind: 'env', name: 'MODEL_NAME' } },
    {
      name: 'output',
      inner: 'train.run_id',
      ref: { kind: 'output', id: 'train', output: 'run_id' },
    },
    {
      name: 'task output with a hyphenated task key',
      inner: ' train.task_outputs.eval-step ',
      ref: { kind: 'output', id: 'train', output: 'task_outputs', field: 'eval-step' },
    },
    { name: 'Databricks job reference', inner: 'job.run_id', ref: { kind: 'databricks' } },
    { name: 'Databricks task values', inner: 'tasks.a.values.b', ref: { kind: 'databricks' } },
    {
      name: 'Databricks backtick escape',
      inner: 'job.parameters.`a b`',
      ref: { kind: 'databricks' },
    },
    { name: 'Databricks legacy variable', inner: ' run_id ', ref: { kind: 'databricks' } },
  ])('$name', ({ inner, ref }) => {
    expect(parseExpression(inner)).toEqual({ ref });
  });

  it.each([
    { name: 'empty', inner: '  ', error: /empty template/ },
    { name: 'a single word', inner: 'commit', error: /is not a reference/ },
    { name: 'spaces inside', inner: 'bitbucket commit', error: /is not a reference/ },
    {
      name: 'env with two parts',
      inner: 'env.A.B',
      error: /too many parts; use \{\{ env.<NAME> \}\}/,
    },
    { name: 'output with four parts', inner: 'a.b.c.d', error: /too many parts/ },
    { name: 'a trailing dot', inner: 'train.', error: /is not a reference/ },
  ])('refuses $name', ({ inner, error }) => {
    const parsed = parseExpression(inner);
    expect('error' in parsed && parsed.error).toMatch(error);
  });
});

describe('scanTemplates', () => {
  it('finds every template with its offset, and an unclosed one', () => {
    const matches = scanTemplates('a {{ env.A }} b {{x}} c {{ bitbucket.commit');
    expect(matches.map((m) => [m.text, m.index, m.error === undefined])).toEqual([
      ['{{ env.A }}', 2, true],
      ['{{x}}', 16, false],
      ['{{', 24, false],
    ]);
  });
});

describe('renderTemplates', () => {
  it.each([
    { name: 'bitbucket commit', input: '{{ bitbucket.commit }}', out: CONTEXT.bitbucket.commit },
    { name: 'no spaces', input: 'v{{bitbucket.build_number}}', out: 'v42' },
    { name: 'repo full name', input: '{{ bitbucket.repo }}', out: 'acme/churn' },
    { name: 'env var', input: 'model={{ env.MODEL_NAME }}', out: 'model=ml_prod.churn.classifier' },
    { name: 'empty env var renders empty', input: '[{{ env.EMPTY }}]', out: '[]' },
    { name: 'number output is stringified', input: '{{ train.run_id }}', out: '912345' },
    { name: 'task output', input: '{{ train.task_outputs.evaluate }}', out: '{"auc": 0.91}' },
    { name: 'empty task output', input: '[{{ train.task_outputs.report }}]', out: '[]' },
    { name: 'list output as JSON', input: '{{ tagger.run_ids }}', out: '["r1","r2"]' },
    {
      name: 'map output as JSON',
      input: '{{ train.task_outputs }}',
      out: '{"evaluate":"{\\"auc\\": 0.91}","report":""}',
    },
    {
      name: 'two in one string',
      input: '{{ bitbucket.branch }}@{{ register.version }}',
      out: 'main@7',
    },
    {
      name: 'Databricks reference kept',
      input: 'run {{job.run_id}} of {{ env.TEAM }}',
      out: 'run {{job.run_id}} of ml-platform',
    },
    { name: 'text without templates', input: 'plain', out: 'plain' },
  ])('$name', ({ input, out }) => {
    expect(renderTemplates(input, scope)).toBe(out);
  });

  it('renders deeply, keeps keys and non-string values, and does not touch the input', () => {
    const input = Object.freeze({
      '{{ env.TEAM }}': ['{{ register.version }}', 3, true, null],
      nested: { commit: '{{ bitbucket.commit }}' },
    });
    expect(renderTemplates(input, scope)).toEqual({
      '{{ env.TEAM }}': ['7', 3, true, null],
      nested: { commit: CONTEXT.bitbucket.commit },
    });
    expect(input.nested.commit).toBe('{{ bitbucket.commit }}');
  });

  it.each([
    { name: 'an env value', input: '{{ env.NESTED }}', out: '{{ env.SECRET }}' },
    { name: 'an action output', input: 'v{{ sneaky.version }}', out: 'v{{ env.SECRET }}' },
  ])('never expands a template that $name contains (no injection)', ({ input, out }) => {
    const rendered = renderTemplates(input, scope);
    expect(rendered).toBe(out);
    expect(rendered).not.toContain('s3cr3t-value');
  });

  it.each([
    {
      name: 'an output of an action that has not run',
      input: '{{ later.run_id }}',
      code: 'ERR_PLAN_UNRESOLVED',
    },
    {
      name: 'a missing task output',
      input: '{{ train.task_outputs.nope }}',
      code: 'ERR_PLAN_UNRESOLVED',
    },
    { name: 'an unset bitbucket key', input: '{{ bitbucket.tag }}', code: 'ERR_PLAN_UNRESOLVED' },
    { name: 'an unset env var', input: '{{ env.NOPE }}', code: 'ERR_PLAN_UNRESOLVED' },
    {
      name: "the pipe's own credential",
      input: '{{ env.DATABRICKS_TOKEN }}',
      code: 'ERR_PLAN_INVALID',
    },
    { name: 'an unknown bitbucket key', input: '{{ bitbucket.author }}', code: 'ERR_PLAN_INVALID' },
  ])('refuses $name', ({ input, code }) => {
    const error = thrown(() => renderTemplates(input, scope));
    expect(error.code).toBe(code);
    expect(error.message).toContain(input);
    expect(error.message).not.toContain('dapi-not-a-real-token');
  });
});

describe('renderActionSpec', () => {
  const plan = inlinePlan(`
- id: register
  register_model: { name: m, source: "runs:/abc/model" }
- set_alias: { name: "{{ env.MODEL_NAME }}", alias: champion, version: "{{ register.version }}" }
- transition_stage: { name: "{{ env.MODEL_NAME }}", version: 1, stage: Staging }
`);
  const setAlias = plan.actions[1]!;
  const transition = plan.actions[2]!;
  const withVersion = (version: unknown): TemplateScope => ({
    ...scope,
    outputs: new Map([['register', { version }]]),
  });

  it('returns the rendered body, leaving the frozen plan unchanged', () => {
    expect(renderActionSpec(setAlias, withVersion(7))).toEqual({
      name: 'ml_prod.churn.classifier',
      alias: 'champion',
      version: '7',
    });
    expect(setAlias.spec['version']).toBe('{{ register.version }}');
  });

  it.each([
    {
      name: 'a version that is not a number',
      action: setAlias,
      version: 'abc',
      path: 'set_alias.version',
    },
    {
      name: 'a Unity Catalog name with stages',
      action: transition,
      version: 1,
      path: 'transition_stage.name',
    },
  ])('checks the rendered body again: $name', ({ action, version, path }) => {
    const error = thrown(() => renderActionSpec(action, withVersion(version)));
    expect(error.code).toBe('ERR_PLAN_INVALID');
    expect(error.details.map((d) => d.split(':')[0])).toEqual([path]);
  });

  it('reports a missing output as unresolved', () => {
    const error = thrown(() => renderActionSpec(setAlias, { ...scope, outputs: new Map() }));
    expect(isPipeError(error, 'ERR_PLAN_UNRESOLVED')).toBe(true);
  });
});

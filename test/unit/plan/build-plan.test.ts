import { buildPlan } from '../../../src/plan/build-plan.js';
import { formatPlan } from '../../../src/plan/format-plan.js';
import { CONTEXT, INLINE, inlinePlan, parseDetails, thrown } from './plan-kit.js';

/** Returns `line:col path` of every problem inline YAML has. */
function problemsOf(yaml: string): string[] {
  const error = thrown(() => inlinePlan(yaml));
  expect(error.code).toBe('ERR_PLAN_INVALID');
  return parseDetails(error).map((d) => d.at);
}

describe('buildPlan: rules', () => {
  it.each([
    { name: 'id with upper case', yaml: '- id: Train\n  run_job: {job: 1}', at: ['1:7 [0].id'] },
    {
      name: 'id starting with a digit',
      yaml: '- id: 1st\n  run_job: {job: 1}',
      at: ['1:7 [0].id'],
    },
    {
      name: 'id of 65 characters',
      yaml: `- id: ${'a'.repeat(65)}\n  run_job: {job: 1}`,
      at: ['1:7 [0].id'],
    },
    { name: 'reserved id tasks', yaml: '- id: tasks\n  run_job: {job: 1}', at: ['1:7 [0].id'] },
    {
      name: 'duplicate id inside a parallel group',
      yaml: '- id: a\n  run_job: {job: 1}\n- parallel:\n    - id: a\n      run_job: {job: 2}',
      at: ['4:11 [1].parallel[0].id'],
    },
    { name: 'unknown action key', yaml: '- run_jobb: {job: 1}', at: ['1:3 [0].run_jobb'] },
    {
      name: 'parallel inside parallel',
      yaml: '- parallel:\n  - parallel: []',
      at: ['2:5 [0].parallel[0].parallel'],
    },
    {
      name: 'a template in a boolean field',
      yaml: '- run_job: {job: 1, wait: "{{ env.TEAM }}"}',
      at: ['1:27 [0].run_job.wait'],
    },
    {
      name: 'a template in a number field',
      yaml: '- tag_run: {from_run: {experiment: x, max_results: "{{ env.TEAM }}"}}',
      at: ['1:52 [0].tag_run.from_run.max_results'],
    },
  ])('refuses $name', ({ yaml, at }) => {
    expect(problemsOf(yaml)).toEqual(at);
  });

  it('names both lines of a duplicate id', () => {
    const error = thrown(() =>
      inlinePlan('- id: a\n  run_job: {job: 1}\n- id: a\n  run_job: {job: 2}'),
    );
    expect(parseDetails(error)[0]?.message).toMatch(/lines 1 and 3/);
  });

  it('suggests the action a typo meant', () => {
    const error = thrown(() => inlinePlan('- run_jobb: {job: 1}'));
    expect(parseDetails(error)[0]?.message).toMatch(
      /did you mean "run_job"\?.*valid actions: run_job, submit_run/,
    );
  });

  it('names both actions and lines of a forward reference', () => {
    const error = thrown(() =>
      inlinePlan('- tag_run: {run_id: "{{ later.run_id }}"}\n- id: later\n  run_job: {job: 1}'),
    );
    expect(parseDetails(error)[0]?.message).toMatch(
      /action 1 \(tag_run, line 1\).*action 2 "later" \(run_job, line 2\)/,
    );
  });

  it('reports every problem at once, in line order', () => {
    const at = problemsOf(`
- run_job: {job: 1, timeout: soon}
- set_alias: {name: m, alias: latest}
- transition_stage: {name: a.b.c, version: 1, stage: Production}
- tag_run: {run_id: "{{ env.NOPE }}"}`);
    expect(at).toEqual([
      '2:30 [0].run_job.timeout',
      '3:14 [1].set_alias',
      '3:31 [1].set_alias.alias',
      '4:28 [2].transition_stage.name',
      '5:22 [3].tag_run.run_id',
    ]);
  });

  it('names the inline variable as the source', () => {
    const error = thrown(() => inlinePlan('- run_job: {}'));
    expect(error.details).toEqual([
      'ACTIONS:1:12 [0].run_job: missing required field "job": Job name (exact match, must be unique) or numeric job_id',
    ]);
  });

  it('locates every YAML syntax error with line and column', () => {
    const error = thrown(() => buildPlan(INLINE, '- run_job: {job: 1\n- x: [', CONTEXT));
    expect(error.code).toBe('ERR_PLAN_INVALID');
    expect(parseDetails(error).length).toBeGreaterThan(0);
    for (const detail of parseDetails(error)) expect(detail.message).toMatch(/^invalid YAML: \S/);
  });

  it('refuses a document whose aliases expand without bound', () => {
    // Each level repeats the previous one ten times: 10^6 strings if fully expanded.
    const levels = ['a: &l0 [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i <= 5; i++)
      levels.push(
        `l${i}: &l${i} [${Array(10)
          .fill(`*l${i - 1}`)
          .join(', ')}]`,
      );
    const yaml = `- run_job:\n    job: 1\n    job_parameters:\n${levels.map((l) => `      ${l}`).join('\n')}`;
    const error = thrown(() => buildPlan(INLINE, yaml, CONTEXT));
    expect(error.code).toBe('ERR_PLAN_INVALID');
    expect(error.details[0]).toMatch(/invalid YAML: .*alias/i);
  });
});

describe('buildPlan: the plan it returns', () => {
  const plan = inlinePlan(`
- id: prepare
  run_job: {job: prep, job_parameters: {epochs: 10, rate: 0.5, full: true}}
- parallel:
    - id: a
      submit_run: {spec_file: a.yml}
    - tag_run: {run_id: "{{ prepare.run_id }}", tags: {by: "{{ prepare.run_page_url }} {{ prepare.run_id }}"}}
- register_model: {name: m, from_run: {experiment: /x}}
- parallel:
    - transition_stage: {name: m, version: 1, stage: Staging}
    - tag_run: {from_run: {experiment: /x}, tags: {a: "{{ a.run_id }}"}}
  max_concurrency: 8
  fail_fast: true
`);

  it('numbers actions in flattened order and records their groups', () => {
    expect(plan.actions.map((a) => [a.index, a.id, a.type, a.group])).toEqual([
      [1, 'prepare', 'run_job', undefined],
      [2, 'a', 'submit_run', 1],
      [3, undefined, 'tag_run', 1],
      [4, undefined, 'register_model', undefined],
      [5, undefined, 'transition_stage', 3],
      [6, undefined, 'tag_run', 3],
    ]);
  });

  it('fills dependsOn with the referenced ids, once each', () => {
    expect(plan.actions.map((a) => a.dependsOn)).toEqual([[], [], ['prepare'], [], [], ['a']]);
  });

  it('applies group defaults (max 4 at once, no fail fast) and explicit options', () => {
    expect(
      plan.items.map((i) => (i.kind === 'parallel' ? [i.maxConcurrency, i.failFast] : i.kind)),
    ).toEqual(['single', [4, false], 'single', [8, true]]);
  });

  it('applies schema defaults and sends parameter values as strings', () => {
    expect(plan.actions[0]?.spec).toEqual({
      job: 'prep',
      job_parameters: { epochs: '10', rate: '0.5', full: 'true' },
      wait: true,
    });
    expect(plan.actions[2]?.spec['tags']).toBeDefined();
    expect(plan.actions[3]?.spec['from_run']).toEqual({ experiment: '/x', artifact_path: 'model' });
    expect(plan.actions[4]?.spec['archive_existing_versions']).toBe(false);
    expect(plan.actions[5]?.spec['from_run']).toEqual({ experiment: '/x', max_results: 100 });
  });

  it('records each action position and the source', () => {
    expect(plan.actions.map((a) => a.position.line)).toEqual([2, 5, 7, 8, 10, 11]);
    expect(plan.source).toBe('ACTIONS');
  });

  it('is frozen, so nothing downstream can alter the validated plan', () => {
    expect(Object.isFrozen(plan)).toBe(true);
    expect(Object.isFrozen(plan.actions[0]?.spec['job_parameters'])).toBe(true);
    expect(() => {
      plan.actions[0]!.spec['job'] = 'other';
    }).toThrow(TypeError);
  });

  it('prints the dry run with parallel members indented under their group', () => {
    expect(formatPlan(plan)).toEqual([
      '1. [prepare] run_job: run job "prep" with 3 job parameters, wait (default timeout)',
      'parallel (max 4 at once):',
      '  2. [a] submit_run: submit one-time run from a.yml, wait (default timeout)',
      '  3. tag_run: tag run "{{ prepare.run_id }}" with 1 tag and provenance tags',
      '4. register_model: register a new version of "m" (workspace registry) from the first run in /x',
      'parallel (max 8 at once, fail fast):',
      '  5. transition_stage: move version 1 of "m" to stage Staging',
      '  6. tag_run: tag up to 100 runs in /x with 1 tag and provenance tags',
    ]);
  });

  it('logs how long validation and schema compilation took at debug level', () => {
    const lines: string[] = [];
    buildPlan(INLINE, '- run_job: {job: 1}', {
      ...CONTEXT,
      log: { debug: (m, meta) => lines.push(`${m} ${JSON.stringify(meta)}`) },
    });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^plan: 1 actions valid in [\d.]+ ms .*run_job [\d.]+ ms/);
  });
});

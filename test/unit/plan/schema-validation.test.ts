import {
  checkActionBody,
  schemaCompileTimings,
  validatorFor,
} from '../../../src/plan/schema-validation.js';

describe('validatorFor', () => {
  it('compiles each action schema once per process, on first use', () => {
    const first = validatorFor('set_alias');
    expect(validatorFor('set_alias')).toBe(first);
    const compiled = schemaCompileTimings().filter((t) => t.type === 'set_alias');
    expect(compiled).toHaveLength(1);
    expect(compiled[0]?.ms).toBeGreaterThan(0);
  });

  it('does not compile action types that were never used', () => {
    checkActionBody('tag_run', { run_id: 'a' }, true);
    expect(schemaCompileTimings().map((t) => t.type)).not.toContain('transition_stage');
  });
});

describe('checkActionBody', () => {
  it.each([
    {
      name: 'a templated version skips the number pattern',
      allowTemplates: true,
      body: { name: 'm', alias: 'a', version: '{{ register.version }}' },
      problems: [],
    },
    {
      name: 'the same version is refused once rendered',
      allowTemplates: false,
      body: { name: 'm', alias: 'a', version: '{{ register.version }}' },
      problems: ['version: must be a model version number'],
    },
    {
      name: 'a templated alias skips the alias pattern',
      allowTemplates: true,
      body: { name: 'm', alias: '{{ env.ALIAS }}', version: 1 },
      problems: [],
    },
    {
      name: 'a Databricks reference is no template of the pipe: the pattern applies',
      allowTemplates: true,
      body: { name: 'm', alias: '{{job.run_id}}', version: 1 },
      problems: ['alias: must be letters, digits, _ or -'],
    },
    {
      name: 'a templated stage skips the enum',
      allowTemplates: true,
      body: { name: 'm', version: 1, stage: '{{ env.STAGE }}' },
      problems: [],
      type: 'transition_stage' as const,
    },
    {
      name: 'a list where a version belongs says what a version looks like',
      allowTemplates: true,
      body: { name: 'm', alias: 'a', version: [1] },
      problems: ['version: must be a model version number such as 3'],
    },
    {
      name: 'a list where a job belongs names both accepted types',
      allowTemplates: true,
      body: { job: [1] },
      problems: ['job: must be a whole number or a string (got a list)'],
      type: 'run_job' as const,
    },
  ])('$name', ({ allowTemplates, body, problems, type }) => {
    const found = checkActionBody(type ?? 'set_alias', body, allowTemplates);
    expect(
      found.map((p) => `${p.path.join('/')}: ${p.message}`.slice(0, problems[0]?.length ?? 0)),
    ).toEqual(problems);
  });

  it.each([
    {
      name: 'git_source as a mapping reports the mapping branch only',
      git_source: { git_provider: 'gitHub', git_commit: 'c' },
      problems: ['git_source: missing required field "git_url"'],
    },
    {
      name: 'git_source of another kind reports every accepted form',
      git_source: [42],
      problems: [
        'git_source: must be "auto" or a mapping with git_url, git_provider and one of git_branch, git_tag, git_commit (got a list)',
      ],
    },
  ])('anyOf: $name', ({ git_source, problems }) => {
    const found = checkActionBody('submit_run', { spec_file: 'f', git_source }, true);
    expect(found.map((p) => `${p.path.join('/')}: ${p.message}`)).toEqual(problems);
  });

  it('locates an over-long tag key at the key', () => {
    const [problem] = checkActionBody(
      'tag_run',
      { run_id: 'r', tags: { ['k'.repeat(251)]: 'v' } },
      true,
    );
    expect(problem).toEqual({
      path: ['tags', 'k'.repeat(251)],
      atKey: true,
      message: 'key must be at most 250 characters',
    });
  });

  it('applies defaults and coerces scalars in place', () => {
    const body: Record<string, unknown> = { job: 5, job_parameters: { n: 3, ok: false } };
    expect(checkActionBody('run_job', body, true)).toEqual([]);
    expect(body).toEqual({ job: 5, job_parameters: { n: '3', ok: 'false' }, wait: true });
  });
});

import {
  formatNodePath,
  parseSpecProblem,
  planInvalid,
  specProblem,
} from '../../../src/plan/problems.js';

describe('formatNodePath', () => {
  it.each([
    { name: 'root', path: [], text: '' },
    { name: 'item', path: [0], text: '[0]' },
    {
      name: 'nested keys and indices',
      path: [2, 'parallel', 1, 'run_job', 'job'],
      text: '[2].parallel[1].run_job.job',
    },
    {
      name: 'a key that is not an identifier',
      path: [0, 'tags', 'a.b c'],
      text: '[0].tags["a.b c"]',
    },
    {
      name: 'a key of digits',
      path: [0, 'job_parameters', '10'],
      text: '[0].job_parameters["10"]',
    },
  ])('$name', ({ path, text }) => {
    expect(formatNodePath(path)).toBe(text);
  });
});

describe('parseSpecProblem', () => {
  it.each([
    {
      name: 'a pointer',
      line: specProblem('/tasks/0/task_key', 'bad: really'),
      path: ['tasks', '0', 'task_key'],
      message: 'bad: really',
    },
    { name: 'the body itself', line: specProblem('', 'set one'), path: [], message: 'set one' },
    {
      name: 'escaped pointer segments',
      line: specProblem('/tags/a~1b~0c', 'x'),
      path: ['tags', 'a/b~c'],
      message: 'x',
    },
    { name: 'a plain message', line: 'something is off', path: [], message: 'something is off' },
    {
      name: 'a message with a colon but no pointer',
      line: 'note: odd',
      path: [],
      message: 'note: odd',
    },
  ])('$name', ({ line, path, message }) => {
    expect(parseSpecProblem(line)).toEqual({ path, message });
  });
});

describe('planInvalid', () => {
  it('lists problems in text order without duplicates, each with source, line and column', () => {
    const at = (line: number, col: number) => ({ line, col });
    const error = planInvalid('ACTIONS', [
      { position: at(3, 5), path: '[1].run_job', message: 'b' },
      { position: at(1, 3), path: '', message: 'a' },
      { position: at(3, 5), path: '[1].run_job', message: 'b' },
      { position: at(3, 2), path: '[1]', message: 'c' },
    ]);
    expect(error.code).toBe('ERR_PLAN_INVALID');
    expect(error.message).toBe('the plan in ACTIONS is invalid (3 problems)');
    expect(error.details).toEqual([
      'ACTIONS:1:3 a',
      'ACTIONS:3:2 [1]: c',
      'ACTIONS:3:5 [1].run_job: b',
    ]);
    expect(error.hint).toMatch(/nothing was changed/);
  });
});

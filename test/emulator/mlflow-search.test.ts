import { ApiError } from '../../emulator/router.js';
import { parseRunFilter, runMatches, type SearchableRun } from '../../emulator/mlflow-search.js';
import { parseRunOrderBy, sortRuns } from '../../emulator/mlflow-search-order.js';

function run(
  id: string,
  over: Partial<SearchableRun> & { start?: number; status?: string; name?: string } = {},
): SearchableRun {
  return {
    info: {
      run_id: id,
      run_name: over.name ?? `name-${id}`,
      status: over.status ?? 'FINISHED',
      user_id: 'u@example.com',
      start_time: over.start ?? 1000,
      end_time: 2000,
      artifact_uri: `dbfs:/x/${id}/artifacts`,
    },
    metrics: over.metrics ?? {},
    params: over.params ?? {},
    tags: over.tags ?? {},
  };
}

const subject = run('r1', {
  name: 'train-churn',
  metrics: { auc: 0.85, loss: 0.2 },
  params: { lr: '0.01', model: 'xgb' },
  tags: { 'mlflow.source.git.commit': 'abc123', team: 'ml', 'a b': 'spaced' },
});

describe('runs/search filter grammar', () => {
  it.each([
    {
      name: 'backquoted dotted tag key',
      filter: "tags.`mlflow.source.git.commit` = 'abc123'",
      match: true,
    },
    {
      name: 'double-quoted tag key',
      filter: `tags."mlflow.source.git.commit" = 'abc123'`,
      match: true,
    },
    {
      name: 'unquoted dotted tag key',
      filter: "tags.mlflow.source.git.commit = 'abc123'",
      match: true,
    },
    { name: 'tag mismatch', filter: "tags.`mlflow.source.git.commit` = 'zzz'", match: false },
    { name: 'tag !=', filter: "tags.team != 'data'", match: true },
    { name: 'missing tag never matches, even !=', filter: "tags.absent != 'x'", match: false },
    { name: 'quoted key with a space', filter: "tags.`a b` = 'spaced'", match: true },
    { name: 'double-quoted value', filter: `tags.team = "ml"`, match: true },
    { name: 'metric >', filter: 'metrics.auc > 0.8', match: true },
    { name: 'metric >= equal', filter: 'metrics.auc >= 0.85', match: true },
    { name: 'metric <', filter: 'metrics.auc < 0.8', match: false },
    { name: 'metric <=', filter: 'metric.loss <= 0.2', match: true },
    { name: 'metric =', filter: 'metrics.auc = 0.85', match: true },
    { name: 'metric !=', filter: 'metrics.auc != 0.85', match: false },
    { name: 'param =', filter: "params.lr = '0.01'", match: true },
    { name: 'param alias parameter', filter: "parameter.model = 'xgb'", match: true },
    { name: 'attribute status', filter: "attributes.status = 'FINISHED'", match: true },
    { name: 'bare attribute', filter: "status = 'RUNNING'", match: false },
    { name: 'attribute run_name', filter: "attributes.run_name = 'train-churn'", match: true },
    { name: 'numeric attribute', filter: 'attributes.start_time >= 1000', match: true },
    { name: 'created alias of start_time', filter: 'attributes.created < 1000', match: false },
    { name: 'run_id IN list', filter: "attributes.run_id IN ('r0', 'r1')", match: true },
    { name: 'run_id NOT IN list', filter: "attributes.run_id NOT IN ('r1')", match: false },
    { name: 'LIKE', filter: "attributes.run_name LIKE 'train-%'", match: true },
    { name: 'LIKE is case-sensitive', filter: "attributes.run_name LIKE 'TRAIN-%'", match: false },
    { name: 'ILIKE', filter: "tags.team ILIKE 'M_'", match: true },
    {
      name: 'AND of all kinds',
      filter:
        "tags.`mlflow.source.git.commit` = 'abc123' and metrics.auc > 0.5 AND params.model = 'xgb'",
      match: true,
    },
    {
      name: 'AND with one false clause',
      filter: "tags.team = 'ml' AND metrics.auc > 0.9",
      match: false,
    },
    { name: 'empty filter', filter: '', match: true },
  ])('$name', ({ filter, match }) => {
    expect(runMatches(subject, parseRunFilter(filter))).toBe(match);
  });

  it.each([
    {
      name: 'OR is not supported',
      filter: "tags.a = 'x' OR tags.b = 'y'",
      message: /Invalid clause/,
    },
    { name: 'unknown entity', filter: "foo.bar = 'x'", message: /Invalid entity type 'foo'/ },
    {
      name: 'unknown attribute',
      filter: "attributes.color = 'red'",
      message: /Invalid attribute key 'color'/,
    },
    {
      name: 'metric compared with a string',
      filter: "metrics.auc > 'high'",
      message: /Expected numeric value type for metric/,
    },
    {
      name: 'tag compared with a number',
      filter: 'tags.team = 5',
      message: /Expected a quoted string value for tag/,
    },
    { name: 'tag with >', filter: "tags.team > 'a'", message: /Invalid comparator '>'/ },
    {
      name: 'metric with LIKE',
      filter: "metrics.auc LIKE '0.%'",
      message: /Invalid comparator 'LIKE'/,
    },
    {
      name: 'IN on another attribute',
      filter: "attributes.status IN ('FINISHED')",
      message: /Invalid comparator 'IN'|Only the 'run_id'/,
    },
    { name: 'missing value', filter: 'metrics.auc >', message: /Expected value token/ },
    { name: 'missing comparator', filter: "tags.team 'ml'", message: /Expected comparison/ },
    { name: 'unterminated backquote', filter: "tags.`team = 'ml'", message: /Could not be parsed/ },
    {
      name: 'garbage',
      filter: 'metrics.auc > 0.5 ;',
      message: /Could not be parsed|Invalid clause/,
    },
    { name: 'trailing AND', filter: "tags.team = 'ml' AND", message: /Invalid clause/ },
  ])('rejects $name with INVALID_PARAMETER_VALUE', ({ filter, message }) => {
    let caught: unknown;
    try {
      parseRunFilter(filter);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ApiError);
    expect((caught as ApiError).errorCode).toBe('INVALID_PARAMETER_VALUE');
    expect((caught as ApiError).status).toBe(400);
    expect((caught as ApiError).message).toMatch(message);
  });
});

describe('runs/search order_by', () => {
  const runs = [
    run('a', { start: 3, metrics: { auc: 0.7 }, tags: { t: 'b' } }),
    run('b', { start: 1, metrics: { auc: 0.9 }, tags: { t: 'a' } }),
    run('c', { start: 2, metrics: {}, tags: {} }),
    run('d', { start: 2, metrics: { auc: 0.8 }, tags: { t: 'c' } }),
  ];
  const ids = (order: string[]): string[] =>
    sortRuns(runs, parseRunOrderBy(order)).map((r) => r.info.run_id);

  it.each([
    { name: 'default is start_time DESC then run_id', order: [], expected: ['a', 'c', 'd', 'b'] },
    {
      name: 'metric DESC, missing last',
      order: ['metrics.auc DESC'],
      expected: ['b', 'd', 'a', 'c'],
    },
    {
      name: 'metric ASC, missing still last',
      order: ['metrics.auc ASC'],
      expected: ['a', 'd', 'b', 'c'],
    },
    {
      name: 'metric without direction is ASC',
      order: ['metrics.auc'],
      expected: ['a', 'd', 'b', 'c'],
    },
    {
      name: 'attribute start_time ASC',
      order: ['attributes.start_time ASC'],
      expected: ['b', 'c', 'd', 'a'],
    },
    { name: 'backquoted tag key', order: ['tags.`t` desc'], expected: ['d', 'a', 'b', 'c'] },
    {
      name: 'two terms',
      order: ['attributes.start_time DESC', 'metrics.auc DESC'],
      expected: ['a', 'd', 'c', 'b'],
    },
  ])('$name', ({ order, expected }) => {
    expect(ids(order)).toEqual(expected);
  });

  it.each([
    { name: 'unknown direction', order: 'metrics.auc DOWN', message: /Invalid ordering key/ },
    { name: 'three words', order: 'metrics.auc DESC x', message: /Could not be parsed/ },
    {
      name: 'unknown attribute',
      order: 'attributes.color',
      message: /Invalid attribute key 'color'/,
    },
    { name: 'unknown entity', order: 'foo.bar', message: /Invalid entity type/ },
  ])('rejects $name', ({ order, message }) => {
    expect(() => parseRunOrderBy([order])).toThrow(message);
  });
});

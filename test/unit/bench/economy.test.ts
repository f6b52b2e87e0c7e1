import { analyzeEconomy, type EconomyRequest } from '../../../bench/economy.js';

const req = (
  method: string,
  path: string,
  query: Record<string, string> = {},
  body?: unknown,
): EconomyRequest => ({
  time: 0,
  method,
  path,
  query,
  ...(body === undefined ? {} : { body }),
});
const TOKEN = req('POST', '/oidc/v1/token', {}, { grant_type: 'x', subject_token: 'sha256:ab' });
const JOB_BY_NAME = req('GET', '/api/2.2/jobs/list', { name: 'churn-training' });
const JOB_BY_ID = req('GET', '/api/2.2/jobs/get', { job_id: '5' });
const RUN_NOW = req('POST', '/api/2.2/jobs/run-now', {}, { job_id: 5 });
const POLL = req('GET', '/api/2.2/jobs/runs/get', { run_id: '9' });
const EXPERIMENT = req('GET', '/api/2.0/mlflow/experiments/get-by-name', {
  experiment_name: '/Shared/churn',
});
const SEARCH = req('POST', '/api/2.0/mlflow/runs/search', {}, { experiment_ids: ['7'] });
const SUBMIT = req('POST', '/api/2.2/jobs/runs/submit', {}, { run_name: 'register' });
const HISTORY = req('GET', '/api/2.2/jobs/runs/list', {
  job_id: '5',
  completed_only: 'true',
  limit: '5',
});
const SWEEP = req('GET', '/api/2.2/jobs/runs/list', {
  job_id: '5',
  start_time_from: '1000',
  limit: '25',
});

describe('analyzeEconomy', () => {
  it.each([
    {
      name: 'a lean plan: every non-poll request is needed',
      log: [TOKEN, JOB_BY_NAME, RUN_NOW, POLL, POLL, POLL, EXPERIMENT],
      expected: { total: 7, nonPoll: 4, minimumNonPoll: 4, polls: 3 },
      avoidable: [],
    },
    {
      name: 'state sweeps (runs/list since a moment) are polls, not a second history look-up',
      log: [TOKEN, JOB_BY_NAME, HISTORY, RUN_NOW, SWEEP, SWEEP, POLL],
      expected: { total: 7, nonPoll: 4, minimumNonPoll: 4, polls: 3 },
      avoidable: [],
    },
    {
      name: 'a second token exchange is avoidable',
      log: [TOKEN, JOB_BY_NAME, TOKEN, RUN_NOW],
      expected: { total: 4, nonPoll: 4, minimumNonPoll: 3, polls: 0 },
      avoidable: [/POST \/oidc\/v1\/token sent 2×/],
    },
    {
      name: 'looking the job up by name and again by id is avoidable',
      log: [JOB_BY_NAME, JOB_BY_ID, RUN_NOW],
      expected: { total: 3, nonPoll: 3, minimumNonPoll: 2, polls: 0 },
      avoidable: [/job id lookup: 2 different calls/],
    },
    {
      name: 'the same experiment looked up twice is avoidable',
      log: [EXPERIMENT, EXPERIMENT],
      expected: { total: 2, nonPoll: 2, minimumNonPoll: 1, polls: 0 },
      avoidable: [/experiments\/get-by-name\?experiment_name=\/Shared\/churn sent 2×/],
    },
    {
      name: 'the same runs/search twice with no job run between is avoidable',
      log: [SEARCH, JOB_BY_NAME, SEARCH],
      expected: { total: 3, nonPoll: 3, minimumNonPoll: 2, polls: 0 },
      avoidable: [/POST \/api\/2\.0\/mlflow\/runs\/search sent 2×/],
    },
    {
      name: 'runs/search again after run-now is a new question (the run may log MLflow runs)',
      log: [SEARCH, RUN_NOW, POLL, SEARCH],
      expected: { total: 4, nonPoll: 3, minimumNonPoll: 3, polls: 1 },
      avoidable: [],
    },
    {
      name: 'runs/search again after runs/submit is a new question too',
      log: [SEARCH, SUBMIT, SEARCH],
      expected: { total: 3, nonPoll: 3, minimumNonPoll: 3, polls: 0 },
      avoidable: [],
    },
    {
      name: 'a third identical runs/search after the run started is still one too many',
      log: [SEARCH, RUN_NOW, SEARCH, SEARCH],
      expected: { total: 4, nonPoll: 4, minimumNonPoll: 3, polls: 0 },
      avoidable: [/runs\/search sent 2×/],
    },
    {
      name: 'a run started between two experiment look-ups does not excuse the second',
      log: [EXPERIMENT, RUN_NOW, EXPERIMENT],
      expected: { total: 3, nonPoll: 3, minimumNonPoll: 2, polls: 0 },
      avoidable: [/experiments\/get-by-name\?experiment_name=\/Shared\/churn sent 2×/],
    },
  ])('$name', ({ log, expected, avoidable }) => {
    const figures = analyzeEconomy(log);
    expect(figures).toMatchObject(expected);
    expect(figures.avoidable).toHaveLength(avoidable.length);
    avoidable.forEach((pattern, i) => expect(figures.avoidable[i]).toMatch(pattern));
  });

  it('tells writes apart by their body, so two different writes are not a repeat', () => {
    const a = req('POST', '/api/2.0/mlflow/registered-models/create', {}, { name: 'a' });
    const b = req('POST', '/api/2.0/mlflow/registered-models/create', {}, { name: 'b' });
    expect(analyzeEconomy([a, b])).toMatchObject({ nonPoll: 2, minimumNonPoll: 2, avoidable: [] });
  });

  it.each([
    {
      name: 'one tag per run is needed',
      runs: ['r1', 'r2'],
      keys: ['a', 'a'],
      minimum: 2,
      avoidable: 0,
    },
    {
      name: 'three tags on one run could be one batch',
      runs: ['r1', 'r1', 'r1'],
      keys: ['a', 'b', 'c'],
      minimum: 1,
      avoidable: 1,
    },
    {
      name: 'batches are counted per run',
      runs: ['r1', 'r1', 'r2', 'r2'],
      keys: ['a', 'b', 'a', 'b'],
      minimum: 2,
      avoidable: 2,
    },
  ])('batchable tags: $name', ({ runs, keys, minimum, avoidable }) => {
    const log = runs.map((run, i) =>
      req('POST', '/api/2.0/mlflow/runs/set-tag', {}, { run_id: run, key: keys[i] }),
    );
    const figures = analyzeEconomy(log);
    expect(figures.minimumNonPoll).toBe(minimum);
    expect(figures.avoidable).toHaveLength(avoidable);
    figures.avoidable.forEach((text) => expect(text).toMatch(/runs\/log-batch/));
  });

  it('lists endpoints by count with their distinct requests', () => {
    const { byEndpoint } = analyzeEconomy([POLL, POLL, RUN_NOW]);
    expect(byEndpoint).toEqual([
      { endpoint: 'GET /api/2.2/jobs/runs/get', count: 2, distinct: 1, isPoll: true },
      { endpoint: 'POST /api/2.2/jobs/run-now', count: 1, distinct: 1, isPoll: false },
    ]);
  });
});

import { addExperiment, addMlflowRun } from '../../emulator/mlflow-scenario.js';
import { createMlWorkspace, type MlWorkspace } from '../../emulator/mlflow-workspace.js';

const COMMIT = 'tags.`mlflow.source.git.commit`';

function seed(ws: MlWorkspace): { experimentId: string; ids: Record<string, string> } {
  const experiment = addExperiment(ws.state, { name: '/Shared/churn' });
  const base = { experiment: '/Shared/churn' };
  const ids = {
    best: addMlflowRun(ws.state, {
      ...base,
      start_time: 100,
      metrics: { auc: 0.91 },
      tags: { 'mlflow.source.git.commit': 'abc' },
    }).info.run_id,
    good: addMlflowRun(ws.state, {
      ...base,
      start_time: 300,
      metrics: { auc: 0.85 },
      tags: { 'mlflow.source.git.commit': 'abc' },
    }).info.run_id,
    other: addMlflowRun(ws.state, {
      ...base,
      start_time: 200,
      metrics: { auc: 0.99 },
      tags: { 'mlflow.source.git.commit': 'def' },
    }).info.run_id,
    failed: addMlflowRun(ws.state, {
      ...base,
      start_time: 400,
      status: 'FAILED',
      metrics: { auc: 0.95 },
      tags: { 'mlflow.source.git.commit': 'abc' },
    }).info.run_id,
    deleted: addMlflowRun(ws.state, {
      ...base,
      start_time: 500,
      lifecycle_stage: 'deleted',
      tags: { 'mlflow.source.git.commit': 'abc' },
    }).info.run_id,
  };
  return { experimentId: experiment.experiment_id, ids };
}

describe('MLflow tracking endpoints', () => {
  let ws: MlWorkspace;
  let experimentId: string;
  let ids: Record<string, string>;
  beforeEach(() => {
    ws = createMlWorkspace();
    ({ experimentId, ids } = seed(ws));
  });

  const search = (body: Record<string, unknown>) =>
    ws.call('POST', '/api/2.0/mlflow/runs/search', {
      body: { experiment_ids: [experimentId], ...body },
    });

  it('experiments/get-by-name returns the experiment, a missing one 404 RESOURCE_DOES_NOT_EXIST', async () => {
    const found = await ws.call(
      'GET',
      '/api/2.0/mlflow/experiments/get-by-name?experiment_name=%2FShared%2Fchurn',
    );
    expect(found.status).toBe(200);
    expect(found.body).toMatchObject({
      experiment: { experiment_id: experimentId, name: '/Shared/churn', lifecycle_stage: 'active' },
    });
    const missing = await ws.call(
      'GET',
      '/api/2.0/mlflow/experiments/get-by-name?experiment_name=%2Fnope',
    );
    expect(missing).toEqual({
      status: 404,
      body: {
        error_code: 'RESOURCE_DOES_NOT_EXIST',
        message: "Could not find experiment with name '/nope'",
      },
    });
  });

  it('experiments/get by id', async () => {
    expect(
      (await ws.call('GET', `/api/2.0/mlflow/experiments/get?experiment_id=${experimentId}`))
        .status,
    ).toBe(200);
    expect(
      (await ws.call('GET', '/api/2.0/mlflow/experiments/get?experiment_id=999')).body,
    ).toMatchObject({ error_code: 'RESOURCE_DOES_NOT_EXIST' });
  });

  it('runs/get returns info and data with MLflow field names', async () => {
    const res = await ws.call('GET', `/api/2.0/mlflow/runs/get?run_id=${ids['best']}`);
    expect(res.status).toBe(200);
    const run = (
      res.body as { run: { info: Record<string, unknown>; data: Record<string, unknown> } }
    ).run;
    expect(Object.keys(run.info).sort()).toEqual([
      'artifact_uri',
      'end_time',
      'experiment_id',
      'lifecycle_stage',
      'run_id',
      'run_name',
      'run_uuid',
      'start_time',
      'status',
      'user_id',
    ]);
    expect(run.info).toMatchObject({
      run_id: ids['best'],
      experiment_id: experimentId,
      status: 'FINISHED',
      lifecycle_stage: 'active',
    });
    expect(run.info['run_id']).toMatch(/^[0-9a-f]{32}$/);
    expect(run.data['metrics']).toEqual([{ key: 'auc', value: 0.91, timestamp: 100, step: 0 }]);
    expect(run.data['tags']).toEqual(
      expect.arrayContaining([{ key: 'mlflow.source.git.commit', value: 'abc' }]),
    );
    expect(run.data).not.toHaveProperty('params'); // empty repeated fields are omitted, as protobuf JSON does
  });

  it('runs/get of an unknown run is 404 RESOURCE_DOES_NOT_EXIST', async () => {
    const res = await ws.call(
      'GET',
      '/api/2.0/mlflow/runs/get?run_id=0123456789abcdef0123456789abcdef',
    );
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ error_code: 'RESOURCE_DOES_NOT_EXIST' });
  });

  it.each([
    {
      name: 'commit filter, best auc first',
      filter: `${COMMIT} = 'abc'`,
      order: ['metrics.auc DESC'],
      expected: ['failed', 'best', 'good'],
    },
    {
      name: 'commit + FINISHED',
      filter: `${COMMIT} = 'abc' AND attributes.status = 'FINISHED'`,
      order: ['metrics.auc DESC'],
      expected: ['best', 'good'],
    },
    {
      name: 'default order start_time DESC',
      filter: `${COMMIT} = 'abc'`,
      order: undefined,
      expected: ['failed', 'good', 'best'],
    },
    {
      name: 'metric threshold',
      filter: 'metrics.auc > 0.9',
      order: ['metrics.auc ASC'],
      expected: ['best', 'failed', 'other'],
    },
    { name: 'no match', filter: `${COMMIT} = 'nope'`, order: undefined, expected: [] },
  ])('runs/search: $name', async ({ filter, order, expected }) => {
    const res = await search({ filter, ...(order ? { order_by: order } : {}) });
    expect(res.status).toBe(200);
    const runs = (res.body as { runs?: { info: { run_id: string } }[] }).runs ?? [];
    expect(runs.map((r) => r.info.run_id)).toEqual(expected.map((k) => ids[k]));
    if (expected.length === 0) expect(res.body).toEqual({}); // MLflow omits an empty runs list
  });

  it.each([
    { name: 'ACTIVE_ONLY (default)', view: undefined, count: 4 },
    { name: 'DELETED_ONLY', view: 'DELETED_ONLY', count: 1 },
    { name: 'ALL', view: 'ALL', count: 5 },
  ])('runs/search run_view_type $name', async ({ view, count }) => {
    const res = await search(view ? { run_view_type: view } : {});
    expect(((res.body as { runs?: unknown[] }).runs ?? []).length).toBe(count);
  });

  it('runs/search pages with max_results and page_token', async () => {
    const first = await search({ max_results: 3 });
    const body = first.body as { runs: { info: { run_id: string } }[]; next_page_token: string };
    expect(body.runs).toHaveLength(3);
    const second = await search({ max_results: 3, page_token: body.next_page_token });
    const rest = second.body as { runs: { info: { run_id: string } }[]; next_page_token?: string };
    expect(rest.runs).toHaveLength(1);
    expect(rest.next_page_token).toBeUndefined();
    expect(new Set([...body.runs, ...rest.runs].map((r) => r.info.run_id)).size).toBe(4);
  });

  it.each([
    { name: 'invalid filter', body: { filter: "tags.a = 'x' OR tags.b = 'y'" } },
    { name: 'invalid order_by', body: { order_by: ['metrics.auc SIDEWAYS'] } },
    { name: 'max_results above 50000', body: { max_results: 50001 } },
    { name: 'unknown run_view_type', body: { run_view_type: 'SOME' } },
    { name: 'foreign page token', body: { page_token: 'not-a-token' } },
  ])('runs/search rejects $name with 400 INVALID_PARAMETER_VALUE', async ({ body }) => {
    const res = await search(body);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error_code: 'INVALID_PARAMETER_VALUE' });
  });
});

import { addMlflowRun, getMlflowRun } from '../../emulator/mlflow-scenario.js';
import { createMlWorkspace, type MlWorkspace } from '../../emulator/mlflow-workspace.js';

describe('runs/set-tag and runs/delete-tag', () => {
  let ws: MlWorkspace;
  let ids: Record<string, string>;
  beforeEach(() => {
    ws = createMlWorkspace();
    ids = {
      good: addMlflowRun(ws.state, { experiment: '/Shared/churn' }).info.run_id,
      deleted: addMlflowRun(ws.state, { experiment: '/Shared/churn', lifecycle_stage: 'deleted' })
        .info.run_id,
    };
  });

  it('runs/set-tag sets and overwrites a tag; delete-tag removes it', async () => {
    const runId = ids['good'] ?? '';
    const set = (value: string) =>
      ws.call('POST', '/api/2.0/mlflow/runs/set-tag', {
        body: { run_id: runId, key: 'bitbucket.buildNumber', value },
      });
    expect(await set('41')).toEqual({ status: 200, body: {} });
    await set('42');
    expect(getMlflowRun(ws.state, runId)?.tags['bitbucket.buildNumber']).toBe('42');
    const del = await ws.call('POST', '/api/2.0/mlflow/runs/delete-tag', {
      body: { run_id: runId, key: 'bitbucket.buildNumber' },
    });
    expect(del.status).toBe(200);
    expect(getMlflowRun(ws.state, runId)?.tags).not.toHaveProperty('bitbucket.buildNumber');
    const again = await ws.call('POST', '/api/2.0/mlflow/runs/delete-tag', {
      body: { run_id: runId, key: 'bitbucket.buildNumber' },
    });
    expect(again.body).toMatchObject({ error_code: 'RESOURCE_DOES_NOT_EXIST' });
  });

  it('runs/set-tag on mlflow.runName renames the run', async () => {
    const runId = ids['good'] ?? '';
    await ws.call('POST', '/api/2.0/mlflow/runs/set-tag', {
      body: { run_id: runId, key: 'mlflow.runName', value: 'renamed' },
    });
    expect(getMlflowRun(ws.state, runId)?.info.run_name).toBe('renamed');
  });

  it.each([
    {
      name: 'key of 251 bytes',
      key: 'k'.repeat(251),
      value: 'v',
      code: 'INVALID_PARAMETER_VALUE',
      status: 400,
    },
    {
      name: 'value above 64 KB',
      key: 'k',
      value: 'v'.repeat(64 * 1024 + 1),
      code: 'INVALID_PARAMETER_VALUE',
      status: 400,
    },
    {
      name: 'key with a bad character',
      key: 'a:b',
      value: 'v',
      code: 'INVALID_PARAMETER_VALUE',
      status: 400,
    },
    {
      name: 'key resolving to another path',
      key: 'a/../b',
      value: 'v',
      code: 'INVALID_PARAMETER_VALUE',
      status: 400,
    },
    {
      name: 'missing key',
      key: undefined,
      value: 'v',
      code: 'INVALID_PARAMETER_VALUE',
      status: 400,
    },
    {
      name: 'unknown run',
      key: 'k',
      value: 'v',
      runId: 'f'.repeat(32),
      code: 'RESOURCE_DOES_NOT_EXIST',
      status: 404,
    },
    {
      name: 'deleted run',
      key: 'k',
      value: 'v',
      runKey: 'deleted',
      code: 'INVALID_PARAMETER_VALUE',
      status: 400,
    },
  ])('runs/set-tag rejects $name', async ({ key, value, runId, runKey, code, status }) => {
    const body = { run_id: runId ?? ids[runKey ?? 'good'], key, value };
    const res = await ws.call('POST', '/api/2.0/mlflow/runs/set-tag', { body });
    expect(res.status).toBe(status);
    expect(res.body).toMatchObject({ error_code: code });
  });

  it('accepts a key of exactly 250 bytes and a value of exactly 64 KB', async () => {
    const body = { run_id: ids['good'], key: 'k'.repeat(250), value: 'v'.repeat(64 * 1024) };
    expect((await ws.call('POST', '/api/2.0/mlflow/runs/set-tag', { body })).status).toBe(200);
  });
});

describe('runs/log-batch', () => {
  const PATH = '/api/2.0/mlflow/runs/log-batch';
  let ws: MlWorkspace;
  let runId: string;
  let deleted: string;
  beforeEach(() => {
    ws = createMlWorkspace();
    runId = addMlflowRun(ws.state, { experiment: '/Shared/churn', params: { lr: '0.1' } }).info
      .run_id;
    deleted = addMlflowRun(ws.state, { experiment: '/Shared/churn', lifecycle_stage: 'deleted' })
      .info.run_id;
  });
  const tags = (n: number, value = 'v') =>
    Array.from({ length: n }, (_, i) => ({ key: `k${i}`, value }));
  const send = (body: unknown) => ws.call('POST', PATH, { body });

  it('sets every tag of the batch, overwriting, and keeps the run name in step', async () => {
    await send({ run_id: runId, tags: [{ key: 'team', value: 'old' }] });
    const res = await send({
      run_id: runId,
      tags: [
        { key: 'team', value: 'ml' },
        { key: 'bitbucket.commit', value: 'c0ffee' },
        { key: 'mlflow.runName', value: 'renamed' },
      ],
    });
    expect(res).toEqual({ status: 200, body: {} });
    const run = getMlflowRun(ws.state, runId);
    expect(run?.tags).toMatchObject({ team: 'ml', 'bitbucket.commit': 'c0ffee' });
    expect(run?.info.run_name).toBe('renamed');
  });

  it('logs params and metrics too, as MLflow does', async () => {
    const res = await send({
      run_id: runId,
      params: [{ key: 'epochs', value: '3' }],
      metrics: [{ key: 'auc', value: 0.91, timestamp: 1, step: 0 }],
    });
    expect(res.status).toBe(200);
    expect(getMlflowRun(ws.state, runId)).toMatchObject({
      params: { lr: '0.1', epochs: '3' },
      metrics: { auc: 0.91 },
    });
  });

  it('accepts exactly 100 tags, a key of 250 bytes and a value of 64 KB', async () => {
    expect((await send({ run_id: runId, tags: tags(100) })).status).toBe(200);
    const edge = [{ key: 'k'.repeat(250), value: 'v'.repeat(64 * 1024) }];
    expect((await send({ run_id: runId, tags: edge })).status).toBe(200);
  });

  const INVALID = { status: 400, code: 'INVALID_PARAMETER_VALUE' };
  interface Refusal {
    name: string;
    run?: 'good' | 'deleted' | 'unknown' | 'none';
    batch: Record<string, unknown>;
    status: number;
    code: string;
    says?: RegExp;
  }
  it.each<Refusal>([
    {
      name: 'an unknown run',
      run: 'unknown',
      batch: { tags: tags(2) },
      status: 404,
      code: 'RESOURCE_DOES_NOT_EXIST',
    },
    { name: 'a deleted run', run: 'deleted', batch: { tags: tags(2) }, ...INVALID },
    { name: 'no run_id', run: 'none', batch: { tags: tags(2) }, ...INVALID, says: /run_id/ },
    { name: 'tags that are not a list', batch: { tags: { a: '1' } }, ...INVALID, says: /'tags'/ },
    {
      name: 'a tag without a key',
      batch: { tags: [{ value: '1' }] },
      ...INVALID,
      says: /tags\[0\]\.key/,
    },
    {
      name: 'a key with a bad character',
      batch: { tags: [{ key: 'a:b', value: '1' }] },
      ...INVALID,
    },
    {
      name: 'a key of 251 bytes',
      batch: { tags: [{ key: 'k'.repeat(251), value: '1' }] },
      ...INVALID,
    },
    {
      name: 'a value above 64 KB',
      batch: { tags: [{ key: 'k', value: 'v'.repeat(64 * 1024 + 1) }] },
      ...INVALID,
    },
    {
      name: '101 tags',
      batch: { tags: tags(101) },
      ...INVALID,
      says: /at most 100 tags\. Got 101 tags/,
    },
    {
      name: 'the same param twice',
      batch: {
        params: [
          { key: 'e', value: '1' },
          { key: 'e', value: '2' },
        ],
      },
      ...INVALID,
      says: /Duplicate parameter keys/,
    },
    {
      name: 'a changed param',
      batch: { params: [{ key: 'lr', value: '0.2' }] },
      ...INVALID,
      says: /Changing param values is not allowed/,
    },
  ])('rejects $name', async ({ run = 'good', batch, status, code, says }) => {
    const ids: Record<string, string | undefined> = {
      good: runId,
      deleted,
      unknown: 'f'.repeat(32),
      none: undefined,
    };
    const res = await send({ run_id: ids[run], ...batch });
    expect(res.status).toBe(status);
    expect(res.body).toMatchObject({ error_code: code });
    if (says) expect((res.body as { message: string }).message).toMatch(says);
  });

  it('changes nothing when any entry of the batch is refused', async () => {
    const res = await send({
      run_id: runId,
      tags: [
        { key: 'good', value: '1' },
        { key: 'bad:key', value: '2' },
      ],
    });
    expect(res.status).toBe(400);
    expect(getMlflowRun(ws.state, runId)?.tags).not.toHaveProperty('good');
  });
});

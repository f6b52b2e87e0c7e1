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

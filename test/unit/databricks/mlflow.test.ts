import { mlflowApi, type MlflowApi } from '../../../src/databricks/mlflow.js';
import type { ApiRequest } from '../../../src/databricks/types.js';
import { fakeApi } from '../actions/jobs/support/fake-api.js';

const TAGS = [
  { key: 'a', value: '1' },
  { key: 'b', value: '2' },
];

describe('mlflowApi: run tag writes', () => {
  it.each([
    {
      name: 'setRunTag → runs/set-tag, idempotent',
      call: (ml: MlflowApi) => ml.setRunTag('r1', { key: 'a', value: '1' }),
      path: '/api/2.0/mlflow/runs/set-tag',
      body: { run_id: 'r1', key: 'a', value: '1' },
    },
    {
      name: 'logBatchTags → runs/log-batch, idempotent',
      call: (ml: MlflowApi) => ml.logBatchTags('r1', TAGS),
      path: '/api/2.0/mlflow/runs/log-batch',
      body: { run_id: 'r1', tags: TAGS },
    },
  ])('$name', async ({ call, path, body }) => {
    const api = fakeApi({ [`POST ${path}`]: [{}] });
    const signal = new AbortController().signal;
    await call(mlflowApi(api, signal));
    const [sent] = api.requests as [ApiRequest];
    expect(sent).toEqual({ method: 'POST', path, body, idempotent: true, signal });
  });
});

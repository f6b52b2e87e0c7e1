import { provisionalSelection } from '../../../../src/actions/registry/preflight-selection.js';
import { resolveSource } from '../../../../src/actions/registry/register.js';
import { resolveRuns, runTagRun } from '../../../../src/actions/registry/tag-runs.js';
import type { MlflowRun } from '../../../../src/databricks/mlflow.js';
import { PipeError } from '../../../../src/errors.js';
import { fakeApi } from '../jobs/support/fake-api.js';
import { fakeMlflow, testContext } from './support.js';

const run = (id: string): MlflowRun => ({ info: { run_id: id, experiment_id: '7' } });
const ml = fakeMlflow({
  getExperimentByName: () => Promise.resolve({ experiment_id: '7', name: '/Shared/churn' }),
  searchRuns: () => Promise.resolve({ runs: [run('best'), run('next')] }),
  getRun: (id) =>
    id === 'gone'
      ? Promise.reject(new PipeError('ERR_NOT_FOUND', '404'))
      : Promise.resolve(run(id)),
});

describe('resolveSource', () => {
  it.each([
    {
      name: 'a selector (default artifact path)',
      spec: { from_run: { experiment: '/Shared/churn' } },
      source: 'runs:/best/model',
      runId: 'best',
    },
    {
      name: 'a selector with an artifact path',
      spec: { from_run: { experiment: '/Shared/churn', artifact_path: '/models/clf' } },
      source: 'runs:/best/models/clf',
      runId: 'best',
    },
    {
      name: 'a runs URI',
      spec: { source: 'runs:/r9/model' },
      source: 'runs:/r9/model',
      runId: 'r9',
    },
    {
      name: 'a source without a run',
      spec: { source: 'dbfs:/models/clf' },
      source: 'dbfs:/models/clf',
      runId: undefined,
    },
  ])('resolves $name', async ({ spec, source, runId }) => {
    const resolved = await resolveSource(ml, { name: 'churn', ...spec });
    expect(resolved.source).toBe(source);
    expect(resolved.run?.runId).toBe(runId);
  });

  it('names a runs URI whose run does not exist', async () => {
    await expect(
      resolveSource(ml, { name: 'churn', source: 'runs:/gone/model' }),
    ).rejects.toMatchObject({
      code: 'ERR_NOT_FOUND',
      message: 'MLflow run gone not found',
    });
  });
});

describe('resolveRuns (tag_run)', () => {
  it.each([
    { name: 'one run id', spec: { run_id: 'a', tags: {} }, ids: ['a'] },
    { name: 'run ids, each once', spec: { run_ids: ['a', 'b', 'a'], tags: {} }, ids: ['a', 'b'] },
    {
      name: 'a selector',
      spec: { from_run: { experiment: '/Shared/churn' }, tags: {} },
      ids: ['best', 'next'],
    },
  ])('resolves $name', async ({ spec, ids }) => {
    expect((await resolveRuns(ml, spec)).map((r) => r.runId)).toEqual(ids);
  });
});

describe('runTagRun: the preflight selection', () => {
  const selected = [{ runId: 'best', experimentId: '7', tags: {} }];
  it.each([
    { name: 'final: reused, nothing asked again', isFinal: true, reads: [] },
    {
      name: 'provisional: selected again',
      isFinal: false,
      reads: ['GET /api/2.0/mlflow/experiments/get-by-name', 'POST /api/2.0/mlflow/runs/search'],
    },
  ])('$name', async ({ isFinal, reads }) => {
    const api = fakeApi({
      'GET /api/2.0/mlflow/experiments/get-by-name': [{ experiment: { experiment_id: '7' } }],
      'POST /api/2.0/mlflow/runs/search': [{ runs: [run('best')] }],
      'POST /api/2.0/mlflow/runs/set-tag': [{}],
    });
    const ctx = { ...testContext({ provenanceTags: false }), api };
    ctx.resolved = { ...provisionalSelection(selected), isFinal };
    const spec = { from_run: { experiment: '/Shared/churn' }, tags: { reviewed: 'yes' } };
    await expect(runTagRun(spec, ctx)).resolves.toEqual({ run_ids: ['best'] });
    const sent = api.requests.map((r) => `${r.method} ${r.path}`);
    expect(sent).toEqual([...reads, 'POST /api/2.0/mlflow/runs/set-tag']);
  });
});

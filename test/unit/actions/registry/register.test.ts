import { resolveSource } from '../../../../src/actions/registry/register.js';
import { resolveRuns } from '../../../../src/actions/registry/tag-runs.js';
import type { MlflowRun } from '../../../../src/databricks/mlflow.js';
import { PipeError } from '../../../../src/errors.js';
import { fakeMlflow } from './support.js';

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

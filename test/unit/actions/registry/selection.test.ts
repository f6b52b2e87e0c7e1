import {
  NoMatchingRunError,
  resolveExperiment,
  runIdOfSource,
  selectRuns,
} from '../../../../src/actions/registry/selection.js';
import type { MlflowRun, SearchRunsRequest } from '../../../../src/databricks/mlflow.js';
import { PipeError, isPipeError } from '../../../../src/errors.js';
import { fakeMlflow } from './support.js';

const run = (id: string): MlflowRun => ({
  info: { run_id: id, experiment_id: '7', run_name: `name-${id}` },
  data: { tags: [{ key: 'k', value: id }] },
});
const experiment = { experiment_id: '7', name: '/Shared/churn' };

describe('runIdOfSource', () => {
  it.each([
    { name: 'a runs URI', source: 'runs:/abc123/model', runId: 'abc123' },
    { name: 'a nested artifact path', source: 'runs:/abc123/models/clf', runId: 'abc123' },
    { name: 'a models URI', source: 'models:/churn/3', runId: undefined },
    {
      name: 'a storage path',
      source: 'dbfs:/databricks/mlflow/1/abc/artifacts/model',
      runId: undefined,
    },
  ])('$name → $runId', ({ source, runId }) => {
    expect(runIdOfSource(source)).toBe(runId);
  });
});

describe('resolveExperiment', () => {
  it.each([
    { name: 'a numeric id', ref: '7', call: 'getExperiment' },
    { name: 'a path', ref: '/Shared/churn', call: 'getExperimentByName' },
  ])('looks up $name with $call', async ({ ref, call }) => {
    const used: string[] = [];
    const ml = fakeMlflow({
      getExperiment: () => (used.push('getExperiment'), Promise.resolve(experiment)),
      getExperimentByName: () => (used.push('getExperimentByName'), Promise.resolve(experiment)),
    });
    await resolveExperiment(ml, ref);
    expect(used).toEqual([call]);
  });

  it('names a missing experiment', async () => {
    const ml = fakeMlflow({
      getExperimentByName: () => Promise.reject(new PipeError('ERR_NOT_FOUND', 'GET … 404')),
    });
    const error: unknown = await resolveExperiment(ml, '/Shared/nope').catch((e: unknown) => e);
    expect(isPipeError(error, 'ERR_NOT_FOUND') && error.message).toBe(
      'experiment /Shared/nope not found',
    );
  });
});

describe('selectRuns', () => {
  function searching(pages: MlflowRun[][]): {
    ml: ReturnType<typeof fakeMlflow>;
    requests: SearchRunsRequest[];
  } {
    const requests: SearchRunsRequest[] = [];
    const ml = fakeMlflow({
      getExperimentByName: () => Promise.resolve(experiment),
      searchRuns: (req) => {
        requests.push(req);
        const runs = pages[requests.length - 1] ?? [];
        return Promise.resolve(
          requests.length < pages.length ? { runs, next_page_token: 't' } : { runs },
        );
      },
    });
    return { ml, requests };
  }

  it('sends the filter and order, and asks for no more than needed', async () => {
    const { ml, requests } = searching([[run('a')]]);
    const [first] = await selectRuns(
      ml,
      { experiment: '/Shared/churn', filter: 'metrics.auc > 0.5', order_by: 'metrics.auc DESC' },
      1,
    );
    expect(first).toEqual({ runId: 'a', experimentId: '7', runName: 'name-a', tags: { k: 'a' } });
    expect(requests).toEqual([
      {
        experiment_ids: ['7'],
        filter: 'metrics.auc > 0.5',
        order_by: ['metrics.auc DESC'],
        max_results: 1,
      },
    ]);
  });

  it('follows pages until the limit', async () => {
    const { ml, requests } = searching([[run('a'), run('b')], [run('c'), run('d')], [run('e')]]);
    const runs = await selectRuns(ml, { experiment: '/Shared/churn' }, 3);
    expect(runs.map((r) => r.runId)).toEqual(['a', 'b', 'c']);
    expect(requests.map((r) => [r.max_results, r.page_token])).toEqual([
      [3, undefined],
      [1, 't'],
    ]);
  });

  it('reports no match with the experiment and the filter', async () => {
    const { ml } = searching([[]]);
    const error: unknown = await selectRuns(
      ml,
      { experiment: '/Shared/churn', filter: "tags.x = 'y'" },
      1,
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NoMatchingRunError);
    expect((error as PipeError).code).toBe('ERR_NOT_FOUND');
    expect((error as PipeError).message).toBe(
      "no run in experiment /Shared/churn matches filter tags.x = 'y'",
    );
  });
});

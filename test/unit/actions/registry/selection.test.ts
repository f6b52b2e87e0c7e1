import {
  NoMatchingRunError,
  resolveExperiment,
  runIdOfSource,
  selectRuns,
} from '../../../../src/actions/registry/selection.js';
import type { MlflowRun, SearchRunsRequest } from '../../../../src/databricks/mlflow.js';
import type { ApiClient } from '../../../../src/databricks/types.js';
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

describe('resolveExperiment, once per invocation', () => {
  /** A client standing for one pipe invocation (the memo's key); it is never called. */
  const invocation = (): ApiClient => ({
    request: () => Promise.reject(new Error('unexpected request')),
    requestCount: 0,
  });
  /** An MLflow API counting look-ups; `answers` are given in turn (the last repeats). */
  function counting(answers: Array<'found' | 'missing' | 'failing'> = ['found']) {
    const calls: string[] = [];
    const answer = (call: string) => {
      calls.push(call);
      const next = answers[Math.min(calls.length, answers.length) - 1];
      if (next === 'missing') return Promise.reject(new PipeError('ERR_NOT_FOUND', '404'));
      if (next === 'failing') return Promise.reject(new PipeError('ERR_RETRIES_EXHAUSTED', '503'));
      return Promise.resolve(experiment);
    };
    const ml = fakeMlflow({
      getExperiment: () => answer('get'),
      getExperimentByName: () => answer('get-by-name'),
    });
    return { ml, calls };
  }

  it.each([
    {
      name: 'the same name twice',
      refs: ['/Shared/churn', '/Shared/churn'],
      calls: ['get-by-name'],
    },
    { name: 'the same id twice', refs: ['7', '7'], calls: ['get'] },
    { name: 'a name, then its id', refs: ['/Shared/churn', '7'], calls: ['get-by-name'] },
    { name: 'an id, then its name', refs: ['7', '/Shared/churn'], calls: ['get'] },
    {
      name: 'two experiments',
      refs: ['/Shared/churn', '/Shared/other'],
      calls: ['get-by-name', 'get-by-name'],
    },
  ])('$name: $calls', async ({ refs, calls: expected }) => {
    const { ml, calls } = counting();
    const client = invocation();
    for (const ref of refs) await resolveExperiment(ml, ref, client);
    expect(calls).toEqual(expected);
  });

  it('two selectors asking at once share one look-up', async () => {
    const { ml, calls } = counting();
    const client = invocation();
    await Promise.all([
      resolveExperiment(ml, '/Shared/churn', client),
      resolveExperiment(ml, '/Shared/churn', client),
    ]);
    expect(calls).toHaveLength(1);
  });

  it('another invocation asks again', async () => {
    const { ml, calls } = counting();
    await resolveExperiment(ml, '/Shared/churn', invocation());
    await resolveExperiment(ml, '/Shared/churn', invocation());
    expect(calls).toHaveLength(2);
  });

  it.each([
    {
      name: 'NOT_FOUND is not remembered as found',
      first: 'missing' as const,
      code: 'ERR_NOT_FOUND',
    },
    {
      name: 'a failed call is not remembered',
      first: 'failing' as const,
      code: 'ERR_RETRIES_EXHAUSTED',
    },
  ])('$name: the next ask goes to the server', async ({ first, code }) => {
    const { ml, calls } = counting([first, 'found']);
    const client = invocation();
    await expect(resolveExperiment(ml, '/Shared/churn', client)).rejects.toMatchObject({ code });
    await expect(resolveExperiment(ml, '/Shared/churn', client)).resolves.toEqual(experiment);
    await expect(resolveExperiment(ml, '/Shared/churn', client)).resolves.toEqual(experiment);
    expect(calls).toEqual(['get-by-name', 'get-by-name']);
  });

  it('never takes a digits-only name for an id', async () => {
    // Experiment 8 is named "123"; "123" in a plan still means experiment id 123.
    const calls: string[] = [];
    const ml = fakeMlflow({
      getExperiment: (id) => {
        calls.push(`get ${id}`);
        return Promise.resolve({ experiment_id: id, name: id === '8' ? '123' : '/Shared/x' });
      },
    });
    const client = invocation();
    await resolveExperiment(ml, '8', client);
    await expect(resolveExperiment(ml, '123', client)).resolves.toMatchObject({
      experiment_id: '123',
    });
    expect(calls).toEqual(['get 8', 'get 123']);
  });

  it('selectRuns with the invocation looks the experiment up once for two searches', async () => {
    const { ml, calls } = counting();
    const searching = fakeMlflow({
      getExperimentByName: ml.getExperimentByName,
      searchRuns: () => Promise.resolve({ runs: [run('a')] }),
    });
    const client = invocation();
    await selectRuns(searching, { experiment: '/Shared/churn' }, 1, client);
    await selectRuns(
      searching,
      { experiment: '/Shared/churn', filter: 'metrics.auc > 0' },
      1,
      client,
    );
    expect(calls).toEqual(['get-by-name']);
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

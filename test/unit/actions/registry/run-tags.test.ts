import { applyRunTags, tagsForRun } from '../../../../src/actions/registry/run-tags.js';
import type { MlflowApi, MlflowTag } from '../../../../src/databricks/mlflow.js';
import { PipeError } from '../../../../src/errors.js';
import { fakeMlflow, testContext, type TestContext } from './support.js';

const run = (tags: Record<string, string>, runId = 'r1') => ({
  runId,
  experimentId: '1',
  tags: { ...tags },
});

/** Returns `n` tags `k0: v0`, `k1: v1`, … */
const manyTags = (n: number): Record<string, string> =>
  Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, `v${i}`]));

const apiError = (status: number, errorCode?: string): PipeError =>
  new PipeError(status === 404 ? 'ERR_NOT_FOUND' : 'ERR_API', `POST runs/log-batch failed`, {
    api: { status, ...(errorCode ? { errorCode } : {}) },
  });

/** An MLflow API recording each write as `set-tag <key>` or `log-batch <n>`. */
function recording(
  logBatch: (tags: readonly MlflowTag[]) => Promise<void> = () => Promise.resolve(),
) {
  const writes: string[] = [];
  const ml: MlflowApi = fakeMlflow({
    setRunTag: (_id, tag) => (writes.push(`set-tag ${tag.key}`), Promise.resolve()),
    logBatchTags: (_id, tags) => (writes.push(`log-batch ${tags.length}`), logBatch(tags)),
  });
  return { ml, writes };
}

const operations = (ctx: TestContext): string[] =>
  ctx.events.map((e) => `${e.operation} ${e.target} ${e.result}`);

describe('tagsForRun', () => {
  it.each([
    {
      name: 'provenance on',
      provenance: true,
      extra: {},
      has: ['mlflow.source.git.commit', 'bitbucket.commit'],
      lacks: [],
    },
    { name: 'provenance off', provenance: false, extra: {}, has: [], lacks: ['bitbucket.commit'] },
    {
      name: 'provenance off, own tags',
      provenance: false,
      extra: { team: 'ml' },
      has: ['team'],
      lacks: ['bitbucket.commit'],
    },
  ])('$name', ({ provenance, extra, has, lacks }) => {
    const tags = tagsForRun(testContext({ provenanceTags: provenance }), run({}), extra);
    for (const key of has) expect(tags).toHaveProperty([key]);
    for (const key of lacks) expect(tags).not.toHaveProperty([key]);
  });

  it('leaves out tags the run already has with the same value', () => {
    expect(
      tagsForRun(testContext({ provenanceTags: false }), run({ team: 'ml' }), {
        team: 'ml',
        stage: 'x',
      }),
    ).toEqual({ stage: 'x' });
  });
});

describe('applyRunTags', () => {
  it.each([
    { name: 'one tag: one set-tag', count: 1, writes: ['set-tag k0'], endpoint: 'set-tag' },
    { name: 'two tags: one log-batch', count: 2, writes: ['log-batch 2'], endpoint: 'log-batch' },
    {
      name: '100 tags: one log-batch',
      count: 100,
      writes: ['log-batch 100'],
      endpoint: 'log-batch',
    },
    {
      name: '101 tags: two log-batches (MLflow takes at most 100)',
      count: 101,
      writes: ['log-batch 100', 'log-batch 1'],
      endpoint: 'log-batch',
    },
    {
      name: '250 tags: three log-batches',
      count: 250,
      writes: ['log-batch 100', 'log-batch 100', 'log-batch 50'],
      endpoint: 'log-batch',
    },
  ])('$name, one audit record naming it', async ({ count, writes: expected, endpoint }) => {
    const ctx = testContext({ provenanceTags: false });
    const { ml, writes } = recording();
    const target = run({});
    expect(await applyRunTags(ctx, ml, target, manyTags(count))).toBe(count);
    expect(writes).toEqual(expected);
    expect(operations(ctx)).toEqual([`mlflow.runs.${endpoint} run:r1 succeeded`]);
    expect(ctx.events[0]?.request).toEqual({ tags: manyTags(count) });
    // The run now carries them: a second pass finds nothing to do and records nothing.
    expect(await applyRunTags(ctx, ml, target, manyTags(count))).toBe(0);
    expect(writes).toHaveLength(expected.length);
    expect(ctx.events).toHaveLength(1);
  });

  it('sends the tags themselves in each batch, in order', async () => {
    const ctx = testContext({ provenanceTags: false });
    const sent: MlflowTag[][] = [];
    const ml = fakeMlflow({
      logBatchTags: (_id, tags) => (sent.push([...tags]), Promise.resolve()),
    });
    await applyRunTags(ctx, ml, run({}), { a: '1', b: '2' });
    expect(sent).toEqual([
      [
        { key: 'a', value: '1' },
        { key: 'b', value: '2' },
      ],
    ]);
  });

  it.each([
    { name: '404 ENDPOINT_NOT_FOUND', error: apiError(404, 'ENDPOINT_NOT_FOUND') },
    { name: 'a bare 404 page', error: apiError(404) },
    { name: '501 Not Implemented', error: apiError(501) },
  ])(
    'a server without log-batch ($name): set-tag one by one, for the rest of the invocation',
    async ({ error }) => {
      const ctx = testContext({ provenanceTags: false, debug: true });
      const { ml, writes } = recording(() => Promise.reject(error));
      await applyRunTags(ctx, ml, run({}), { a: '1', b: '2' });
      await applyRunTags(ctx, ml, run({}, 'r2'), { c: '3', d: '4' });
      expect(writes).toEqual(['log-batch 2', 'set-tag a', 'set-tag b', 'set-tag c', 'set-tag d']);
      expect(operations(ctx)).toEqual([
        'mlflow.runs.set-tag run:r1 succeeded',
        'mlflow.runs.set-tag run:r2 succeeded',
      ]);
      expect(ctx.output.lines.filter((l) => l.includes('no runs/log-batch'))).toHaveLength(1);
      // Another invocation (another client) asks again.
      const next = testContext({ provenanceTags: false });
      const again = recording();
      await applyRunTags(next, again.ml, run({}), { a: '1', b: '2' });
      expect(again.writes).toEqual(['log-batch 2']);
    },
  );

  it.each([
    {
      name: 'a missing run (404 RESOURCE_DOES_NOT_EXIST)',
      error: apiError(404, 'RESOURCE_DOES_NOT_EXIST'),
      code: 'ERR_NOT_FOUND',
    },
    {
      name: 'a refusal (403)',
      error: new PipeError('ERR_PERMISSION_DENIED', 'no', { api: { status: 403 } }),
      code: 'ERR_PERMISSION_DENIED',
    },
    {
      name: 'a bad request (400)',
      error: apiError(400, 'INVALID_PARAMETER_VALUE'),
      code: 'ERR_API',
    },
  ])('$name fails the tagging, recorded once, with no fallback', async ({ error, code }) => {
    const ctx = testContext({ provenanceTags: false });
    const { ml, writes } = recording(() => Promise.reject(error));
    await expect(applyRunTags(ctx, ml, run({}), { a: '1', b: '2' })).rejects.toMatchObject({
      code,
    });
    expect(writes).toEqual(['log-batch 2']);
    expect(operations(ctx)).toEqual(['mlflow.runs.log-batch run:r1 failed']);
  });
});

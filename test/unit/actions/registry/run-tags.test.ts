import { applyRunTags, tagsForRun } from '../../../../src/actions/registry/run-tags.js';
import type { MlflowTag } from '../../../../src/databricks/mlflow.js';
import { fakeMlflow, testContext } from './support.js';

const run = (tags: Record<string, string>) => ({
  runId: 'r1',
  experimentId: '1',
  tags: { ...tags },
});

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
  it('sets each missing tag and records the batch once', async () => {
    const ctx = testContext({ provenanceTags: false });
    const set: MlflowTag[] = [];
    const ml = fakeMlflow({ setRunTag: (_id, tag) => (set.push(tag), Promise.resolve()) });
    const target = run({});
    expect(await applyRunTags(ctx, ml, target, { a: '1', b: '2' })).toBe(2);
    expect(set).toEqual([
      { key: 'a', value: '1' },
      { key: 'b', value: '2' },
    ]);
    expect(ctx.events).toEqual([
      expect.objectContaining({
        operation: 'mlflow.runs.set-tag',
        target: 'run:r1',
        result: 'succeeded',
        request: { tags: { a: '1', b: '2' } },
      }),
    ]);
    // A second pass finds nothing to do and records nothing.
    expect(await applyRunTags(ctx, ml, target, { a: '1', b: '2' })).toBe(0);
    expect(ctx.events).toHaveLength(1);
  });
});

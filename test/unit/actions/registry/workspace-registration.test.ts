import {
  createVersion,
  findRegisteredVersion,
  isAmbiguousFailure,
  type Registration,
} from '../../../../src/actions/registry/workspace-registration.js';
import type { ModelVersion } from '../../../../src/databricks/mlflow.js';
import { PipeError } from '../../../../src/errors.js';
import { fakeMlflow, testContext } from './support.js';

const KEY = {
  'bitbucket.pipeline_uuid': '{p}',
  'bitbucket.step_uuid': '{s}',
  'bitbucket.action': 'register',
};
const REG: Registration = {
  name: 'churn',
  source: 'runs:/r1/model',
  runId: 'r1',
  tags: { a: 'b' },
  keyTags: KEY,
};

function version(v: string, tags: Record<string, string>, status = 'READY'): ModelVersion {
  return {
    name: 'churn',
    version: v,
    status,
    run_id: 'r1',
    tags: Object.entries(tags).map(([key, value]) => ({ key, value })),
  };
}

const apiError = (status: number | undefined, errorCode?: string): PipeError =>
  new PipeError('ERR_API', 'failed', {
    api: { ...(status === undefined ? {} : { status }), ...(errorCode ? { errorCode } : {}) },
  });

describe('isAmbiguousFailure', () => {
  it.each([
    { name: 'no answer (network)', error: apiError(undefined), ambiguous: true },
    { name: 'a 503', error: apiError(503), ambiguous: true },
    {
      name: 'retries exhausted',
      error: new PipeError('ERR_RETRIES_EXHAUSTED', 'x'),
      ambiguous: true,
    },
    { name: 'a 400', error: apiError(400, 'INVALID_PARAMETER_VALUE'), ambiguous: false },
    {
      name: 'a permission error',
      error: new PipeError('ERR_PERMISSION_DENIED', 'x', { api: { status: 403 } }),
      ambiguous: false,
    },
    { name: 'a non-pipe error', error: new Error('x'), ambiguous: false },
  ])('$name → $ambiguous', ({ error, ambiguous }) => {
    expect(isAmbiguousFailure(error)).toBe(ambiguous);
  });
});

describe('findRegisteredVersion', () => {
  it.each([
    { name: 'no version', versions: [], found: undefined },
    {
      name: "another step's version",
      versions: [version('1', { ...KEY, 'bitbucket.step_uuid': '{other}' })],
      found: undefined,
    },
    {
      name: 'a failed registration of this step',
      versions: [version('1', KEY, 'FAILED_REGISTRATION')],
      found: undefined,
    },
    {
      name: 'the newest of this step',
      versions: [version('1', KEY), version('3', KEY), version('2', {})],
      found: '3',
    },
  ])('finds $name', async ({ versions, found }) => {
    const filters: string[] = [];
    const ml = fakeMlflow({
      searchModelVersions: (filter) => {
        filters.push(filter);
        return Promise.resolve({ model_versions: versions });
      },
    });
    expect((await findRegisteredVersion(ml, REG))?.version).toBe(found);
    expect(filters).toEqual(["name = 'churn' and run_id = 'r1'"]);
  });

  it('follows pages, and searches by source for a source without a run', async () => {
    const filters: string[] = [];
    const pages = [
      { model_versions: [], next_page_token: 't' },
      { model_versions: [version('4', KEY)] },
    ];
    const ml = fakeMlflow({
      searchModelVersions: (filter) => {
        filters.push(filter);
        return Promise.resolve(pages.shift() ?? { model_versions: [] });
      },
    });
    const reg: Registration = { ...REG };
    delete reg.runId;
    expect(
      (await findRegisteredVersion(ml, { ...reg, name: "o'brien", source: 'dbfs:/m' }))?.version,
    ).toBe('4');
    expect(filters[0]).toBe("name = 'o\\'brien' and source_path = 'dbfs:/m'");
    expect(filters).toHaveLength(2);
  });

  it('does not search outside a pipeline (no identity tags)', async () => {
    expect(await findRegisteredVersion(fakeMlflow({}), { ...REG, keyTags: {} })).toBeUndefined();
  });
});

describe('createVersion', () => {
  it('sends the tags and the identity tags, and records one audit event', async () => {
    const sent: unknown[] = [];
    const ctx = testContext();
    const ml = fakeMlflow({
      createModelVersion: (req) => {
        sent.push(req);
        return Promise.resolve(version('1', KEY, 'PENDING_REGISTRATION'));
      },
    });
    expect((await createVersion(ctx, ml, REG)).version).toBe('1');
    expect(sent).toEqual([
      {
        name: 'churn',
        source: 'runs:/r1/model',
        run_id: 'r1',
        tags: [
          { key: 'a', value: 'b' },
          ...Object.entries(KEY).map(([key, value]) => ({ key, value })),
        ],
      },
    ]);
    expect(ctx.events).toEqual([
      expect.objectContaining({
        operation: 'mlflow.model-versions.create',
        result: 'succeeded',
        response: { version: '1' },
      }),
    ]);
  });

  it.each([
    {
      name: 'an ambiguous failure that did create it',
      error: apiError(502),
      existing: [version('5', KEY)],
      outcome: '5',
      creates: 1,
      searches: 1,
    },
    {
      name: 'ambiguous failures that never created it',
      error: apiError(502),
      existing: [],
      outcome: 'throws',
      creates: 3,
      searches: 3,
    },
    {
      name: 'a clear refusal (no look)',
      error: apiError(400, 'INVALID_PARAMETER_VALUE'),
      existing: [version('5', KEY)],
      outcome: 'throws',
      creates: 1,
      searches: 0,
    },
  ])('after $name: looks before ever creating again', async (row) => {
    let creates = 0;
    let searches = 0;
    const ctx = testContext();
    const ml = fakeMlflow({
      createModelVersion: () => {
        creates += 1;
        return Promise.reject(row.error);
      },
      searchModelVersions: () => {
        searches += 1;
        return Promise.resolve({ model_versions: row.existing });
      },
    });
    const result = await createVersion(ctx, ml, REG).then(
      (v) => v.version,
      () => 'throws',
    );
    expect(result).toBe(row.outcome);
    expect({ creates, searches }).toEqual({ creates: row.creates, searches: row.searches });
    expect(ctx.events.map((e) => e.result)).toEqual(Array<string>(row.creates).fill('failed'));
  });

  it('creates once more when the ambiguous failure created nothing', async () => {
    let creates = 0;
    const ctx = testContext();
    const ml = fakeMlflow({
      createModelVersion: () => {
        creates += 1;
        return creates === 1
          ? Promise.reject(apiError(503))
          : Promise.resolve(version('1', KEY, 'PENDING_REGISTRATION'));
      },
      searchModelVersions: () => Promise.resolve({ model_versions: [] }),
    });
    expect((await createVersion(ctx, ml, REG)).version).toBe('1');
    expect(creates).toBe(2);
    expect(ctx.events.map((e) => e.result)).toEqual(['failed', 'succeeded']);
  });

  it('never creates twice without tags that would recognise its own version', async () => {
    let creates = 0;
    const ctx = testContext();
    const ml = fakeMlflow({
      createModelVersion: () => {
        creates += 1;
        return Promise.reject(apiError(503));
      },
    });
    await expect(createVersion(ctx, ml, { ...REG, keyTags: {} })).rejects.toMatchObject({
      code: 'ERR_API',
    });
    expect(creates).toBe(1);
  });
});

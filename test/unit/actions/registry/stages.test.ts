import { isMissingEndpoint, transition } from '../../../../src/actions/registry/stages.js';
import type { TransitionStageRequest } from '../../../../src/databricks/mlflow.js';
import { PipeError } from '../../../../src/errors.js';
import { fakeMlflow } from './support.js';

const err = (code: 'ERR_API' | 'ERR_NOT_FOUND', status: number, errorCode?: string): PipeError =>
  new PipeError(code, 'failed', { api: { status, ...(errorCode ? { errorCode } : {}) } });
const REQ: TransitionStageRequest = {
  name: 'churn',
  version: '1',
  stage: 'Production',
  archive_existing_versions: false,
  comment: 'c',
};

describe('isMissingEndpoint', () => {
  it.each([
    {
      name: "open-source MLflow's HTML 404 page",
      error: err('ERR_API', 404, 'UNKNOWN'),
      missing: true,
    },
    {
      name: 'ENDPOINT_NOT_FOUND',
      error: err('ERR_NOT_FOUND', 404, 'ENDPOINT_NOT_FOUND'),
      missing: true,
    },
    { name: 'a 404 without a body', error: err('ERR_NOT_FOUND', 404), missing: true },
    {
      name: 'a missing model version',
      error: err('ERR_NOT_FOUND', 404, 'RESOURCE_DOES_NOT_EXIST'),
      missing: false,
    },
    { name: 'a bad stage', error: err('ERR_API', 400, 'INVALID_PARAMETER_VALUE'), missing: false },
    { name: 'a plain error', error: new Error('x'), missing: false },
  ])('$name → $missing', ({ error, missing }) => {
    expect(isMissingEndpoint(error)).toBe(missing);
  });
});

describe('transition', () => {
  it.each([
    {
      name: 'uses the Databricks path when it exists',
      databricks: () =>
        Promise.resolve({ name: 'churn', version: '1', current_stage: 'Production' }),
      oss: 0,
    },
    {
      name: 'falls back to the open-source path on a 404 page',
      databricks: () => Promise.reject(err('ERR_API', 404, 'UNKNOWN')),
      oss: 1,
    },
  ])('$name', async ({ databricks, oss }) => {
    const sent: TransitionStageRequest[] = [];
    const ml = fakeMlflow({
      transitionStageDatabricks: databricks,
      transitionStageOss: (req) => (
        sent.push(req),
        Promise.resolve({ name: 'churn', version: '1', current_stage: 'Production' })
      ),
    });
    expect((await transition(ml, REQ)).current_stage).toBe('Production');
    expect(sent).toHaveLength(oss);
  });

  it('does not fall back when the version is missing', async () => {
    const ml = fakeMlflow({
      transitionStageDatabricks: () =>
        Promise.reject(err('ERR_NOT_FOUND', 404, 'RESOURCE_DOES_NOT_EXIST')),
    });
    await expect(transition(ml, REQ)).rejects.toMatchObject({ code: 'ERR_NOT_FOUND' });
  });
});

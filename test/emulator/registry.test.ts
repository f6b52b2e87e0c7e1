import {
  addMlflowRun,
  addModelVersion,
  failRegistration,
  getModelVersion,
  setRegistrationDelay,
} from '../../emulator/mlflow-scenario.js';
import { createMlWorkspace, type MlWorkspace } from '../../emulator/mlflow-workspace.js';

const API = '/api/2.0/mlflow';
type Body = Record<string, unknown>;

describe('workspace model registry', () => {
  let ws: MlWorkspace;
  let runId: string;
  beforeEach(() => {
    ws = createMlWorkspace();
    runId = addMlflowRun(ws.state, { experiment: '/Shared/churn', artifact_paths: ['model'] }).info
      .run_id;
  });

  const post = (path: string, body: Body) => ws.call('POST', `${API}/${path}`, { body });
  const get = (path: string) => ws.call('GET', `${API}/${path}`);
  const createVersion = (extra: Body = {}) =>
    post('model-versions/create', {
      name: 'churn',
      source: `runs:/${runId}/model`,
      run_id: runId,
      ...extra,
    });
  const versionOf = async (version: number): Promise<Body> =>
    (
      (await get(`model-versions/get?name=churn&version=${version}`)).body as {
        model_version: Body;
      }
    ).model_version;

  it('registered-models/create returns the model; a second create is RESOURCE_ALREADY_EXISTS', async () => {
    const first = await post('registered-models/create', {
      name: 'churn',
      description: 'd',
      tags: [{ key: 'team', value: 'ml' }],
    });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({
      registered_model: { name: 'churn', description: 'd', tags: [{ key: 'team', value: 'ml' }] },
    });
    const again = await post('registered-models/create', { name: 'churn' });
    expect(again.status).toBe(400);
    expect(again.body).toMatchObject({ error_code: 'RESOURCE_ALREADY_EXISTS' });
  });

  it.each([
    { name: 'registered-models/get', path: 'registered-models/get?name=nope' },
    { name: 'model-versions/get', path: 'model-versions/get?name=nope&version=1' },
    {
      name: 'databricks registered-models/get',
      path: 'databricks/registered-models/get?name=nope',
    },
  ])('$name of a missing model is 404 RESOURCE_DOES_NOT_EXIST', async ({ path }) => {
    const res = await get(path);
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ error_code: 'RESOURCE_DOES_NOT_EXIST' });
  });

  it('model-versions/create on a missing model is 404 RESOURCE_DOES_NOT_EXIST', async () => {
    const res = await createVersion();
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ error_code: 'RESOURCE_DOES_NOT_EXIST' });
  });

  it('numbers versions 1, 2, 3 and goes PENDING_REGISTRATION → READY after the delay', async () => {
    await post('registered-models/create', { name: 'churn' });
    setRegistrationDelay(ws.state, 5000);
    const created = await createVersion({
      tags: [{ key: 'mlflow.source.git.commit', value: 'abc' }],
      description: 'first',
    });
    expect(created.body).toMatchObject({
      model_version: {
        name: 'churn',
        version: '1',
        status: 'PENDING_REGISTRATION',
        current_stage: 'None',
        run_id: runId,
        source: `runs:/${runId}/model`,
      },
    });
    await createVersion();
    await createVersion();
    expect(await versionOf(3)).toMatchObject({ version: '3' });
    ws.advance(4999);
    expect(await versionOf(1)).toMatchObject({ status: 'PENDING_REGISTRATION' });
    ws.advance(1);
    expect(await versionOf(1)).toMatchObject({
      status: 'READY',
      tags: [{ key: 'mlflow.source.git.commit', value: 'abc' }],
      description: 'first',
    });
    expect(await versionOf(1)).not.toHaveProperty('status_message');
  });

  it('a configured failure ends FAILED_REGISTRATION with its status_message', async () => {
    await post('registered-models/create', { name: 'churn' });
    setRegistrationDelay(ws.state, 1000);
    failRegistration(ws.state, { name: 'churn', message: 'artifact copy failed' });
    await createVersion();
    await createVersion();
    expect(await versionOf(1)).toMatchObject({ status: 'PENDING_REGISTRATION' });
    ws.advance(1000);
    expect(await versionOf(1)).toMatchObject({
      status: 'FAILED_REGISTRATION',
      status_message: 'artifact copy failed',
    });
    expect(await versionOf(2)).toMatchObject({ status: 'READY' }); // the rule was for one registration
  });

  it.each([
    { name: 'artifact path the run did not log', source: (id: string) => `runs:/${id}/other` },
    { name: 'unknown run', source: () => `runs:/${'0'.repeat(32)}/model` },
  ])('a source with an $name ends FAILED_REGISTRATION', async ({ source }) => {
    await post('registered-models/create', { name: 'churn' });
    await createVersion({ source: source(runId) });
    expect(await versionOf(1)).toMatchObject({
      status: 'FAILED_REGISTRATION',
      status_message: expect.any(String),
    });
  });

  it.each([
    {
      name: 'non-integer version',
      path: 'model-versions/get?name=churn&version=one',
      status: 400,
      code: 'INVALID_PARAMETER_VALUE',
    },
    {
      name: 'missing version',
      path: 'model-versions/get?name=churn&version=9',
      status: 404,
      code: 'RESOURCE_DOES_NOT_EXIST',
    },
    {
      name: 'no name',
      path: 'registered-models/get',
      status: 400,
      code: 'INVALID_PARAMETER_VALUE',
    },
  ])('rejects $name', async ({ path, status, code }) => {
    await post('registered-models/create', { name: 'churn' });
    const res = await get(path);
    expect(res.status).toBe(status);
    expect(res.body).toMatchObject({ error_code: code });
  });

  it('model-versions/set-tag sets a tag; a value above 5000 bytes is rejected', async () => {
    addModelVersion(ws.state, 'churn', { source: 's' });
    const ok = await post('model-versions/set-tag', {
      name: 'churn',
      version: '1',
      key: 'bitbucket.buildNumber',
      value: '7',
    });
    expect(ok).toEqual({ status: 200, body: {} });
    expect(getModelVersion(ws.state, 'churn', 1)?.tags['bitbucket.buildNumber']).toBe('7');
    const long = await post('model-versions/set-tag', {
      name: 'churn',
      version: '1',
      key: 'k',
      value: 'x'.repeat(5001),
    });
    expect(long.body).toMatchObject({ error_code: 'INVALID_PARAMETER_VALUE' });
    const missing = await post('model-versions/set-tag', {
      name: 'churn',
      version: '5',
      key: 'k',
      value: 'v',
    });
    expect(missing.status).toBe(404);
  });
});

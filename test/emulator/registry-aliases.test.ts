import { addModelVersion, getAliasVersion } from '../../emulator/mlflow-scenario.js';
import { createMlWorkspace, type MlWorkspace } from '../../emulator/mlflow-workspace.js';

const API = '/api/2.0/mlflow';
type Body = Record<string, unknown>;

describe('workspace registry aliases', () => {
  let ws: MlWorkspace;
  beforeEach(() => {
    ws = createMlWorkspace();
    for (const source of ['s1', 's2', 's3']) addModelVersion(ws.state, 'churn', { source });
  });
  const setAlias = (version: string, alias = 'champion') =>
    ws.call('POST', `${API}/registered-models/alias`, { body: { name: 'churn', alias, version } });
  const getAlias = (alias = 'champion') =>
    ws.call('GET', `${API}/registered-models/alias?name=churn&alias=${alias}`);
  const model = async (): Promise<Body> =>
    (
      (await ws.call('GET', `${API}/registered-models/get?name=churn`)).body as {
        registered_model: Body;
      }
    ).registered_model;

  it('sets an alias, returns the aliased version and lists it on the model', async () => {
    expect(await setAlias('2')).toEqual({ status: 200, body: {} });
    const res = await getAlias();
    expect(res.body).toMatchObject({
      model_version: { name: 'churn', version: '2', aliases: ['champion'] },
    });
    expect((await model())['aliases']).toEqual([{ alias: 'champion', version: '2' }]);
  });

  it('moves an alias: the old version loses it, the alias returns the new version', async () => {
    await setAlias('1');
    await setAlias('3');
    expect(getAliasVersion(ws.state, 'churn', 'champion')).toBe(3);
    expect(await getAlias()).toMatchObject({
      body: { model_version: { version: '3', aliases: ['champion'] } },
    });
    const v1 = await ws.call('GET', `${API}/model-versions/get?name=churn&version=1`);
    expect((v1.body as { model_version: Body }).model_version).not.toHaveProperty('aliases');
  });

  it('deletes an alias; reading it afterwards is INVALID_PARAMETER_VALUE as in MLflow', async () => {
    await setAlias('1');
    const del = await ws.call('DELETE', `${API}/registered-models/alias`, {
      body: { name: 'churn', alias: 'champion' },
    });
    expect(del.status).toBe(200);
    const res = await getAlias();
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      error_code: 'INVALID_PARAMETER_VALUE',
      message: 'Registered model alias champion not found.',
    });
  });

  it.each([
    {
      name: 'a missing version',
      version: '9',
      alias: 'champion',
      status: 404,
      code: 'RESOURCE_DOES_NOT_EXIST',
    },
    {
      name: "the reserved 'latest'",
      version: '1',
      alias: 'Latest',
      status: 400,
      code: 'INVALID_PARAMETER_VALUE',
    },
    {
      name: 'a version-like alias',
      version: '1',
      alias: 'v2',
      status: 400,
      code: 'INVALID_PARAMETER_VALUE',
    },
    {
      name: 'a bad character',
      version: '1',
      alias: 'champ.ion',
      status: 400,
      code: 'INVALID_PARAMETER_VALUE',
    },
  ])('refuses an alias on $name', async ({ version, alias, status, code }) => {
    const res = await setAlias(version, alias);
    expect(res.status).toBe(status);
    expect(res.body).toMatchObject({ error_code: code });
  });
});

describe('workspace registry stage transitions', () => {
  let ws: MlWorkspace;
  beforeEach(() => {
    ws = createMlWorkspace();
    addModelVersion(ws.state, 'churn', { source: 's1', stage: 'Production' });
    addModelVersion(ws.state, 'churn', { source: 's2', stage: 'Staging' });
    addModelVersion(ws.state, 'churn', { source: 's3' });
  });
  const stageOf = async (version: number): Promise<unknown> =>
    (
      (await ws.call('GET', `${API}/model-versions/get?name=churn&version=${version}`)).body as {
        model_version: Body;
      }
    ).model_version['current_stage'];

  it('OSS transition-stage returns model_version; archive_existing_versions archives the same stage', async () => {
    const res = await ws.call('POST', `${API}/model-versions/transition-stage`, {
      body: { name: 'churn', version: '3', stage: 'production', archive_existing_versions: true },
    });
    expect(res.body).toMatchObject({
      model_version: { version: '3', current_stage: 'Production' },
    });
    expect([await stageOf(1), await stageOf(2)]).toEqual(['Archived', 'Staging']);
  });

  it('without archive_existing_versions other versions keep their stage', async () => {
    await ws.call('POST', `${API}/model-versions/transition-stage`, {
      body: { name: 'churn', version: '3', stage: 'Production', archive_existing_versions: false },
    });
    expect([await stageOf(1), await stageOf(3)]).toEqual(['Production', 'Production']);
  });

  it('Databricks transition-stage takes a comment and returns model_version_databricks', async () => {
    const res = await ws.call('POST', `${API}/databricks/model-versions/transition-stage`, {
      body: {
        name: 'churn',
        version: '2',
        stage: 'Production',
        archive_existing_versions: true,
        comment: 'release 42',
      },
    });
    expect(res.status).toBe(200);
    const mv = (res.body as { model_version_databricks: Body }).model_version_databricks;
    expect(mv).toMatchObject({
      name: 'churn',
      version: '2',
      current_stage: 'Production',
      permission_level: expect.any(String),
    });
    expect(await stageOf(1)).toBe('Archived');
  });

  it('latest_versions lists the newest version of each stage', async () => {
    const res = await ws.call('GET', `${API}/registered-models/get?name=churn`);
    const latest = (res.body as { registered_model: { latest_versions: Body[] } }).registered_model
      .latest_versions;
    expect(latest.map((v) => [v['version'], v['current_stage']])).toEqual([
      ['3', 'None'],
      ['2', 'Staging'],
      ['1', 'Production'],
    ]);
  });

  it.each([
    {
      name: 'an unknown stage',
      path: 'model-versions/transition-stage',
      body: { stage: 'Prod', archive_existing_versions: false },
    },
    {
      name: 'archiving into Archived',
      path: 'model-versions/transition-stage',
      body: { stage: 'Archived', archive_existing_versions: true },
    },
    {
      name: 'Databricks without archive_existing_versions',
      path: 'databricks/model-versions/transition-stage',
      body: { stage: 'Staging' },
    },
  ])('rejects $name with 400 INVALID_PARAMETER_VALUE', async ({ path, body }) => {
    const res = await ws.call('POST', `${API}/${path}`, {
      body: { name: 'churn', version: '3', ...body },
    });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error_code: 'INVALID_PARAMETER_VALUE' });
  });
});

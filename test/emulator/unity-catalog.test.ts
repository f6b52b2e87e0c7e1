import { addUcModel, addUcModelVersion, getUcModel } from '../../emulator/mlflow-scenario.js';
import { createMlWorkspace, type MlWorkspace } from '../../emulator/mlflow-workspace.js';

const UC = '/api/2.1/unity-catalog/models';
const NAME = 'ml_prod.churn.classifier';
type Body = Record<string, unknown>;

describe('Unity Catalog models (2.1)', () => {
  let ws: MlWorkspace;
  beforeEach(() => {
    ws = createMlWorkspace();
    addUcModel(ws.state, {
      full_name: NAME,
      versions: [
        { source: 's1', run_id: 'r1' },
        { source: 's2' },
        { source: 's3', status: 'PENDING_REGISTRATION' },
      ],
    });
  });

  it('GET model returns RegisteredModelInfo fields', async () => {
    const res = await ws.call('GET', `${UC}/${NAME}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      full_name: NAME,
      catalog_name: 'ml_prod',
      schema_name: 'churn',
      name: 'classifier',
      owner: expect.any(String),
      created_at: expect.any(Number),
      metastore_id: expect.any(String),
    });
    expect(res.body).not.toHaveProperty('aliases');
  });

  it('names are case-insensitive and returned in lower case', async () => {
    const res = await ws.call('GET', `${UC}/ML_Prod.Churn.Classifier`);
    expect(res.body).toMatchObject({ full_name: NAME });
  });

  it.each([
    {
      name: 'missing model',
      path: `${UC}/ml_prod.churn.nope`,
      status: 404,
      code: 'RESOURCE_DOES_NOT_EXIST',
    },
    {
      name: 'missing version',
      path: `${UC}/${NAME}/versions/9`,
      status: 404,
      code: 'RESOURCE_DOES_NOT_EXIST',
    },
    {
      name: 'two-part name',
      path: `${UC}/churn.classifier`,
      status: 400,
      code: 'INVALID_PARAMETER_VALUE',
    },
    {
      name: 'missing alias',
      path: `${UC}/${NAME}/aliases/champion`,
      status: 404,
      code: 'RESOURCE_DOES_NOT_EXIST',
    },
  ])('$name → $status $code', async ({ path, status, code }) => {
    const res = await ws.call('GET', path);
    expect(res.status).toBe(status);
    expect(res.body).toMatchObject({ error_code: code });
  });

  it('GET version returns ModelVersionInfo with its status', async () => {
    const v1 = await ws.call('GET', `${UC}/${NAME}/versions/1`);
    expect(v1.body).toMatchObject({
      model_name: 'classifier',
      catalog_name: 'ml_prod',
      schema_name: 'churn',
      version: 1,
      status: 'READY',
      source: 's1',
      run_id: 'r1',
      id: expect.any(String),
      storage_location: expect.any(String),
    });
    expect((await ws.call('GET', `${UC}/${NAME}/versions/3`)).body).toMatchObject({
      status: 'PENDING_REGISTRATION',
    });
  });

  it('lists versions with pagination', async () => {
    const first = await ws.call('GET', `${UC}/${NAME}/versions?max_results=2`);
    const page = first.body as { model_versions: Body[]; next_page_token: string };
    expect(page.model_versions.map((v) => v['version'])).toEqual([1, 2]);
    const second = await ws.call(
      'GET',
      `${UC}/${NAME}/versions?max_results=2&page_token=${encodeURIComponent(page.next_page_token)}`,
    );
    expect(second.body).toEqual({ model_versions: [expect.objectContaining({ version: 3 })] });
  });

  it('PUT alias returns the alias; GET alias returns the version; a second PUT moves it', async () => {
    const put = await ws.call('PUT', `${UC}/${NAME}/aliases/champion`, {
      body: { version_num: 1 },
    });
    expect(put.body).toMatchObject({
      alias_name: 'champion',
      version_num: 1,
      catalog_name: 'ml_prod',
      schema_name: 'churn',
      model_name: 'classifier',
    });
    await ws.call('PUT', `${UC}/${NAME}/aliases/champion`, { body: { version_num: 2 } });
    const got = await ws.call('GET', `${UC}/${NAME}/aliases/champion?include_aliases=true`);
    expect(got.body).toMatchObject({
      version: 2,
      aliases: [expect.objectContaining({ alias_name: 'champion', version_num: 2 })],
    });
    const model = await ws.call('GET', `${UC}/${NAME}?include_aliases=true`);
    expect((model.body as Body)['aliases']).toEqual([
      expect.objectContaining({ alias_name: 'champion', version_num: 2 }),
    ]);
    expect(getUcModel(ws.state, NAME)?.aliases.get('champion')).toBe(2);
  });

  it('DELETE alias removes it', async () => {
    addUcModelVersion(ws.state, NAME, { source: 's4', aliases: ['champion'] });
    expect((await ws.call('DELETE', `${UC}/${NAME}/aliases/champion`)).status).toBe(200);
    expect((await ws.call('GET', `${UC}/${NAME}/aliases/champion`)).status).toBe(404);
  });

  it.each([
    {
      name: 'a missing version',
      body: { version_num: 9 },
      status: 404,
      code: 'RESOURCE_DOES_NOT_EXIST',
    },
    { name: 'no version_num', body: {}, status: 400, code: 'INVALID_PARAMETER_VALUE' },
  ])('PUT alias to $name is refused', async ({ body, status, code }) => {
    const res = await ws.call('PUT', `${UC}/${NAME}/aliases/champion`, { body });
    expect(res.status).toBe(status);
    expect(res.body).toMatchObject({ error_code: code });
  });
});

import { addUcModel, denyUc } from '../../emulator/mlflow-scenario.js';
import { createMlWorkspace, type MlWorkspace } from '../../emulator/mlflow-workspace.js';

const NAME = 'ml_prod.churn.classifier';

describe("MLflow's Unity Catalog endpoints", () => {
  const API = '/api/2.0/mlflow/unity-catalog';
  let ws: MlWorkspace;
  beforeEach(() => {
    ws = createMlWorkspace();
  });

  it('creates a model and a version that stays PENDING_REGISTRATION until finalize', async () => {
    const created = await ws.call('POST', `${API}/registered-models/create`, {
      body: { name: NAME },
    });
    expect(created.body).toMatchObject({ registered_model: { name: NAME } });
    const again = await ws.call('POST', `${API}/registered-models/create`, {
      body: { name: NAME },
    });
    expect(again.body).toMatchObject({ error_code: 'RESOURCE_ALREADY_EXISTS' });
    const mv = await ws.call('POST', `${API}/model-versions/create`, {
      body: { name: NAME, source: 'runs:/r/model', run_id: 'r', tags: [{ key: 'k', value: 'v' }] },
    });
    expect(mv.body).toMatchObject({
      model_version: {
        name: NAME,
        version: '1',
        status: 'PENDING_REGISTRATION',
        storage_location: expect.any(String),
      },
    });
    const fin = await ws.call('POST', `${API}/model-versions/finalize`, {
      body: { name: NAME, version: '1' },
    });
    expect(fin.body).toMatchObject({ model_version: { status: 'READY' } });
    const got = await ws.call('GET', `${API}/model-versions/get?name=${NAME}&version=1`);
    expect(got.body).toMatchObject({
      model_version: { status: 'READY', tags: [{ key: 'k', value: 'v' }] },
    });
  });

  it('sets, reads and deletes an alias', async () => {
    addUcModel(ws.state, { full_name: NAME, versions: [{ source: 's1' }, { source: 's2' }] });
    expect(
      (
        await ws.call('POST', `${API}/registered-models/alias`, {
          body: { name: NAME, alias: 'champion', version: '2' },
        })
      ).body,
    ).toEqual({});
    const got = await ws.call('GET', `${API}/registered-models/alias?name=${NAME}&alias=champion`);
    expect(got.body).toMatchObject({
      model_version: { version: '2', aliases: [{ alias: 'champion', version: '2' }] },
    });
    const model = await ws.call('GET', `${API}/registered-models/get?name=${NAME}`);
    expect(model.body).toMatchObject({
      registered_model: { aliases: [{ alias: 'champion', version: '2' }] },
    });
    await ws.call('DELETE', `${API}/registered-models/alias`, {
      body: { name: NAME, alias: 'champion' },
    });
    expect(
      (await ws.call('GET', `${API}/registered-models/alias?name=${NAME}&alias=champion`)).status,
    ).toBe(404);
  });

  it('refuses a version without CREATE MODEL VERSION', async () => {
    addUcModel(ws.state, { full_name: NAME });
    denyUc(ws.state, { privilege: 'CREATE MODEL VERSION', on: NAME });
    const res = await ws.call('POST', `${API}/model-versions/create`, {
      body: { name: NAME, source: 's' },
    });
    expect(res.status).toBe(403);
    expect((res.body as { message: string }).message).toContain('CREATE MODEL VERSION');
  });
});

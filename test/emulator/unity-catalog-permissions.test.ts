import { addUcModel, denyUc } from '../../emulator/mlflow-scenario.js';
import { createMlWorkspace, type MlWorkspace } from '../../emulator/mlflow-workspace.js';

const UC = '/api/2.1/unity-catalog/models';
const NAME = 'ml_prod.churn.classifier';

describe('Unity Catalog permission simulation', () => {
  let ws: MlWorkspace;
  beforeEach(() => {
    ws = createMlWorkspace();
    addUcModel(ws.state, { full_name: NAME, versions: [{ source: 's1' }] });
  });

  it.each([
    {
      name: 'MANAGE on the model blocks alias moves',
      deny: { privilege: 'MANAGE', on: NAME },
      method: 'PUT',
      path: `${UC}/${NAME}/aliases/champion`,
      needle: `MANAGE on Routine or Model '${NAME}'`,
    },
    {
      name: 'USE CATALOG blocks reads',
      deny: { privilege: 'USE CATALOG', on: 'ml_prod' },
      method: 'GET',
      path: `${UC}/${NAME}`,
      needle: "USE CATALOG on Catalog 'ml_prod'",
    },
    {
      name: 'USE SCHEMA blocks version reads',
      deny: { privilege: 'use schema', on: 'ml_prod.churn' },
      method: 'GET',
      path: `${UC}/${NAME}/versions/1`,
      needle: "USE SCHEMA on Schema 'ml_prod.churn'",
    },
    {
      name: 'EXECUTE denied on the schema covers its models',
      deny: { privilege: 'EXECUTE', on: 'ml_prod.churn' },
      method: 'GET',
      path: `${UC}/${NAME}/versions`,
      needle: `EXECUTE on Routine or Model '${NAME}'`,
    },
  ])(
    '$name (403 PERMISSION_DENIED naming the privilege)',
    async ({ deny, method, path, needle }) => {
      denyUc(ws.state, deny);
      const res = await ws.call(method, path, { body: { version_num: 1 }, principal: 'sp-1' });
      expect(res.status).toBe(403);
      expect(res.body).toMatchObject({ error_code: 'PERMISSION_DENIED' });
      expect((res.body as { message: string }).message).toContain(`User does not have ${needle}`);
    },
  );

  it('a denial for one principal leaves others alone', async () => {
    denyUc(ws.state, { principal: 'sp-1', privilege: 'MANAGE', on: NAME });
    const other = await ws.call('PUT', `${UC}/${NAME}/aliases/champion`, {
      body: { version_num: 1 },
      principal: 'sp-2',
    });
    expect(other.status).toBe(200);
    const denied = await ws.call('PUT', `${UC}/${NAME}/aliases/champion`, {
      body: { version_num: 1 },
      principal: 'sp-1',
    });
    expect(denied.status).toBe(403);
  });

  it('a denial on another model does not apply', async () => {
    denyUc(ws.state, { privilege: 'MANAGE', on: 'ml_prod.churn.other' });
    expect(
      (await ws.call('PUT', `${UC}/${NAME}/aliases/champion`, { body: { version_num: 1 } })).status,
    ).toBe(200);
  });
});

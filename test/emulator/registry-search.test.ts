import { addModelVersion } from '../../emulator/mlflow-scenario.js';
import { createMlWorkspace, type MlWorkspace } from '../../emulator/mlflow-workspace.js';

const API = '/api/2.0/mlflow';
type Body = Record<string, unknown>;

describe('model-versions/search', () => {
  let ws: MlWorkspace;
  const get = (path: string) => ws.call('GET', `${API}/${path}`);
  beforeEach(() => {
    ws = createMlWorkspace();
    addModelVersion(ws.state, 'churn', { source: 's1', run_id: 'r1', tags: { env: 'dev' } });
    addModelVersion(ws.state, 'churn', { source: 's2', run_id: 'r2', tags: { env: 'prod' } });
    addModelVersion(ws.state, 'fraud', { source: 's3', run_id: 'r1' });
  });
  const search = async (query: string): Promise<string[]> => {
    const res = await get(`model-versions/search?${query}`);
    expect(res.status).toBe(200);
    const versions = (res.body as { model_versions?: Body[] }).model_versions ?? [];
    return versions.map((v) => `${String(v['name'])}/${String(v['version'])}`);
  };

  it.each([
    {
      name: "name='x' (version DESC by default)",
      query: `filter=${encodeURIComponent("name='churn'")}`,
      expected: ['churn/2', 'churn/1'],
    },
    {
      name: "run_id='y'",
      query: `filter=${encodeURIComponent("run_id='r1'")}`,
      expected: ['churn/1', 'fraud/1'],
    },
    {
      name: 'name and run_id',
      query: `filter=${encodeURIComponent("name='churn' AND run_id='r2'")}`,
      expected: ['churn/2'],
    },
    {
      name: 'run_id IN',
      query: `filter=${encodeURIComponent("run_id IN ('r2', 'r9')")}`,
      expected: ['churn/2'],
    },
    {
      name: 'tag',
      query: `filter=${encodeURIComponent("tags.env = 'prod'")}`,
      expected: ['churn/2'],
    },
    {
      name: 'name LIKE',
      query: `filter=${encodeURIComponent("name LIKE 'fr%'")}`,
      expected: ['fraud/1'],
    },
    {
      name: 'order_by version_number ASC',
      query: `filter=${encodeURIComponent("name='churn'")}&order_by=version_number%20ASC`,
      expected: ['churn/1', 'churn/2'],
    },
    { name: 'no match', query: `filter=${encodeURIComponent("name='nope'")}`, expected: [] },
  ])('$name', async ({ query, expected }) => {
    expect(await search(query)).toEqual(expected);
  });

  it.each([
    { name: 'unknown key', filter: "color='red'" },
    { name: 'OR', filter: "name='a' OR name='b'" },
    { name: 'number for a string key', filter: 'name=5' },
  ])('rejects $name with 400 INVALID_PARAMETER_VALUE', async ({ filter }) => {
    const res = await get(`model-versions/search?filter=${encodeURIComponent(filter)}`);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error_code: 'INVALID_PARAMETER_VALUE' });
  });
});

import { readWorkspaceFile } from '../../emulator/mlflow-scenario.js';
import { createMlWorkspace, type MlWorkspace } from '../../emulator/mlflow-workspace.js';

const API = '/api/2.0/workspace';
const DIR = '/Workspace/Shared/.databricks-ml-pipe/1.0.0';
const b64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64');

describe('workspace API', () => {
  let ws: MlWorkspace;
  beforeEach(() => {
    ws = createMlWorkspace();
  });
  const mkdirs = (path: string) => ws.call('POST', `${API}/mkdirs`, { body: { path } });
  const importFile = (body: Record<string, unknown>) => ws.call('POST', `${API}/import`, { body });
  const status = (path: string) =>
    ws.call('GET', `${API}/get-status?path=${encodeURIComponent(path)}`);

  it("lets only its owner write a home folder, and answers SCIM Me with the caller", async () => {
    const home = '/Workspace/Users/sp-app-id/.databricks-ml-pipe/1.0.0';
    const asOwner = await ws.call('POST', `${API}/mkdirs`, { body: { path: home }, principal: 'sp-app-id' });
    expect(asOwner.status).toBe(200);
    const asOther = await ws.call('POST', `${API}/import`, {
      body: { path: `${home}/register_model.py`, format: 'AUTO', content: b64('x'), overwrite: true },
      principal: 'alice@example.com',
    });
    expect(asOther).toMatchObject({ status: 403, body: { error_code: 'PERMISSION_DENIED' } });
    const shared = await ws.call('POST', `${API}/mkdirs`, { body: { path: DIR }, principal: 'alice@example.com' });
    expect(shared.status).toBe(200);
    const me = await ws.call('GET', '/api/2.0/preview/scim/v2/Me', { principal: 'sp-app-id' });
    expect(me).toMatchObject({ status: 200, body: { userName: 'sp-app-id', active: true } });
  });

  it('mkdirs creates parents and is idempotent', async () => {
    expect(await mkdirs(DIR)).toEqual({ status: 200, body: {} });
    expect((await mkdirs(DIR)).status).toBe(200);
    expect((await status('/Shared/.databricks-ml-pipe')).body).toMatchObject({
      object_type: 'DIRECTORY',
    });
  });

  it('imports a RAW file that can be read back, with or without the /Workspace prefix', async () => {
    await mkdirs(DIR);
    const script = 'import mlflow\nprint("hi")\n';
    const res = await importFile({
      path: `${DIR}/register_model.py`,
      format: 'RAW',
      content: b64(script),
    });
    expect(res).toEqual({ status: 200, body: {} });
    expect(readWorkspaceFile(ws.state, `${DIR}/register_model.py`)).toEqual({
      object_type: 'FILE',
      language: undefined,
      content: script,
    });
    expect(
      readWorkspaceFile(ws.state, '/Shared/.databricks-ml-pipe/1.0.0/register_model.py')?.content,
    ).toBe(script);
    const st = await status(`${DIR}/register_model.py`);
    expect(st.body).toMatchObject({
      object_type: 'FILE',
      path: `${DIR}/register_model.py`,
      object_id: expect.any(Number),
      size: script.length,
    });
    const exported = await ws.call(
      'GET',
      `${API}/export?path=${encodeURIComponent(`${DIR}/register_model.py`)}`,
    );
    expect(exported.body).toMatchObject({ content: b64(script) });
  });

  it.each([
    {
      name: 'AUTO with plain Python → file, extension kept',
      format: 'AUTO',
      text: 'print(1)\n',
      path: `${DIR}/a.py`,
      type: 'FILE',
    },
    {
      name: 'AUTO with the notebook header → notebook, extension dropped',
      format: 'AUTO',
      text: '# Databricks notebook source\nprint(1)\n',
      path: `${DIR}/a`,
      type: 'NOTEBOOK',
    },
    {
      name: 'SOURCE with a language → notebook',
      format: 'SOURCE',
      language: 'PYTHON',
      text: 'print(1)\n',
      path: `${DIR}/a.py`,
      type: 'NOTEBOOK',
    },
  ])('$name', async ({ format, language, text, path, type }) => {
    await mkdirs(DIR);
    const res = await importFile({
      path: `${DIR}/a.py`,
      format,
      content: b64(text),
      ...(language ? { language } : {}),
    });
    expect(res.status).toBe(200);
    expect((await status(path)).body).toMatchObject({ object_type: type });
  });

  it('overwrite: an existing path without it is RESOURCE_ALREADY_EXISTS, with it replaced', async () => {
    await mkdirs(DIR);
    const path = `${DIR}/register_model.py`;
    await importFile({ path, format: 'AUTO', content: b64('v1') });
    const again = await importFile({ path, format: 'AUTO', content: b64('v2') });
    expect(again.status).toBe(400);
    expect(again.body).toMatchObject({ error_code: 'RESOURCE_ALREADY_EXISTS' });
    expect(
      (await importFile({ path, format: 'AUTO', content: b64('v2'), overwrite: true })).status,
    ).toBe(200);
    expect(readWorkspaceFile(ws.state, path)?.content).toBe('v2');
  });

  it.each([
    {
      name: 'a missing parent folder',
      body: { path: '/Shared/missing/x.py', format: 'RAW', content: b64('x') },
      status: 404,
      code: 'RESOURCE_DOES_NOT_EXIST',
    },
    {
      name: 'an unknown format',
      body: { path: '/Shared/x.py', format: 'ZIP', content: b64('x') },
      status: 400,
      code: 'INVALID_PARAMETER_VALUE',
    },
    {
      name: 'SOURCE without a language for an unknown extension',
      body: { path: '/Shared/x', format: 'SOURCE', content: b64('x') },
      status: 400,
      code: 'INVALID_PARAMETER_VALUE',
    },
    {
      name: 'content that is not base64',
      body: { path: '/Shared/x.py', format: 'RAW', content: '@@@' },
      status: 400,
      code: 'INVALID_PARAMETER_VALUE',
    },
    {
      name: 'a relative path',
      body: { path: 'Shared/x.py', format: 'RAW', content: b64('x') },
      status: 400,
      code: 'INVALID_PARAMETER_VALUE',
    },
    {
      name: 'no path',
      body: { format: 'RAW', content: b64('x') },
      status: 400,
      code: 'INVALID_PARAMETER_VALUE',
    },
  ])('import refuses $name', async ({ body, status: code_status, code }) => {
    const res = await importFile(body);
    expect(res.status).toBe(code_status);
    expect(res.body).toMatchObject({ error_code: code });
  });

  it('get-status of a missing path is 404 RESOURCE_DOES_NOT_EXIST', async () => {
    const res = await status('/Shared/nothing');
    expect(res.status).toBe(404);
    expect(res.body).toEqual({
      error_code: 'RESOURCE_DOES_NOT_EXIST',
      message: "Path (/Shared/nothing) doesn't exist.",
    });
  });

  it('mkdirs through a file is RESOURCE_ALREADY_EXISTS', async () => {
    await importFile({ path: '/Shared/f', format: 'RAW', content: b64('x') });
    const res = await mkdirs('/Shared/f/sub');
    expect(res.body).toMatchObject({ error_code: 'RESOURCE_ALREADY_EXISTS' });
  });
});

import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  collectOutputVariables,
  outputVariableKey,
  writeOutputs,
} from '../../../src/evidence/output-variables.js';
import { Redactor } from '../../../src/log/redactor.js';
import type { ActionResult } from '../../../src/runner/types.js';
import { captureLogger, fakeClock, result, tempDir } from './support.js';

const JWT = 'eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiJodHRwczovL2V4YW1wbGUifQ.c2lnbmF0dXJlLXBhcnQtaGVyZQ';

describe('outputVariableKey', () => {
  it.each([
    { name: 'id and snake output', id: 'train', index: 1, output: 'run_id', key: 'TRAIN_RUN_ID' },
    {
      name: 'url output',
      id: 'train',
      index: 1,
      output: 'run_page_url',
      key: 'TRAIN_RUN_PAGE_URL',
    },
    {
      name: 'dashed id',
      id: 'register-v2',
      index: 2,
      output: 'version',
      key: 'REGISTER_V2_VERSION',
    },
    {
      name: 'camelCase id',
      id: 'promoteChampion',
      index: 3,
      output: 'previous_version',
      key: 'PROMOTE_CHAMPION_PREVIOUS_VERSION',
    },
    {
      name: 'no id uses the position',
      id: undefined,
      index: 4,
      output: 'version',
      key: 'ACTION_4_VERSION',
    },
  ])('$name → $key', ({ id, index, output, key }) => {
    expect(outputVariableKey(id === undefined ? { index } : { id, index }, output)).toBe(key);
  });
});

describe('collectOutputVariables', () => {
  const collect = (outputs: Record<string, unknown>, extra: Partial<ActionResult> = {}) => {
    const redactor = new Redactor();
    redactor.register('canary-secret-value-1');
    return collectOutputVariables([result({ index: 1, id: 'train', outputs, ...extra })], redactor);
  };

  it('keeps scalars and skips structures', () => {
    const { variables, rejected } = collect({
      run_id: 123,
      run_page_url: 'https://h/?o=1#job/1/run/2',
      ok: true,
      task_outputs: { a: '1' },
      nothing: null,
      infinite: Number.POSITIVE_INFINITY,
    });
    expect(variables).toEqual([
      { key: 'TRAIN_RUN_ID', value: '123' },
      { key: 'TRAIN_RUN_PAGE_URL', value: 'https://h/?o=1#job/1/run/2' },
      { key: 'TRAIN_OK', value: 'true' },
    ]);
    expect(rejected).toEqual([]);
  });

  it.each([
    { name: 'newline injecting a second KEY=', value: 'v1\nEVIL=1' },
    { name: 'carriage return', value: 'v1\rEVIL=1' },
    { name: 'NUL', value: 'v1\u0000' },
    { name: 'tab', value: 'a\tb' },
    { name: 'escape sequence', value: '\u001b[31mred' },
    { name: 'Unicode line separator', value: 'a\u2028EVIL=1' },
    { name: 'a registered secret', value: 'x canary-secret-value-1' },
    { name: 'a JWT', value: JWT },
  ])('withholds a value with $name', ({ value }) => {
    const { variables, rejected } = collect({ note: value });
    expect(variables).toEqual([]);
    expect(rejected).toEqual([{ key: 'TRAIN_NOTE', reason: expect.any(String) as string }]);
  });

  it.each([
    { name: 'a secret-named output', outputs: { client_secret: 'plain' }, extra: {} },
    { name: 'a reserved BITBUCKET_ name', outputs: { commit: 'abc' }, extra: { id: 'bitbucket' } },
    { name: 'a name starting with a digit', outputs: { version: '1' }, extra: { id: '9lives' } },
  ])('withholds $name', ({ outputs, extra }) => {
    expect(collect(outputs, extra).variables).toEqual([]);
  });

  it('withholds the second of two outputs that map to one name', () => {
    const { variables, rejected } = collectOutputVariables([
      result({ index: 1, id: 'a_b', outputs: { c: '1' } }),
      result({ index: 2, id: 'a', outputs: { b_c: '2' } }),
    ]);
    expect(variables).toEqual([{ key: 'A_B_C', value: '1' }]);
    expect(rejected.map((r) => r.key)).toEqual(['A_B_C']);
  });
});

describe('writeOutputs', () => {
  const results = [
    result({
      index: 1,
      id: 'train',
      outputs: { run_id: 7, run_page_url: 'https://h/run/7', task_outputs: { t: 'x' } },
    }),
    result({ index: 2, type: 'register_model', outputs: { version: '4', note: 'a\nEVIL=1' } }),
  ];

  it('appends KEY=value lines to the variables file and writes outputs.json', async () => {
    const dir = await tempDir();
    const variablesPath = join(dir, 'vars', 'pipelines-variables');
    await writeFile(join(dir, 'existing'), '');
    const { log, out } = captureLogger();
    const written = await writeOutputs({
      results,
      enabled: true,
      variablesPath,
      sharedStorageDir: join(dir, 'shared'),
      commit: 'abc',
      clock: fakeClock(),
      log,
    });
    expect(await readFile(variablesPath, 'utf8')).toBe(
      'TRAIN_RUN_ID=7\nTRAIN_RUN_PAGE_URL=https://h/run/7\nACTION_2_VERSION=4\n',
    );
    expect(written.keys).toEqual(['TRAIN_RUN_ID', 'TRAIN_RUN_PAGE_URL', 'ACTION_2_VERSION']);
    expect(out.text).toMatch(/WARNING: output variable ACTION_2_NOTE not written/);
    const outputs = JSON.parse(
      await readFile(join(dir, 'shared', 'databricks-ml-pipe', 'outputs.json'), 'utf8'),
    ) as {
      variables: Record<string, string>;
      actions: { outputs: Record<string, unknown> }[];
    };
    expect(outputs.variables).toEqual({
      TRAIN_RUN_ID: '7',
      TRAIN_RUN_PAGE_URL: 'https://h/run/7',
      ACTION_2_VERSION: '4',
    });
    expect(outputs.actions[0]?.outputs['task_outputs']).toEqual({ t: 'x' });
  });

  it('appends without touching earlier lines (other pipes in the step)', async () => {
    const dir = await tempDir();
    const variablesPath = join(dir, 'vars');
    await writeFile(variablesPath, 'EARLIER=1\n');
    await writeOutputs({
      results,
      enabled: true,
      variablesPath,
      clock: fakeClock(),
      log: captureLogger().log,
    });
    expect((await readFile(variablesPath, 'utf8')).startsWith('EARLIER=1\nTRAIN_RUN_ID=7\n')).toBe(
      true,
    );
  });

  it('warns when OUTPUT_VARIABLES is on but Bitbucket gave no variables path', async () => {
    const { log, out } = captureLogger();
    const written = await writeOutputs({ results, enabled: true, clock: fakeClock(), log });
    expect(written.keys).toEqual([]);
    expect(out.text).toMatch(/WARNING: .*BITBUCKET_PIPELINES_VARIABLES_PATH is not set/);
  });

  it('writes no variables when OUTPUT_VARIABLES is off, but still outputs.json', async () => {
    const dir = await tempDir();
    const variablesPath = join(dir, 'vars');
    const written = await writeOutputs({
      results,
      enabled: false,
      variablesPath,
      sharedStorageDir: dir,
      clock: fakeClock(),
      log: captureLogger().log,
    });
    await expect(readFile(variablesPath)).rejects.toMatchObject({ code: 'ENOENT' });
    expect(written.outputsFile).toBe(join(dir, 'databricks-ml-pipe', 'outputs.json'));
  });

  it('turns an unwritable variables file into a warning', async () => {
    const dir = await tempDir();
    const { log, out } = captureLogger();
    // A directory cannot be appended to.
    const written = await writeOutputs({
      results,
      enabled: true,
      variablesPath: dir,
      clock: fakeClock(),
      log,
    });
    expect(written.keys).toEqual([]);
    expect(out.text).toMatch(/WARNING: cannot append output variables to .*EISDIR/);
  });
});

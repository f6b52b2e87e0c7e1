/**
 * Trust boundary (issue #10 item 5): a plan cannot make the pipe read files outside the clone
 * directory — not through ACTIONS_FILE, not through submit_run's spec_file, not by `..`, an
 * absolute path or a symlink. Each outside file holds a marker that would show in the output or
 * in the run the pipe submits, had it been read.
 */
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator, type Emulator } from '../../../emulator/index.js';
import { forbiddenTransport, runPipe } from '../../support/run-pipe.js';

const MARKER = 'outside-marker-5f3a';
const OUTSIDE_PLAN = `- run_job: {job: ${MARKER}}\n`;
const SPEC = (name: string): string =>
  `run_name: ${name}\ntasks:\n  - task_key: main\n    notebook_task: {notebook_path: /Repos/ml/evaluate}\n`;
const STEP = {
  BITBUCKET_COMMIT: '5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed',
  BITBUCKET_PIPELINE_UUID: '{7a150000-0000-4000-8000-000000000001}',
  BITBUCKET_STEP_UUID: '{7a150000-0000-4000-8000-000000000002}',
};

let root: string;
let cloneDir: string;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'dmp-trust-'));
  cloneDir = join(root, 'w', 'clone');
  await mkdir(join(root, 'outside'), { recursive: true });
  await mkdir(join(cloneDir, 'specs'), { recursive: true });
  await writeFile(join(root, 'outside', 'plan.yml'), OUTSIDE_PLAN);
  await writeFile(join(root, 'outside', 'spec.yml'), SPEC(MARKER));
  await writeFile(join(cloneDir, 'specs', 'evaluate.yml'), SPEC('inside-spec'));
  await symlink(join(root, 'outside', 'plan.yml'), join(cloneDir, 'plan.yml'));
  await symlink(join(root, 'outside', 'spec.yml'), join(cloneDir, 'spec.yml'));
  await symlink(join(root, 'outside'), join(cloneDir, 'linked'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

async function errorCode(): Promise<string | undefined> {
  const text = await readFile(join(cloneDir, 'databricks-ml-pipe/results.json'), 'utf8');
  return (JSON.parse(text) as { error: { code: string } | null }).error?.code;
}

describe('ACTIONS_FILE stays inside the clone directory', () => {
  it.each([
    { name: 'a relative path out (..)', file: () => '../../outside/plan.yml' },
    { name: 'an absolute path outside', file: () => join(root, 'outside', 'plan.yml') },
    { name: '/etc/passwd', file: () => '/etc/passwd' },
    { name: 'a symlinked file pointing outside', file: () => 'plan.yml' },
    {
      name: 'a file under a symlinked directory pointing outside',
      file: () => 'linked/plan.yml',
    },
  ])('$name is refused before it is read: exit 2, ERR_PLAN_INVALID', async ({ file }) => {
    const env = {
      DATABRICKS_HOST: 'https://dbc-1234abcd-5678.cloud.databricks.com',
      ACTIONS_FILE: file(),
      DATABRICKS_TOKEN: 'trust-pat-0000000000',
      DRY_RUN: 'true',
    };
    const run = await runPipe({ env, cloneDir, transport: forbiddenTransport() });
    expect({
      exitCode: run.exitCode,
      code: await errorCode(),
      read: run.output.includes(MARKER),
    }).toEqual({
      exitCode: 2,
      code: 'ERR_PLAN_INVALID',
      read: false,
    });
    expect(run.output).not.toMatch(/root:.*:0:0:/);
  });
});

describe('submit_run spec_file stays inside the clone directory', () => {
  let emu: Emulator;
  beforeEach(async () => {
    emu = await startEmulator({ issuer: false });
    emu.setSubmitDefaults({ durationMs: 200, pendingMs: 100 });
  });
  afterEach(async () => {
    await emu.close();
  });

  function env(specFile: string): Record<string, string> {
    const plan = `- submit_run: {spec_file: ${JSON.stringify(specFile)}, timeout: 5m}\n`;
    return { ...STEP, DATABRICKS_HOST: emu.url, DATABRICKS_TOKEN: emu.addPat(), ACTIONS: plan };
  }

  it.each([
    { name: 'a relative path out (..)', file: () => '../../outside/spec.yml' },
    { name: 'an absolute path outside', file: () => join(root, 'outside', 'spec.yml') },
    { name: '/etc/passwd', file: () => '/etc/passwd' },
    { name: 'a symlinked file pointing outside', file: () => 'spec.yml' },
    { name: 'a file under a symlinked directory pointing outside', file: () => 'linked/spec.yml' },
  ])('$name is refused: exit 2, nothing submitted', async ({ file }) => {
    const run = await runPipe({ env: env(file()), cloneDir });
    expect({
      exitCode: run.exitCode,
      code: await errorCode(),
      read: run.output.includes(MARKER),
    }).toEqual({
      exitCode: 2,
      code: 'ERR_PLAN_INVALID',
      read: false,
    });
    expect(emu.findRequests({ path: 'runs/submit' })).toEqual([]);
  });

  it('a spec file inside the clone directory is used (the control)', async () => {
    const run = await runPipe({ env: env('specs/evaluate.yml'), cloneDir });
    expect(run.exitCode).toBe(0);
    expect(emu.findRequests({ path: 'runs/submit' })[0]?.body).toMatchObject({
      run_name: expect.stringContaining('inside-spec'),
    });
  });
});

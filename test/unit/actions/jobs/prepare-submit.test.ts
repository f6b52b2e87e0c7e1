import { mkdir, mkdtemp, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { autoGitSource } from '../../../../src/actions/jobs/git-source.js';
import { prepareSubmit } from '../../../../src/actions/jobs/prepare-submit.js';
import { parseSpec, readSpecFile } from '../../../../src/actions/jobs/spec-file.js';
import { submitRun } from '../../../../src/actions/submit-run.js';
import { PipeError } from '../../../../src/errors.js';
import { virtualClock } from '../../../integration/jobs/support/virtual-clock.js';
import { testContext } from './support/context.js';
import { fakeApi } from './support/fake-api.js';

const validate = (body: Record<string, unknown>): string[] =>
  submitRun.validate?.({ ...body, wait: true }) ?? [];
const TASKS = [{ task_key: 'eval', notebook_task: { notebook_path: 'notebooks/eval' } }];

async function cloneDir(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'dmp-jobs-'));
  for (const [name, text] of Object.entries(files)) {
    await mkdir(join(dir, name, '..'), { recursive: true });
    await writeFile(join(dir, name), text);
  }
  return dir;
}

function context(dir: string, bitbucket: Record<string, string> = {}) {
  return testContext({
    api: fakeApi({}),
    clock: virtualClock(),
    type: 'submit_run',
    settings: { cloneDir: dir, waitTimeoutMs: 3_600_000 },
    bitbucket: { cloneDir: dir, ...bitbucket },
  });
}

describe('readSpecFile', () => {
  it.each([
    { name: 'parent directory', path: '../../etc/passwd', message: /outside the clone directory/ },
    {
      name: 'absolute path elsewhere',
      path: '/etc/passwd',
      message: /outside the clone directory/,
    },
    { name: 'missing file', path: 'specs/none.yml', message: /does not exist/ },
    { name: 'the clone dir itself', path: '.', message: /outside the clone directory/ },
    { name: 'a symlink out', path: 'escape.yml', message: /links to a file outside/ },
  ])('refuses $name with ERR_PLAN_INVALID', async ({ path, message }) => {
    const dir = await cloneDir({});
    await symlink('/etc/hostname', join(dir, 'escape.yml'));
    const error = (await readSpecFile(dir, path).catch((e: unknown) => e)) as PipeError;
    expect(error).toBeInstanceOf(PipeError);
    expect(error.code).toBe('ERR_PLAN_INVALID');
    expect(error.message).toMatch(message);
  });

  it('reads YAML and JSON inside the clone dir', async () => {
    const dir = await cloneDir({
      'a/spec.yml': 'run_name: eval\ntasks:\n  - task_key: eval\n',
      'b.json': '{"run_name": "j", "tasks": []}',
    });
    await expect(readSpecFile(dir, 'a/spec.yml')).resolves.toMatchObject({ run_name: 'eval' });
    await expect(readSpecFile(dir, join(dir, 'b.json'))).resolves.toMatchObject({ run_name: 'j' });
  });

  it.each([
    { name: 'a list', text: '- a\n- b\n', message: /must hold a mapping/ },
    { name: 'broken YAML', text: 'tasks: [\n', message: /not valid YAML or JSON/ },
    { name: 'duplicate keys', text: 'a: 1\na: 2\n', message: /not valid YAML or JSON/ },
  ])('parseSpec refuses $name', ({ text, message }) => {
    expect(() => parseSpec('s.yml', text)).toThrow(message);
  });
});

describe('autoGitSource', () => {
  it('pins this repository at the commit, over https', () => {
    expect(
      autoGitSource({
        cloneDir: '/x',
        gitHttpOrigin: 'http://bitbucket.org/acme/churn',
        commit: 'abc123',
      }),
    ).toEqual({
      git_url: 'https://bitbucket.org/acme/churn',
      git_provider: 'bitbucketCloud',
      git_commit: 'abc123',
    });
  });

  it.each([
    {
      name: 'no commit',
      bitbucket: { cloneDir: '/x', gitHttpOrigin: 'http://b/a' },
      missing: 'BITBUCKET_COMMIT',
    },
    {
      name: 'no origin',
      bitbucket: { cloneDir: '/x', commit: 'abc' },
      missing: 'BITBUCKET_GIT_HTTP_ORIGIN',
    },
  ])('$name → ERR_PLAN_INVALID naming it', ({ bitbucket, missing }) => {
    expect(() => autoGitSource(bitbucket)).toThrow(
      expect.objectContaining({
        code: 'ERR_PLAN_INVALID',
        message: expect.stringContaining(missing),
      }),
    );
  });
});

describe('prepareSubmit', () => {
  it('inline spec: git_source auto resolved, timeout_seconds from timeout', async () => {
    const dir = await cloneDir({});
    const { ctx } = context(dir, { gitHttpOrigin: 'http://bitbucket.org/a/b', commit: 'c0ffee' });
    const prepared = await prepareSubmit(
      ctx,
      { run_name: 'eval', tasks: TASKS, git_source: 'auto', wait: true, timeout: '30m' },
      validate,
    );
    expect(prepared.timeoutMs).toBe(30 * 60_000);
    expect(prepared.body).toEqual({
      run_name: 'eval',
      tasks: TASKS,
      git_source: {
        git_url: 'https://bitbucket.org/a/b',
        git_provider: 'bitbucketCloud',
        git_commit: 'c0ffee',
      },
      timeout_seconds: 1800,
    });
  });

  it('always sends timeout_seconds: WAIT_TIMEOUT when the action sets none', async () => {
    const { ctx } = context(await cloneDir({}));
    const prepared = await prepareSubmit(ctx, { tasks: TASKS, wait: false }, validate);
    expect(prepared.body.timeout_seconds).toBe(3600);
  });

  it('spec_file under inline fields; its timeout_seconds is the default timeout; its token is dropped', async () => {
    const dir = await cloneDir({
      'jobs/eval.yml':
        'run_name: from-file\ntimeout_seconds: 120\nidempotency_token: theirs\ntasks:\n  - task_key: eval\n    notebook_task: {notebook_path: nb, base_parameters: {epochs: 10}}\n',
    });
    const { ctx, lines } = context(dir);
    const prepared = await prepareSubmit(
      ctx,
      { spec_file: 'jobs/eval.yml', run_name: 'inline', wait: true },
      validate,
    );
    expect(prepared.timeoutMs).toBe(120_000);
    expect(prepared.body).toEqual({
      run_name: 'inline',
      tasks: [
        {
          task_key: 'eval',
          notebook_task: { notebook_path: 'nb', base_parameters: { epochs: '10' } },
        },
      ],
      timeout_seconds: 120,
    });
    expect((await lines()).join('\n')).toContain('idempotency_token');
  });

  it.each([
    {
      name: 'an unknown field',
      text: 'tasks: [{task_key: a, notebook_task: {notebook_path: x}}]\ntimeout: 5\n',
      detail: /timeout/,
    },
    { name: 'no tasks', text: 'run_name: x\n', detail: /tasks/ },
    {
      name: 'a duplicate task_key',
      text: 'tasks:\n  - {task_key: a, notebook_task: {notebook_path: x}}\n  - {task_key: a, notebook_task: {notebook_path: y}}\n',
      detail: /duplicate task_key "a"/,
    },
  ])('an invalid spec_file ($name) → ERR_PLAN_INVALID with a detail', async ({ text, detail }) => {
    const { ctx } = context(await cloneDir({ 's.yml': text }));
    const error = (await prepareSubmit(ctx, { spec_file: 's.yml', wait: true }, validate).catch(
      (e: unknown) => e,
    )) as PipeError;
    expect(error.code).toBe('ERR_PLAN_INVALID');
    expect(error.details.join('\n')).toMatch(detail);
  });

  it('git_source auto outside Bitbucket fails before anything is sent', async () => {
    const { ctx } = context(await cloneDir({}));
    await expect(
      prepareSubmit(ctx, { tasks: TASKS, git_source: 'auto', wait: true }, validate),
    ).rejects.toMatchObject({ code: 'ERR_PLAN_INVALID' });
    expect((ctx.api as ReturnType<typeof fakeApi>).requests).toHaveLength(0);
  });
});

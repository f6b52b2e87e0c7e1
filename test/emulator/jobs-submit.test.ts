import type { TaskCompletion } from '../../emulator/types.js';
import { startHarness, type Harness, type Json } from './emu-helpers.js';

const SUBMIT = '/api/2.2/jobs/runs/submit';
const notebook = (key: string, extra: Record<string, unknown> = {}) => ({
  task_key: key,
  notebook_task: { notebook_path: `/n/${key}` },
  ...extra,
});
const gitSource = {
  git_url: 'https://bitbucket.org/acme/churn.git',
  git_provider: 'bitbucketCloud',
  git_commit: 'abc123',
};

describe('Jobs API: runs/submit', () => {
  let h: Harness;

  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(() => h.emu.close());

  it('starts a SUBMIT_RUN named Untitled by default, with its git_source', async () => {
    const res = await h.post(SUBMIT, { tasks: [notebook('evaluate')], git_source: gitSource });
    expect(res.status).toBe(200);
    expect(Object.keys(res.body)).toEqual(['run_id']);
    const run = (await h.get('/api/2.2/jobs/runs/get', { run_id: res.body.run_id })).body;
    expect(run).toMatchObject({
      run_type: 'SUBMIT_RUN',
      run_name: 'Untitled',
      git_source: gitSource,
    });
    expect(run.run_page_url).toBe(`${h.emu.url}/?o=1234#job/${run.job_id}/run/${run.run_id}`);
  });

  it.each([
    { name: 'no tasks', body: {} },
    { name: 'an empty tasks list', body: { tasks: [] } },
    {
      name: 'a task without task_key',
      body: { tasks: [{ notebook_task: { notebook_path: '/x' } }] },
    },
    { name: 'a task without a task type', body: { tasks: [{ task_key: 'a' }] } },
    {
      name: 'a task with two task types',
      body: { tasks: [{ ...notebook('a'), spark_python_task: { python_file: 'a.py' } }] },
    },
    {
      name: 'a notebook_task without notebook_path',
      body: { tasks: [{ task_key: 'a', notebook_task: {} }] },
    },
    { name: 'duplicate task keys', body: { tasks: [notebook('a'), notebook('a')] } },
    {
      name: 'an unknown dependency',
      body: { tasks: [notebook('a', { depends_on: [{ task_key: 'zz' }] })] },
    },
    {
      name: 'a dependency cycle',
      body: {
        tasks: [
          notebook('a', { depends_on: [{ task_key: 'b' }] }),
          notebook('b', { depends_on: [{ task_key: 'a' }] }),
        ],
      },
    },
    { name: 'an invalid run_if', body: { tasks: [notebook('a', { run_if: 'SOMETIMES' })] } },
    {
      name: 'source GIT without git_source',
      body: { tasks: [{ task_key: 'a', notebook_task: { notebook_path: 'n', source: 'GIT' } }] },
    },
    {
      name: 'git_source without git_url',
      body: { tasks: [notebook('a')], git_source: { git_provider: 'gitHub', git_branch: 'main' } },
    },
    {
      name: 'an unknown git_provider',
      body: { tasks: [notebook('a')], git_source: { ...gitSource, git_provider: 'bitbucket' } },
    },
    {
      name: 'two git references',
      body: { tasks: [notebook('a')], git_source: { ...gitSource, git_branch: 'main' } },
    },
    {
      name: 'no git reference',
      body: { tasks: [notebook('a')], git_source: { git_url: 'u', git_provider: 'gitHub' } },
    },
    { name: 'a negative timeout_seconds', body: { tasks: [notebook('a')], timeout_seconds: -1 } },
    {
      name: 'an idempotency_token over 64 chars',
      body: { tasks: [notebook('a')], idempotency_token: 'x'.repeat(65) },
    },
  ])('refuses $name with 400 INVALID_PARAMETER_VALUE', async ({ body }) => {
    const res = await h.post(SUBMIT, body);
    expect(res.status).toBe(400);
    expect(res.body.error_code).toBe('INVALID_PARAMETER_VALUE');
    expect(h.emu.runs.list()).toHaveLength(0);
  });

  it.each(['bitbucketcloud', 'BITBUCKETCLOUD', 'gitHub', 'gitlab'])(
    'accepts git_provider %s (case-insensitive)',
    async (provider) => {
      const res = await h.post(SUBMIT, {
        tasks: [notebook('a')],
        git_source: { ...gitSource, git_provider: provider },
      });
      expect(res.status).toBe(200);
    },
  );

  it('returns the same run for the same idempotency_token', async () => {
    const body = { tasks: [notebook('a')], idempotency_token: 'f'.repeat(64) };
    const first = await h.post(SUBMIT, body);
    const second = await h.post(SUBMIT, body);
    expect(second.body.run_id).toBe(first.body.run_id);
    expect(h.emu.runs.list()).toHaveLength(1);
  });

  it('ends a run past its timeout_seconds as TIMEDOUT', async () => {
    h.emu.setSubmitDefaults({ durationMs: 3_600_000 });
    const { body } = await h.post(SUBMIT, { tasks: [notebook('a')], timeout_seconds: 30 });
    h.clock.advance(29_900);
    expect(
      (await h.get('/api/2.2/jobs/runs/get', { run_id: body.run_id })).body.state.life_cycle_state,
    ).toBe('RUNNING');
    h.clock.advance(300);
    const run = (await h.get('/api/2.2/jobs/runs/get', { run_id: body.run_id })).body;
    expect(run.state.life_cycle_state).toBe('TERMINATING');
    h.clock.advance(1_000);
    const done = (await h.get('/api/2.2/jobs/runs/get', { run_id: body.run_id })).body;
    expect(done.state.result_state).toBe('TIMEDOUT');
    expect(done.tasks[0].state.result_state).toBe('TIMEDOUT');
  });

  it('asks the task handlers once, at completion, and falls back to the submit defaults', async () => {
    const seen: TaskCompletion[] = [];
    h.emu.state.taskHandlers.push((completion) => {
      seen.push(completion);
      return completion.taskKey === 'register'
        ? { result: 'SUCCESS', notebook_result: 'version=7' }
        : undefined;
    });
    h.emu.setSubmitDefaults({
      durationMs: 2_000,
      pendingMs: 0,
      outcome: { result: 'FAILED', error: 'boom' },
    });
    const { body } = await h.post(SUBMIT, { tasks: [notebook('register'), notebook('other')] });
    expect(seen).toHaveLength(0);
    h.clock.advance(2_000);
    await h.get('/api/2.2/jobs/runs/get', { run_id: body.run_id });
    await h.get('/api/2.2/jobs/runs/get', { run_id: body.run_id });
    expect(seen.map((c) => c.taskKey).sort()).toEqual(['other', 'register']);
    expect(seen[0]).toMatchObject({ runId: body.run_id, principal: 'alice@example.com' });
    h.clock.advance(1_000);
    const run = (await h.get('/api/2.2/jobs/runs/get', { run_id: body.run_id })).body;
    const byKey = Object.fromEntries(run.tasks.map((t: Json) => [t.task_key, t]));
    expect(byKey.register.state.result_state).toBe('SUCCESS');
    expect(byKey.other.state.result_state).toBe('FAILED');
    const output = await h.get('/api/2.2/jobs/runs/get-output', { run_id: byKey.register.run_id });
    expect(output.body.notebook_output).toEqual({ result: 'version=7', truncated: false });
  });

  it('settles completions on any request, not only on runs/get of that run', async () => {
    let calls = 0;
    h.emu.state.taskHandlers.push(() => {
      calls += 1;
      return undefined;
    });
    await h.post(SUBMIT, { tasks: [notebook('a')] });
    h.clock.advance(60_000);
    await h.get('/api/2.2/jobs/list');
    expect(calls).toBe(1);
  });
});

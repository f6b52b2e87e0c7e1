import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { COMMIT, outputRequests, startJobsWorld, type JobsWorld } from './support/harness.js';

const TASK = { task_key: 'evaluate', notebook_task: { notebook_path: 'notebooks/evaluate' } };

describe('submit_run against the emulator', () => {
  let world: JobsWorld;
  beforeEach(async () => {
    world = await startJobsWorld();
  });
  afterEach(async () => {
    await world.close();
  });

  it('git_source: auto sends the commit-pinned repository and a server-side timeout', async () => {
    const { emu } = world;
    emu.setSubmitDefaults({
      durationMs: 4_000,
      outcome: { result: 'SUCCESS', notebook_result: '0.93' },
    });
    const { outputs, error } = await world.runAction('submit_run', {
      run_name: 'evaluate abc',
      git_source: 'auto',
      tasks: [TASK],
      timeout: '30m',
    });
    expect(error).toBeUndefined();
    const [submit] = emu.findRequests({ method: 'POST', path: 'runs/submit' });
    expect(submit?.body).toEqual({
      // The marker a re-run of the step finds the run by (ON_ORPHAN).
      run_name: expect.stringMatching(/^evaluate abc \[dmp-[0-9a-f]{16}\]$/),
      tasks: [TASK],
      git_source: {
        git_url: 'https://bitbucket.org/acme/churn',
        git_provider: 'bitbucketCloud',
        git_commit: COMMIT,
      },
      timeout_seconds: 1800,
      idempotency_token: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    const [run] = emu.runs.list();
    expect(outputs).toEqual({
      run_id: run?.runId,
      run_page_url: expect.stringContaining(String(run?.runId)),
      result_state: 'SUCCESS',
      // A single-task run's output comes from its task run too.
      task_outputs: { evaluate: '0.93' },
    });
    expect(outputRequests(emu)).toEqual([run?.tasks[0]?.runId]);
    expect(world.audit.events).toEqual([
      expect.objectContaining({
        operation: 'jobs.runs.submit',
        target: 'run-name:evaluate abc',
        request: expect.objectContaining({ tasks: ['evaluate'], timeout_seconds: 1800 }),
      }),
    ]);
  });

  it('sends timeout_seconds even with wait: false (WAIT_TIMEOUT by default)', async () => {
    const { outputs } = await world.runAction('submit_run', { tasks: [TASK], wait: false });
    expect(Object.keys(outputs ?? {})).toEqual(['run_id', 'run_page_url']);
    const [submit] = world.emu.findRequests({ method: 'POST', path: 'runs/submit' });
    expect(submit?.body).toMatchObject({ timeout_seconds: 3600 });
  });

  it('reads the body from spec_file, inline fields winning', async () => {
    await mkdir(join(world.cloneDir, 'jobs'));
    await writeFile(
      join(world.cloneDir, 'jobs', 'evaluate.json'),
      JSON.stringify({ run_name: 'from file', tasks: [TASK], timeout_seconds: 600 }),
    );
    const { error } = await world.runAction('submit_run', {
      spec_file: 'jobs/evaluate.json',
      run_name: 'inline name',
    });
    expect(error).toBeUndefined();
    const [submit] = world.emu.findRequests({ method: 'POST', path: 'runs/submit' });
    expect(submit?.body).toMatchObject({
      run_name: expect.stringMatching(/^inline name \[dmp-/),
      timeout_seconds: 600,
    });
  });

  it('a spec_file outside the clone dir is refused before any request', async () => {
    const { error } = await world.runAction('submit_run', { spec_file: '../../etc/passwd' });
    expect(error?.code).toBe('ERR_PLAN_INVALID');
    expect(world.emu.requests).toHaveLength(0);
  });

  it('a failed one-time run explains its task', async () => {
    world.emu.setSubmitDefaults({
      durationMs: 2_000,
      outcome: {
        result: 'FAILED',
        error: 'AssertionError: auc below 0.8',
        error_trace: 'Traceback\nAssertionError: auc below 0.8',
      },
    });
    const { error } = await world.runAction('submit_run', { tasks: [TASK] });
    expect(error?.code).toBe('ERR_RUN_FAILED');
    expect(error?.details).toEqual(['task evaluate FAILED: AssertionError: auc below 0.8']);
  });

  it('the server-side timeout ends a run the pipe no longer watches', async () => {
    world.emu.setSubmitDefaults({ durationMs: 10 * 60_000 });
    await world.runAction('submit_run', { tasks: [TASK], wait: false, timeout: '1m' });
    world.emu.setSubmitDefaults({ durationMs: 1_000 });
    // Let two virtual minutes pass with another, short run.
    await world.runAction('submit_run', { tasks: [TASK], timeout: '5m', run_name: 'later' });
    await world.clock.sleep(120_000);
    const first = world.emu.runs.list().find((r) => !r.runName.startsWith('later'));
    expect(first?.resultState).toBe('TIMEDOUT');
  });
});

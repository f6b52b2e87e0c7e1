import { PipeError } from '../../../src/errors.js';
import { outputRequests, startJobsWorld, type JobsWorld } from './support/harness.js';

const S = 1000;
const MIN = 60 * S;

describe('run_job against the emulator', () => {
  let world: JobsWorld;
  beforeEach(async () => {
    world = await startJobsWorld();
  });
  afterEach(async () => {
    await world.close();
  });

  it('runs a job by name, waits quietly using its history, and returns every output', async () => {
    const { emu } = world;
    const jobId = emu.addJob({
      name: 'churn-training',
      durationMs: 2 * MIN,
      timeout_seconds: 3600,
      outcome: { result: 'SUCCESS', notebook_result: '{"auc": 0.91}' },
      history: Array.from({ length: 5 }, () => ({ durationMs: 2 * MIN + 1_500 })),
    });
    const started = world.clock.now();
    const { outputs, error } = await world.runAction('run_job', {
      job: 'churn-training',
      job_parameters: { git_commit: 'abc' },
    });
    expect(error).toBeUndefined();
    const [run] = emu.runs.list({ jobId });
    expect(outputs).toEqual({
      run_id: run?.runId,
      run_page_url: expect.stringContaining(`#job/${jobId}/run/${run?.runId}`),
      result_state: 'SUCCESS',
      task_outputs: { main: '{"auc": 0.91}' },
    });
    expect(emu.runs.countForJob(jobId)).toBe(1);
    // Noticed within a couple of seconds of the end, with few looks (the SDKs' schedule: 17,
    // a 5 s poll: 25).
    expect(world.clock.now() - started).toBeLessThan(2 * MIN + 1_500 + 3 * S);
    expect(emu.findRequests({ path: 'runs/get' }).length).toBeLessThanOrEqual(13);
    expect(emu.findRequests({ path: 'runs/list' })[0]?.query).toMatchObject({
      job_id: String(jobId),
      completed_only: 'true',
      limit: '5',
    });
    const runNow = emu.findRequests({ method: 'POST', path: 'jobs/run-now' });
    expect(runNow).toHaveLength(1);
    expect(runNow[0]?.body).toMatchObject({
      job_id: jobId,
      job_parameters: { git_commit: 'abc' },
      idempotency_token: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    expect(world.audit.events).toEqual([
      expect.objectContaining({
        operation: 'jobs.run-now',
        target: `job:${jobId}`,
        result: 'succeeded',
        response: { run_id: run?.runId },
      }),
    ]);
    expect(world.runs.size).toBe(0);
    const output = await world.output();
    expect(output).toContain(`run ${run?.runId}: http://127.0.0.1`);
    expect(output).toContain('recent successful runs took 2m');
  });

  it.each([
    {
      name: '10 s, no history',
      durationMs: 10 * S,
      history: false,
      maxPolls: 9,
      maxDelayMs: 2_500,
    },
    {
      name: '10 min, no history',
      durationMs: 10 * MIN,
      history: false,
      maxPolls: 56,
      maxDelayMs: 15 * S,
    },
    {
      name: '10 min, history',
      durationMs: 10 * MIN,
      history: true,
      maxPolls: 17,
      maxDelayMs: 4 * S,
    },
    // The official SDKs notice a run's end about 5 s late at the median, after ~690 polls at 2 h.
    { name: '2 h, history', durationMs: 120 * MIN, history: true, maxPolls: 80, maxDelayMs: 5 * S },
  ])(
    'waiting on a $name run costs at most $maxPolls polls',
    async ({ durationMs, history, maxPolls, maxDelayMs }) => {
      const { emu } = world;
      const jobId = emu.addJob({
        name: 'sized',
        durationMs,
        timeout_seconds: 3 * 3600,
        ...(history ? { history: Array(5).fill({ durationMs: durationMs + 1_500 }) } : {}),
      });
      const { error } = await world.runAction('run_job', { job: 'sized', timeout: '3h' });
      expect(error).toBeUndefined();
      const [run] = emu.runs.list({ jobId });
      const endedAt = (run?.createdAt ?? 0) + 1_000 + durationMs + 500;
      const polls = emu.findRequests({ path: 'runs/get' });
      const noticedAt = polls.at(-1)?.time ?? 0;
      expect(polls.length).toBeLessThanOrEqual(maxPolls);
      expect(noticedAt - endedAt).toBeLessThanOrEqual(maxDelayMs);
    },
  );

  it('a failing multi-task job names the task, its error and trace tail, from the TASK run', async () => {
    const { emu } = world;
    emu.addJob({
      name: 'train',
      durationMs: 10 * S,
      tasks: [
        { task_key: 'prepare', notebook_task: { notebook_path: '/p' } },
        {
          task_key: 'fit',
          depends_on: [{ task_key: 'prepare' }],
          notebook_task: { notebook_path: '/f' },
        },
        {
          task_key: 'report',
          depends_on: [{ task_key: 'fit' }],
          notebook_task: { notebook_path: '/r' },
        },
      ],
      outcomes: {
        fit: {
          result: 'FAILED',
          error: 'ZeroDivisionError: division by zero',
          error_trace:
            'Traceback (most recent call last):\n  File "fit.py", line 3\nZeroDivisionError: division by zero',
        },
      },
    });
    const { outputs, error } = await world.runAction('run_job', { job: 'train' });
    expect(outputs).toBeUndefined();
    expect(error?.code).toBe('ERR_RUN_FAILED');
    expect(error?.details).toEqual([
      'task fit FAILED: ZeroDivisionError: division by zero',
      'not run because an upstream task failed: report',
    ]);
    const [run] = emu.runs.list();
    expect(error?.outputs).toMatchObject({ run_id: run?.runId, result_state: 'FAILED' });
    expect(error?.outputs?.['run_page_url']).toEqual(expect.stringContaining(String(run?.runId)));
    const fitRunId = run?.tasks.find((t) => t.taskKey === 'fit')?.runId;
    expect(outputRequests(emu)).toEqual([fitRunId]);
    expect(await world.output()).toContain('|   File "fit.py", line 3');
  });

  it.each([
    { name: '429 twice (not processed)', status: 429, headers: { 'retry-after': '1' } },
    { name: '503 twice (idempotent, so retried)', status: 503, headers: {} },
  ])('$name on run-now still makes exactly one run', async ({ status, headers }) => {
    const { emu } = world;
    const jobId = emu.addJob({ name: 'etl', durationMs: 5 * S });
    const fault = emu.faults.add({
      method: 'POST',
      path: 'jobs/run-now',
      times: 2,
      respond: { status, headers },
    });
    const { error } = await world.runAction('run_job', { job: jobId });
    expect(error).toBeUndefined();
    expect(fault.fired).toBe(2);
    expect(emu.findRequests({ method: 'POST', path: 'jobs/run-now' })).toHaveLength(3);
    expect(emu.runs.countForJob(jobId)).toBe(1);
    expect(world.audit.events.filter((e) => e.operation === 'jobs.run-now')).toHaveLength(1);
  });

  it('a run its idempotency token already started is waited on, not started again', async () => {
    const { emu } = world;
    const jobId = emu.addJob({ name: 'etl', durationMs: 20 * S });
    // What a lost run-now response leaves behind: the server started the run, the pipe never
    // heard. The retried request carries the same token and gets that run back.
    const earlier = emu.startRun(jobId, { idempotencyToken: world.nextToken() });
    const { outputs, error } = await world.runAction('run_job', { job: jobId });
    expect(error).toBeUndefined();
    expect(outputs?.['run_id']).toBe(earlier);
    expect(emu.runs.list({ jobId, includeScenario: true })).toHaveLength(1);
  });

  it('timeout: 3s on a long job cancels the run and reports ERR_TIMEOUT with outputs', async () => {
    const { emu } = world;
    const jobId = emu.addJob({ name: 'long', durationMs: 2 * 60 * MIN, timeout_seconds: 0 });
    const started = world.clock.now();
    const { error } = await world.runAction('run_job', { job: 'long', timeout: '3s' });
    expect(error?.code).toBe('ERR_TIMEOUT');
    const [run] = emu.runs.list({ jobId });
    expect(run?.isCancelled).toBe(true);
    expect(run?.lifeCycleState).toBe('TERMINATED');
    expect(error?.outputs).toMatchObject({ run_id: run?.runId, result_state: 'CANCELED' });
    expect(world.clock.now() - started).toBeLessThan(10 * S);
    expect(world.audit.events.map((e) => `${e.operation} ${e.result}`)).toEqual([
      'jobs.run-now succeeded',
      'jobs.runs.cancel succeeded',
    ]);
    expect(world.runs.size).toBe(0);
    expect(await world.output()).toContain('has no timeout_seconds');
  });

  it('an aborted signal during the wait (SIGTERM) cancels the run', async () => {
    const { emu } = world;
    const jobId = emu.addJob({ name: 'long', durationMs: 30 * MIN });
    const controller = new AbortController();
    const clock = world.clock as import('./support/virtual-clock.js').VirtualClock;
    clock.onSleep = () => {
      if (emu.runs.list({ jobId })[0]?.lifeCycleState === 'RUNNING') {
        controller.abort(new PipeError('ERR_CANCELLED', 'received SIGTERM, cancelling'));
      }
    };
    const { error } = await world.runAction(
      'run_job',
      { job: jobId },
      { signal: controller.signal },
    );
    clock.onSleep = undefined;
    expect(error?.code).toBe('ERR_CANCELLED');
    expect(error?.message).toMatch(/^received SIGTERM: run \d+ was cancelled$/);
    const [run] = emu.runs.list({ jobId });
    expect(run?.isCancelled).toBe(true);
    expect(error?.outputs).toMatchObject({ run_id: run?.runId, result_state: 'CANCELED' });
    expect(world.runs.size).toBe(0);
  });

  it('only: runs just the named tasks, with legacy parameters passed through', async () => {
    const { emu } = world;
    const jobId = emu.addJob({
      name: 'two',
      durationMs: 2 * S,
      tasks: [
        { task_key: 'a', notebook_task: { notebook_path: '/a' } },
        { task_key: 'b', notebook_task: { notebook_path: '/b' } },
      ],
    });
    const { error } = await world.runAction('run_job', {
      job: 'two',
      only: ['b'],
      notebook_params: { epochs: '3' },
    });
    expect(error).toBeUndefined();
    expect(emu.runs.list({ jobId })[0]?.tasks.map((t) => t.taskKey)).toEqual(['b']);
    expect(emu.findRequests({ path: 'jobs/run-now' })[0]?.body).toMatchObject({
      only: ['b'],
      notebook_params: { epochs: '3' },
    });
  });

  it('wait: false returns run_id and run_page_url at once, and the run stays tracked', async () => {
    const { emu } = world;
    emu.addJob({ name: 'fire', durationMs: 10 * MIN });
    const { outputs } = await world.runAction('run_job', { job: 'fire', wait: false });
    expect(Object.keys(outputs ?? {})).toEqual(['run_id', 'run_page_url']);
    expect(emu.findRequests({ path: 'runs/list' })).toHaveLength(0);
    expect(world.runs.size).toBe(1);
  });

  it('follows 2.2 task pagination beyond 100 tasks, for outputs and for failures', async () => {
    const { emu } = world;
    const tasks = Array.from({ length: 150 }, (_, i) => ({
      task_key: `t${i}`,
      notebook_task: { notebook_path: `/n${i}` },
    }));
    emu.addJob({
      name: 'wide',
      tasks,
      durationMs: 5 * S,
      outcome: { result: 'SUCCESS', notebook_result: 'ok' },
      outcomes: { t130: { result: 'FAILED', error: 'task 130 broke' } },
    });
    const { error } = await world.runAction('run_job', { job: 'wide' });
    expect(error?.details).toEqual(['task t130 FAILED: task 130 broke']);
    const paged = emu.findRequests({ path: 'runs/get' }).filter((r) => r.query['page_token']);
    expect(paged.length).toBeGreaterThan(0);
    const [run] = emu.runs.list();
    expect(outputRequests(emu)).toEqual([run?.tasks.find((t) => t.taskKey === 't130')?.runId]);
  });

  it('reads every task output of a 150-task run', async () => {
    const { emu } = world;
    emu.addJob({
      name: 'wide-ok',
      tasks: Array.from({ length: 150 }, (_, i) => ({
        task_key: `t${i}`,
        notebook_task: { notebook_path: `/n${i}` },
      })),
      durationMs: 5 * S,
      outcome: { result: 'SUCCESS', notebook_result: 'ok' },
    });
    const { outputs } = await world.runAction('run_job', { job: 'wide-ok' });
    expect(Object.keys(outputs?.['task_outputs'] as object)).toHaveLength(150);
  });

  it('preflight: an unknown name is ERR_NOT_FOUND and nothing is triggered', async () => {
    const { error } = await world.runAction('run_job', { job: 'nope' });
    expect(error?.code).toBe('ERR_NOT_FOUND');
    expect(world.emu.requests.every((r) => r.method === 'GET')).toBe(true);
  });

  it('without a preflight (templated job) the run resolves the job itself', async () => {
    const jobId = world.emu.addJob({ name: 'late', durationMs: 3 * S });
    const { outputs } = await world.runAction('run_job', { job: 'late' }, { noPreflight: true });
    expect(outputs?.['result_state']).toBe('SUCCESS');
    expect(world.emu.runs.countForJob(jobId)).toBe(1);
  });
});

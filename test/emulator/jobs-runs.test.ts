import { startHarness, type Harness, type Json } from './emu-helpers.js';

const LIFE_CYCLE_STATES = [
  'QUEUED',
  'PENDING',
  'RUNNING',
  'TERMINATING',
  'TERMINATED',
  'SKIPPED',
  'INTERNAL_ERROR',
  'BLOCKED',
  'WAITING_FOR_RETRY',
];
const STATUS_STATES = [
  'BLOCKED',
  'PENDING',
  'QUEUED',
  'RUNNING',
  'TERMINATING',
  'TERMINATED',
  'WAITING',
];
const RESULT_STATES = [
  'SUCCESS',
  'SUCCESS_WITH_FAILURES',
  'FAILED',
  'TIMEDOUT',
  'CANCELED',
  'MAXIMUM_CONCURRENT_RUNS_REACHED',
  'EXCLUDED',
  'UPSTREAM_FAILED',
  'UPSTREAM_CANCELED',
  'DISABLED',
];
const TERMINATION_TYPES = ['SUCCESS', 'CLIENT_ERROR', 'INTERNAL_ERROR', 'CLOUD_FAILURE'];

describe('Jobs API: run life cycle, runs/get, get-output, cancel', () => {
  let h: Harness;

  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(() => h.emu.close());

  const runNow = async (jobId: number, version = '2.2'): Promise<number> =>
    (await h.post(`/api/${version}/jobs/run-now`, { job_id: jobId })).body.run_id as number;
  const getRun = async (runId: number, version = '2.2') =>
    (await h.get(`/api/${version}/jobs/runs/get`, { run_id: runId })).body;

  /** Asserts that a run object only uses the reference's enums and field names. */
  const expectWellFormed = (run: Json): void => {
    for (const obj of [run, ...(run.tasks ?? [])]) {
      expect(LIFE_CYCLE_STATES).toContain(obj.state.life_cycle_state);
      expect(STATUS_STATES).toContain(obj.status.state);
      if (obj.state.result_state !== undefined)
        expect(RESULT_STATES).toContain(obj.state.result_state);
      if (obj.status.termination_details)
        expect(TERMINATION_TYPES).toContain(obj.status.termination_details.type);
      expect(typeof obj.state.state_message).toBe('string');
    }
  };

  it('moves PENDING → RUNNING → TERMINATING → TERMINATED by the clock, with result only at the end', async () => {
    const jobId = h.emu.addJob({ name: 'train', pendingMs: 1_000, durationMs: 10_000 });
    const runId = await runNow(jobId);
    const seen: Array<[string, string | undefined, string]> = [];
    for (const step of [0, 1_000, 9_000, 1_000, 500]) {
      h.clock.advance(step);
      const run = await getRun(runId);
      expectWellFormed(run);
      seen.push([run.state.life_cycle_state, run.state.result_state, run.status.state]);
    }
    expect(seen).toEqual([
      ['PENDING', undefined, 'PENDING'],
      ['RUNNING', undefined, 'RUNNING'],
      ['RUNNING', undefined, 'RUNNING'],
      ['TERMINATING', undefined, 'TERMINATING'],
      ['TERMINATED', 'SUCCESS', 'TERMINATED'],
    ]);
    const done = await getRun(runId);
    expect(done.status.termination_details).toEqual({
      code: 'SUCCESS',
      type: 'SUCCESS',
      message: '',
    });
    expect(done.run_duration).toBe(11_500);
    expect(done.end_time - done.start_time).toBe(11_500);
    expect(h.emu.runs.get(runId)).toMatchObject({
      lifeCycleState: 'TERMINATED',
      resultState: 'SUCCESS',
      endedAt: done.end_time,
    });
  });

  it('links the run page as <url>/?o=<workspace>#job/<job_id>/run/<run_id>', async () => {
    const jobId = h.emu.addJob({ name: 'train' });
    const runId = await runNow(jobId);
    const run = await getRun(runId);
    expect(run.run_page_url).toBe(`${h.emu.url}/?o=1234#job/${jobId}/run/${runId}`);
    expect(run.tasks[0].run_page_url).toBe(
      `${h.emu.url}/?o=1234#job/${jobId}/run/${run.tasks[0].run_id}`,
    );
    expect(run.tasks[0].run_id).not.toBe(runId);
  });

  it('fails a multi-task run: FAILED task with its error in get-output, downstream UPSTREAM_FAILED', async () => {
    const jobId = h.emu.addJob({
      name: 'pipeline',
      tasks: [
        { task_key: 'train', spark_python_task: { python_file: 'train.py' } },
        {
          task_key: 'evaluate',
          notebook_task: { notebook_path: '/e' },
          depends_on: [{ task_key: 'train' }],
        },
      ],
      outcomes: {
        train: {
          result: 'FAILED',
          error: 'ValueError: bad data',
          error_trace: 'Traceback ...\nValueError: bad data',
          logs: 'epoch 1',
        },
      },
    });
    const runId = await runNow(jobId);
    h.clock.advance(60_000);
    const run = await getRun(runId);
    expectWellFormed(run);
    expect(run.state).toMatchObject({ life_cycle_state: 'TERMINATED', result_state: 'FAILED' });
    expect(run.state.state_message).toContain('Task train failed');
    expect(run.status.termination_details).toMatchObject({
      code: 'RUN_EXECUTION_ERROR',
      type: 'CLIENT_ERROR',
    });
    const [train, evaluate] = run.tasks;
    expect(train.state.result_state).toBe('FAILED');
    expect(evaluate.state.result_state).toBe('UPSTREAM_FAILED');
    expect(evaluate.status.termination_details.code).toBe('SKIPPED');
    const output = await h.get('/api/2.2/jobs/runs/get-output', { run_id: train.run_id });
    expect(output.status).toBe(200);
    expect(output.body).toMatchObject({
      error: 'ValueError: bad data',
      error_trace: 'Traceback ...\nValueError: bad data',
      logs: 'epoch 1',
      logs_truncated: false,
    });
    expect(output.body.metadata).toMatchObject({
      run_id: train.run_id,
      task_key: 'train',
      job_id: jobId,
    });
  });

  it.each(['2.1', '2.2'])(
    'refuses get-output on a parent run (%s) with the real wording',
    async (version) => {
      const jobId = h.emu.addJob({ name: 'single' });
      const runId = await runNow(jobId, version);
      const res = await h.get(`/api/${version}/jobs/runs/get-output`, { run_id: runId });
      expect(res.status).toBe(400);
      expect(res.body).toEqual({
        error_code: 'INVALID_PARAMETER_VALUE',
        message:
          'Retrieving the output of runs with multiple tasks is not supported. Please retrieve the output of each individual task run instead.',
      });
    },
  );

  it('returns the notebook exit value as notebook_output {result, truncated}', async () => {
    const jobId = h.emu.addJob({
      name: 'nb',
      outcome: { result: 'SUCCESS', notebook_result: '{"auc": 0.91}' },
    });
    const run = await getRun(await runNow(jobId));
    h.clock.advance(60_000);
    const output = await h.get('/api/2.2/jobs/runs/get-output', { run_id: run.tasks[0].run_id });
    expect(output.body.notebook_output).toEqual({ result: '{"auc": 0.91}', truncated: false });
    expect(output.body.error).toBeUndefined();
  });

  it('answers an unknown run with 400 INVALID_PARAMETER_VALUE "Run <id> does not exist."', async () => {
    const res = await h.get('/api/2.2/jobs/runs/get', { run_id: 31337 });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      error_code: 'INVALID_PARAMETER_VALUE',
      message: 'Run 31337 does not exist.',
    });
  });

  it('cancels asynchronously: TERMINATING for a while, then TERMINATED with CANCELED', async () => {
    const jobId = h.emu.addJob({ name: 'long', durationMs: 3_600_000 });
    const runId = await runNow(jobId);
    h.clock.advance(5_000);
    const cancel = await h.post('/api/2.2/jobs/runs/cancel', { run_id: runId });
    expect(cancel).toMatchObject({ status: 200, body: {} });
    const terminating = await getRun(runId);
    expect(terminating.state.life_cycle_state).toBe('TERMINATING');
    expect(terminating.state.result_state).toBeUndefined();
    expect(terminating.tasks[0].state.life_cycle_state).toBe('TERMINATING');
    h.clock.advance(500);
    const done = await getRun(runId);
    expectWellFormed(done);
    expect(done.state).toMatchObject({
      life_cycle_state: 'TERMINATED',
      result_state: 'CANCELED',
      user_cancelled_or_timedout: true,
    });
    expect(done.status.termination_details.code).toBe('USER_CANCELED');
    expect(done.tasks[0].state.result_state).toBe('CANCELED');
    expect(h.emu.runs.cancelled().map((r) => r.runId)).toEqual([runId]);
  });

  it('treats cancel of a finished run as a no-op', async () => {
    const jobId = h.emu.addJob({ name: 'quick', durationMs: 1_000 });
    const runId = await runNow(jobId);
    h.clock.advance(10_000);
    expect((await h.post('/api/2.2/jobs/runs/cancel', { run_id: runId })).status).toBe(200);
    expect((await getRun(runId)).state.result_state).toBe('SUCCESS');
    expect(h.emu.runs.cancelled()).toEqual([]);
  });

  it('ends a run past its job timeout_seconds as TIMEDOUT', async () => {
    const jobId = h.emu.addJob({ name: 'slow', durationMs: 600_000, timeout_seconds: 60 });
    const runId = await runNow(jobId);
    h.clock.advance(59_000);
    expect((await getRun(runId)).state.life_cycle_state).toBe('RUNNING');
    h.clock.advance(10_000);
    const run = await getRun(runId);
    expect(run.state).toMatchObject({
      life_cycle_state: 'TERMINATED',
      result_state: 'TIMEDOUT',
      user_cancelled_or_timedout: true,
    });
    expect(run.status.termination_details.code).toBe('CANCELED');
  });

  it('pages more than 100 tasks in 2.2 runs/get; 2.1 returns them all', async () => {
    const tasks = Array.from({ length: 120 }, (_, i) => ({
      task_key: `t${i}`,
      notebook_task: { notebook_path: `/n/${i}` },
    }));
    const jobId = h.emu.addJob({ name: 'wide', tasks, parameters: [{ name: 'p', default: 'v' }] });
    const runId = await runNow(jobId);
    expect((await getRun(runId, '2.1')).tasks).toHaveLength(120);
    const first = await getRun(runId);
    expect(first.tasks).toHaveLength(100);
    expect(first.job_parameters).toHaveLength(1);
    const second = (
      await h.get('/api/2.2/jobs/runs/get', { run_id: runId, page_token: first.next_page_token })
    ).body;
    expect(second.tasks.map((t: { task_key: string }) => t.task_key)).toEqual(
      tasks.slice(100).map((t) => t.task_key),
    );
    expect(second.next_page_token).toBeUndefined();
    expect(second.job_parameters).toBeUndefined();
  });

  it('refuses a page token it did not issue', async () => {
    const runId = await runNow(h.emu.addJob({ name: 'x' }));
    const res = await h.get('/api/2.2/jobs/runs/get', { run_id: runId, page_token: 'garbage' });
    expect(res.status).toBe(400);
  });

  it('queues a run beyond max_concurrent_runs until a slot frees up (queue enabled)', async () => {
    const jobId = h.emu.addJob({ name: 'serial', pendingMs: 0, durationMs: 10_000 });
    const first = await runNow(jobId);
    const second = await runNow(jobId);
    const queued = await getRun(second);
    expectWellFormed(queued);
    expect(queued.state.life_cycle_state).toBe('QUEUED');
    expect(queued.status).toMatchObject({
      state: 'QUEUED',
      queue_details: { code: 'MAX_CONCURRENT_RUNS_REACHED' },
    });
    h.clock.advance(10_600);
    expect((await getRun(first)).state.result_state).toBe('SUCCESS');
    const running = await getRun(second);
    expect(running.state.life_cycle_state).toBe('RUNNING');
    expect(running.queue_duration).toBe(10_500);
    h.clock.advance(10_500);
    expect((await getRun(second)).state.result_state).toBe('SUCCESS');
  });

  it('skips a run beyond max_concurrent_runs when the job does not queue', async () => {
    const jobId = h.emu.addJob({ name: 'no-queue', settings: { queue: { enabled: false } } });
    await runNow(jobId);
    const skipped = await getRun(await runNow(jobId));
    expectWellFormed(skipped);
    expect(skipped.state).toMatchObject({
      life_cycle_state: 'SKIPPED',
      result_state: 'MAXIMUM_CONCURRENT_RUNS_REACHED',
    });
    expect(skipped.status.termination_details.code).toBe('MAX_CONCURRENT_RUNS_EXCEEDED');
  });

  it('cancels a queued run without ever starting it', async () => {
    const jobId = h.emu.addJob({ name: 'serial', durationMs: 60_000 });
    await runNow(jobId);
    const second = await runNow(jobId);
    await h.post('/api/2.2/jobs/runs/cancel', { run_id: second });
    h.clock.advance(1_000);
    const run = await getRun(second);
    expect(run.state).toMatchObject({ life_cycle_state: 'TERMINATED', result_state: 'CANCELED' });
    expect(run.tasks[0].start_time).toBe(0);
  });
});

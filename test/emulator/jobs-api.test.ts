import { startHarness, type Harness } from './emu-helpers.js';

describe('Jobs API: jobs/list, jobs/get, jobs/run-now', () => {
  let h: Harness;
  let trainingId: number;

  beforeAll(async () => {
    h = await startHarness();
    trainingId = h.emu.addJob({
      name: 'churn-training',
      tasks: [
        { task_key: 'prep', notebook_task: { notebook_path: '/Repos/x/prep' } },
        {
          task_key: 'train',
          notebook_task: { notebook_path: '/Repos/x/train' },
          depends_on: [{ task_key: 'prep' }],
        },
        {
          task_key: 'report',
          notebook_task: { notebook_path: '/Repos/x/report' },
          depends_on: [{ task_key: 'train' }],
        },
      ],
      parameters: [{ name: 'git_commit', default: 'HEAD' }],
    });
    for (let i = 0; i < 25; i++) h.emu.addJob({ name: `filler-${String(i).padStart(2, '0')}` });
    h.emu.addJob({ name: 'Churn-Training-v2' });
  });
  afterAll(() => h.emu.close());

  describe.each(['2.1', '2.2'])('under /api/%s/', (version) => {
    const api = (path: string) => `/api/${version}/jobs/${path}`;

    it.each([
      { name: 'exact name', filter: 'churn-training', count: 1 },
      { name: 'other case', filter: 'CHURN-TRAINING', count: 1 },
      { name: 'prefix only', filter: 'churn', count: 0 },
    ])('filters jobs/list by $name (exact, case-insensitive)', async ({ filter, count }) => {
      const res = await h.get(api('list'), { name: filter });
      expect(res.status).toBe(200);
      expect(res.body.jobs?.length ?? 0).toBe(count);
      expect(res.body.has_more).toBe(false);
    });

    it('omits `jobs` entirely when nothing matches, as proto3 JSON does', async () => {
      const res = await h.get(api('list'), { name: 'no-such-job' });
      expect(res.body).toEqual({ has_more: false });
    });

    it('pages jobs/list with limit and page_token until has_more is false', async () => {
      const seen: number[] = [];
      let token: string | undefined;
      let pages = 0;
      do {
        const res = await h.get(api('list'), {
          limit: 10,
          ...(token ? { page_token: token } : {}),
        });
        seen.push(...(res.body.jobs as Array<{ job_id: number }>).map((j) => j.job_id));
        token = res.body.next_page_token as string | undefined;
        expect(Boolean(token)).toBe(res.body.has_more);
        pages += 1;
      } while (token);
      expect(pages).toBe(3);
      expect(new Set(seen).size).toBe(27);
    });

    it.each([{ limit: 101 }, { limit: -1 }, { limit: 'x' }])(
      'refuses limit $limit with 400 INVALID_PARAMETER_VALUE',
      async ({ limit }) => {
        const res = await h.get(api('list'), { limit });
        expect(res.status).toBe(400);
        expect(res.body.error_code).toBe('INVALID_PARAMETER_VALUE');
      },
    );

    it('returns task settings only with expand_tasks=true', async () => {
      const plain = await h.get(api('list'), { name: 'churn-training' });
      expect(plain.body.jobs[0].settings.tasks).toBeUndefined();
      const expanded = await h.get(api('list'), { name: 'churn-training', expand_tasks: true });
      expect(expanded.body.jobs[0].settings.tasks).toHaveLength(3);
    });

    it('gets a job with its settings', async () => {
      const res = await h.get(api('get'), { job_id: trainingId });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        job_id: trainingId,
        settings: { name: 'churn-training', max_concurrent_runs: 1 },
      });
      expect(res.body.settings.tasks.map((t: { task_key: string }) => t.task_key)).toEqual([
        'prep',
        'train',
        'report',
      ]);
    });

    it('answers a missing job with 400 INVALID_PARAMETER_VALUE "Job <id> does not exist."', async () => {
      const res = await h.get(api('get'), { job_id: 987654 });
      expect(res.status).toBe(400);
      expect(res.body).toEqual({
        error_code: 'INVALID_PARAMETER_VALUE',
        message: 'Job 987654 does not exist.',
      });
    });

    it('run-now returns run_id and number_in_job, and the run carries the parameters', async () => {
      const res = await h.post(api('run-now'), {
        job_id: trainingId,
        job_parameters: { git_commit: 'abc123' },
      });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ run_id: expect.any(Number), number_in_job: expect.any(Number) });
      const run = await h.get(api('runs/get'), { run_id: res.body.run_id });
      expect(run.body.job_parameters).toEqual([
        { name: 'git_commit', default: 'HEAD', value: 'abc123' },
      ]);
      expect(run.body.run_type).toBe('JOB_RUN');
      expect(run.body.trigger).toBe('ONE_TIME');
      expect(run.body.creator_user_name).toBe('alice@example.com');
    });

    it('run-now with the same idempotency_token returns the same run and starts no second one', async () => {
      const token = `${version}-${'a'.repeat(60)}`;
      const before = h.emu.runs.countForJob(trainingId);
      const first = await h.post(api('run-now'), { job_id: trainingId, idempotency_token: token });
      const second = await h.post(api('run-now'), { job_id: trainingId, idempotency_token: token });
      expect(second.body.run_id).toBe(first.body.run_id);
      expect(h.emu.runs.countForJob(trainingId)).toBe(before + 1);
    });

    it('run-now with `only` runs the selected tasks (and +upstream)', async () => {
      const res = await h.post(api('run-now'), { job_id: trainingId, only: ['+train'] });
      const run = await h.get(api('runs/get'), { run_id: res.body.run_id });
      expect(run.body.tasks.map((t: { task_key: string }) => t.task_key)).toEqual([
        'prep',
        'train',
      ]);
    });

    it.each([
      { name: 'no job_id', body: {} },
      { name: 'an unknown job', body: { job_id: 424242 } },
      { name: 'an idempotency_token over 64 chars', body: { idempotency_token: 'x'.repeat(65) } },
      { name: 'a non-string job parameter', body: { job_parameters: { git_commit: 7 } } },
      {
        name: 'job_parameters with notebook_params',
        body: { job_parameters: { a: 'b' }, notebook_params: { a: 'b' } },
      },
      {
        name: 'jar_params with notebook_params',
        body: { jar_params: ['a'], notebook_params: { a: 'b' } },
      },
      { name: 'non-ASCII python_params', body: { python_params: ['café'] } },
      { name: 'oversized notebook_params', body: { notebook_params: { big: 'x'.repeat(10_001) } } },
      { name: 'an unknown task in only', body: { only: ['deploy'] } },
    ])('run-now refuses $name with 400 INVALID_PARAMETER_VALUE', async ({ name, body }) => {
      const withJob =
        name === 'no job_id' || name === 'an unknown job' ? body : { job_id: trainingId, ...body };
      const before = h.emu.runs.countForJob(trainingId);
      const res = await h.post(api('run-now'), withJob);
      expect(res.status).toBe(400);
      expect(res.body.error_code).toBe('INVALID_PARAMETER_VALUE');
      expect(h.emu.runs.countForJob(trainingId)).toBe(before);
    });
  });

  it('accepts legacy notebook_params and shows them as overriding_parameters', async () => {
    const res = await h.post('/api/2.1/jobs/run-now', {
      job_id: trainingId,
      notebook_params: { epochs: '3' },
    });
    const run = await h.get('/api/2.1/jobs/runs/get', { run_id: res.body.run_id });
    expect(run.body.overriding_parameters).toEqual({ notebook_params: { epochs: '3' } });
  });

  it('pages a job’s tasks beyond 100 in 2.2 jobs/get, returns all in 2.1', async () => {
    const tasks = Array.from({ length: 150 }, (_, i) => ({
      task_key: `t${i}`,
      notebook_task: { notebook_path: `/n/${i}` },
    }));
    const jobId = h.emu.addJob({ name: 'wide', tasks });
    const v21 = await h.get('/api/2.1/jobs/get', { job_id: jobId });
    expect(v21.body.settings.tasks).toHaveLength(150);
    expect(v21.body.next_page_token).toBeUndefined();
    const first = await h.get('/api/2.2/jobs/get', { job_id: jobId });
    expect(first.body.settings.tasks).toHaveLength(100);
    const second = await h.get('/api/2.2/jobs/get', {
      job_id: jobId,
      page_token: first.body.next_page_token,
    });
    expect(second.body.settings.tasks).toHaveLength(50);
    expect(second.body.next_page_token).toBeUndefined();
  });
});

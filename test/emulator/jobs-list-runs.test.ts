import { startHarness, type Harness, type Json } from './emu-helpers.js';

const LIST = '/api/2.2/jobs/runs/list';

describe('Jobs API: runs/list, history and orphaned runs', () => {
  let h: Harness;
  let jobId: number;

  beforeEach(async () => {
    h = await startHarness();
    jobId = h.emu.addJob({
      name: 'train',
      durationMs: 60_000,
      history: [
        { durationMs: 1_200_000 },
        { durationMs: 900_000, result: 'FAILED' },
        { durationMs: 1_500_000 },
        { durationMs: 300_000, result: 'CANCELED' },
      ],
    });
  });
  afterEach(() => h.emu.close());

  it('lists history runs newest first with their results and durations', async () => {
    const res = await h.get(LIST, { job_id: jobId, completed_only: true });
    expect(res.status).toBe(200);
    const runs = res.body.runs as Json[];
    expect(runs.map((r) => r.state.result_state)).toEqual([
      'CANCELED',
      'SUCCESS',
      'FAILED',
      'SUCCESS',
    ]);
    expect(runs.map((r) => r.run_duration)).toEqual([300_000, 1_500_000, 900_000, 1_200_000]);
    expect(runs.every((r) => r.tasks === undefined)).toBe(true);
    const starts = runs.map((r) => r.start_time as number);
    expect([...starts].sort((a, b) => b - a)).toEqual(starts);
  });

  it('separates active from completed runs and finds an orphan by its idempotency token', async () => {
    const orphan = h.emu.startRun(jobId, { startedAgoMs: 10_000, idempotencyToken: 'tok-1' });
    const active = await h.get(LIST, { job_id: jobId, active_only: true });
    expect(active.body.runs.map((r: Json) => r.run_id)).toEqual([orphan]);
    expect(active.body.runs[0].state.life_cycle_state).toBe('RUNNING');
    const again = await h.post('/api/2.2/jobs/run-now', {
      job_id: jobId,
      idempotency_token: 'tok-1',
    });
    expect(again.body.run_id).toBe(orphan);
    expect(h.emu.runs.countForJob(jobId)).toBe(0);
    expect(h.emu.runs.active().map((r) => r.runId)).toEqual([orphan]);
  });

  it('includes tasks with expand_tasks=true', async () => {
    const res = await h.get(LIST, { job_id: jobId, limit: 1, expand_tasks: true });
    expect(res.body.runs[0].tasks).toHaveLength(1);
  });

  it('pages with limit and page_token', async () => {
    const first = await h.get(LIST, { job_id: jobId, limit: 3 });
    expect(first.body.runs).toHaveLength(3);
    expect(first.body.has_more).toBe(true);
    const second = await h.get(LIST, {
      job_id: jobId,
      limit: 3,
      page_token: first.body.next_page_token,
    });
    expect(second.body.runs).toHaveLength(1);
    expect(second.body.has_more).toBe(false);
    expect(second.body.prev_page_token).toEqual(expect.any(String));
  });

  it.each([
    { name: 'active_only with completed_only', query: { active_only: true, completed_only: true } },
    { name: 'a limit above 25', query: { limit: 26 } },
  ])('refuses $name with 400 INVALID_PARAMETER_VALUE', async ({ query }) => {
    const res = await h.get(LIST, query);
    expect(res.status).toBe(400);
    expect(res.body.error_code).toBe('INVALID_PARAMETER_VALUE');
  });

  it('answers {has_more: false} without `runs` when nothing matches', async () => {
    const res = await h.get(LIST, { job_id: jobId, active_only: true });
    expect(res.body).toEqual({ has_more: false });
  });
});

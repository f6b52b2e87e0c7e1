import {
  BATCH_MIN,
  RUNS_PAGE,
  SWEEP_FRESH_MS,
  createRunWatch,
} from '../../../../src/actions/jobs/run-watch.js';
import type { Clock } from '../../../../src/clock.js';
import type { Run } from '../../../../src/databricks/jobs.js';
import type { ApiClient, ApiRequest } from '../../../../src/databricks/types.js';
import { PipeError } from '../../../../src/errors.js';

const JOB = 7;

/** A workspace of runs behind a fake ApiClient: runs/get and runs/list (newest first, paged). */
function workspace(count: number, listed: { tasks?: boolean; hasMore?: boolean } = {}) {
  let now = 1_000_000;
  const clock: Clock = {
    now: () => now,
    sleep: () => Promise.resolve(),
    random: () => 0.5,
  };
  const runs = Array.from({ length: count }, (_, i): Run => ({
    run_id: 100 + i,
    job_id: JOB,
    start_time: now - 60_000 + i,
    state: { life_cycle_state: 'RUNNING' },
  }));
  const requests: ApiRequest[] = [];
  let failList = false;
  const api: ApiClient = {
    get requestCount() {
      return requests.length;
    },
    request<T>(req: ApiRequest): Promise<T> {
      requests.push(req);
      const q = req.query ?? {};
      if (req.path.endsWith('/runs/get')) {
        const run = runs.find((r) => r.run_id === q['run_id']);
        if (!run) return Promise.reject(new PipeError('ERR_NOT_FOUND', 'no such run'));
        return Promise.resolve({
          ...run,
          tasks: [{ run_id: run.run_id * 10, task_key: 'main' }],
        } as T);
      }
      if (req.path.endsWith('/runs/list')) {
        if (failList) return Promise.reject(new PipeError('ERR_PERMISSION_DENIED', 'no list'));
        const matching = runs
          .filter(
            (r) => r.job_id === q['job_id'] && (r.start_time ?? 0) >= Number(q['start_time_from']),
          )
          .sort((a, b) => (b.start_time ?? 0) - (a.start_time ?? 0));
        const offset = Number(q['page_token'] ?? 0);
        const limit = Number(q['limit']);
        const page = matching.slice(offset, offset + limit);
        const hasMore = offset + limit < matching.length;
        return Promise.resolve({
          runs: page.map((r) => ({
            ...r,
            ...(listed.tasks && q['expand_tasks']
              ? { tasks: [{ run_id: r.run_id * 10, task_key: 'main' }] }
              : {}),
            ...(listed.hasMore ? { has_more: true } : {}),
          })),
          has_more: hasMore,
          ...(hasMore ? { next_page_token: String(offset + limit) } : {}),
        } as T);
      }
      return Promise.reject(new Error(`unexpected ${req.path}`));
    },
  };
  const count_ = (suffix: string): number => requests.filter((r) => r.path.endsWith(suffix)).length;
  return {
    api,
    clock,
    runs,
    advance: (ms: number) => {
      now += ms;
    },
    gets: () => count_('/runs/get'),
    lists: () => count_('/runs/list'),
    failLists: () => {
      failList = true;
    },
  };
}

describe('run watch', () => {
  it('reads each run with runs/get while fewer than BATCH_MIN runs of a job are watched', async () => {
    const w = workspace(BATCH_MIN - 1);
    const watch = createRunWatch(w.api, w.clock);
    for (const run of w.runs) watch.watch(run, w.clock.now());
    for (const run of w.runs) await watch.read(run.run_id, JOB);
    expect(w.gets()).toBe(BATCH_MIN - 1);
    expect(w.lists()).toBe(0);
  });

  it('reads 60 watched runs with one sweep of 3 pages, and sweeps again only when stale', async () => {
    const w = workspace(60);
    const watch = createRunWatch(w.api, w.clock);
    for (const run of w.runs) watch.watch(run, w.clock.now());
    const states = await Promise.all(w.runs.map((r) => watch.read(r.run_id, JOB)));
    expect(states.map((s) => s.run_id)).toEqual(w.runs.map((r) => r.run_id));
    expect(w.lists()).toBe(Math.ceil(60 / RUNS_PAGE));
    expect(w.gets()).toBe(0);
    // Within the freshness window, polls cost nothing.
    w.advance(SWEEP_FRESH_MS);
    for (const run of w.runs) await watch.read(run.run_id, JOB);
    expect(w.lists()).toBe(3);
    // After it, one more sweep serves everyone.
    w.advance(1);
    for (const run of w.runs) await watch.read(run.run_id, JOB);
    expect(w.lists()).toBe(6);
    expect(w.gets()).toBe(0);
  });

  it.each([
    { name: 'whole, with its tasks', listed: { tasks: true }, gets: 0 },
    { name: 'without tasks', listed: {}, gets: 1 },
    { name: 'with arrays cut short (has_more)', listed: { tasks: true, hasMore: true }, gets: 1 },
  ])(
    'answers a run the sweep shows ended $name, reading runs/get $gets time(s)',
    async ({ listed, gets }) => {
      const w = workspace(5, listed);
      const watch = createRunWatch(w.api, w.clock);
      for (const run of w.runs) watch.watch(run, w.clock.now());
      const ended = w.runs[2] as Run;
      ended.state = { life_cycle_state: 'TERMINATED', result_state: 'SUCCESS' };
      const read = await watch.read(ended.run_id, JOB);
      expect(read.state?.result_state).toBe('SUCCESS');
      expect(read.tasks?.[0]?.task_key).toBe('main');
      expect(w.lists()).toBe(1);
      expect(w.gets()).toBe(gets);
    },
  );

  it('lets a rarely polling waiter take an older sweep (maxAgeMs), never one older than asked', async () => {
    const w = workspace(4);
    const watch = createRunWatch(w.api, w.clock);
    for (const run of w.runs) watch.watch(run, w.clock.now());
    await watch.read(100, JOB);
    w.advance(5_000);
    await watch.read(101, JOB, { maxAgeMs: 15_000 });
    expect(w.lists()).toBe(1);
    await watch.read(102, JOB, { maxAgeMs: 4_000 });
    expect(w.lists()).toBe(2);
  });

  it('stops sweeping for a job once its watches end', async () => {
    const w = workspace(4);
    const watch = createRunWatch(w.api, w.clock);
    const releases = w.runs.map((run) => watch.watch(run, w.clock.now()));
    releases.slice(0, 2).forEach((release) => release());
    await watch.read(100, JOB);
    expect(w.lists()).toBe(0);
    expect(w.gets()).toBe(1);
  });

  it('falls back to runs/get when a sweep fails', async () => {
    const w = workspace(4);
    const watch = createRunWatch(w.api, w.clock);
    for (const run of w.runs) watch.watch(run, w.clock.now());
    w.failLists();
    const read = await watch.read(101, JOB);
    expect(read.run_id).toBe(101);
    expect(w.gets()).toBe(1);
  });

  it("lets one waiter's cancellation reject only its own read", async () => {
    const w = workspace(4);
    const watch = createRunWatch(w.api, w.clock);
    for (const run of w.runs) watch.watch(run, w.clock.now());
    const controller = new AbortController();
    const cancelled = watch.read(100, JOB, { signal: controller.signal });
    const other = watch.read(101, JOB);
    controller.abort(new PipeError('ERR_CANCELLED', 'stop'));
    await expect(cancelled).rejects.toMatchObject({ code: 'ERR_CANCELLED' });
    await expect(other).resolves.toMatchObject({ run_id: 101 });
  });

  it('reads a run without a job id (a one-time run) with runs/get', async () => {
    const w = workspace(4);
    const watch = createRunWatch(w.api, w.clock);
    for (const run of w.runs) watch.watch(run, w.clock.now());
    await watch.read(102, undefined);
    expect(w.gets()).toBe(1);
    expect(w.lists()).toBe(0);
  });
});

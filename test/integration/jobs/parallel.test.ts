import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startEmulator, type Emulator } from '../../../emulator/index.js';
import { DEFAULT_REQUESTS_PER_SECOND } from '../../../src/databricks/rate-limiter.js';
import { runPipe } from '../../support/run-pipe.js';
import { virtualClock, type VirtualClock } from './support/virtual-clock.js';

const GROUP_SIZE = 20;
const S = 1000;
const MIN = 60 * S;

/** Returns the most timestamps inside any window of `windowMs` starting at one of them. */
function busiest(times: number[], windowMs: number): number {
  return Math.max(...times.map((t) => times.filter((u) => u >= t && u < t + windowMs).length));
}

/** An emulator on a virtual clock for one describe block (started before, closed after). */
function virtualWorld(): { emu: () => Emulator; clock: () => VirtualClock } {
  let emu: Emulator | undefined;
  let clock: VirtualClock | undefined;
  beforeAll(async () => {
    clock = virtualClock();
    emu = await startEmulator({ clock, issuer: false });
  });
  afterAll(async () => {
    await emu?.close();
  });
  const get = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('the world starts in beforeAll');
    return value;
  };
  return { emu: () => get(emu), clock: () => get(clock) };
}

/** Runs a `parallel` group of `members` (YAML list items) and returns the outcome and its virtual duration. */
async function runGroup(
  emu: Emulator,
  clock: VirtualClock,
  members: string[],
  env: Record<string, string>,
): Promise<{ run: Awaited<ReturnType<typeof runPipe>>; elapsed: number }> {
  const started = clock.now();
  const run = await runPipe({
    clock,
    transport: clock.transport,
    env: {
      DATABRICKS_HOST: emu.url,
      DATABRICKS_TOKEN: emu.addPat(undefined, 'ci-bot@example.com'),
      ACTIONS: `- parallel:\n${members.join('')}  max_concurrency: ${members.length}\n`,
      ...env,
    },
  });
  return { run, elapsed: clock.now() - started };
}

// Virtual time (see support/virtual-clock.ts): minutes-long runs in milliseconds, and the
// emulator logs each request at the virtual moment it was sent, so rates are exact.
describe('a parallel group of 20 run_job actions', () => {
  const world = virtualWorld();

  it('finishes in about the time of the longest run, within the shared rate limit', async () => {
    const emu = world.emu();
    // Runs of 5 to 14.5 minutes; half the jobs have recent runs to predict from.
    const durations = Array.from({ length: GROUP_SIZE }, (_, i) => 5 * MIN + i * 30 * S);
    const jobIds = durations.map((durationMs, i) =>
      emu.addJob({
        name: `shard-${i}`,
        durationMs,
        timeout_seconds: 3600,
        outcome: { result: 'SUCCESS', notebook_result: `rows=${i}` },
        ...(i % 2 === 0 ? { history: Array(5).fill({ durationMs: durationMs + 1_500 }) } : {}),
      }),
    );
    const members = jobIds.map((_, i) => `    - id: shard${i}\n      run_job: {job: shard-${i}}\n`);
    const { run, elapsed } = await runGroup(emu, world.clock(), members, {
      BITBUCKET_PIPELINE_UUID: '{9a9a0000-0000-4000-8000-000000000001}',
      BITBUCKET_STEP_UUID: '{9a9a0000-0000-4000-8000-000000000002}',
    });
    expect(run.exitCode).toBe(0);
    for (const jobId of jobIds) expect(emu.runs.countForJob(jobId)).toBe(1);

    // The longest run: 1 s setup + its tasks + 0.5 s terminating.
    const longestMs = 1_000 + Math.max(...durations) + 500;
    expect(elapsed).toBeGreaterThanOrEqual(longestMs);
    expect(elapsed).toBeLessThan(longestMs + 30 * S);
    const runNows = emu.findRequests({ method: 'POST', path: 'jobs/run-now' }).map((r) => r.time);
    expect(Math.max(...runNows) - Math.min(...runNows)).toBeLessThan(5 * S);

    const times = emu.requests.filter((r) => r.path.startsWith('/api/')).map((r) => r.time);
    const peak = busiest(times, 1_000);
    expect(peak).toBeLessThanOrEqual(DEFAULT_REQUESTS_PER_SECOND);

    const results = JSON.parse(
      await readFile(join(run.cloneDir, 'databricks-ml-pipe', 'results.json'), 'utf8'),
    ) as { actions: Array<{ status: string; outputs: { task_outputs?: unknown } }> };
    expect(results.actions.map((a) => a.status)).toEqual(Array(GROUP_SIZE).fill('succeeded'));
    expect(results.actions[7]?.outputs.task_outputs).toEqual({ main: 'rows=7' });
    const polls = emu.findRequests({ path: 'runs/get' }).length;
    console.log(
      `parallel ${GROUP_SIZE}: ${(elapsed / 1000).toFixed(1)} s virtual (longest run ` +
        `${(longestMs / 1000).toFixed(1)} s); ${times.length} requests, ${polls} runs/get; ` +
        `busiest second ${peak}`,
    );
  });
});

describe('a parallel group of 60 runs of one job', () => {
  const world = virtualWorld();

  it('reads the runs together (runs/list sweeps) and notices the last end promptly', async () => {
    const emu = world.emu();
    const count = 60;
    const durationMs = 2 * MIN;
    const jobId = emu.addJob({
      name: 'shards',
      durationMs,
      settings: { max_concurrent_runs: 1000 },
      outcome: { result: 'SUCCESS', notebook_result: 'ok' },
      history: Array(5).fill({ durationMs }),
    });
    const members = Array.from(
      { length: count },
      (_, i) =>
        `    - id: shard${i}\n      run_job: {job: shards, job_parameters: {shard: "${i}"}}\n`,
    );
    const { run, elapsed } = await runGroup(emu, world.clock(), members, {
      BITBUCKET_PIPELINE_UUID: '{9a9a0000-0000-4000-8000-000000000003}',
      BITBUCKET_STEP_UUID: '{9a9a0000-0000-4000-8000-000000000004}',
      BITBUCKET_STEP_RUN_NUMBER: '1',
    });
    expect(run.exitCode).toBe(0);
    expect(emu.runs.countForJob(jobId)).toBe(count);

    const runNows = emu.findRequests({ method: 'POST', path: 'jobs/run-now' }).map((r) => r.time);
    const lastStart = Math.max(...runNows) - Math.min(...runNows);
    // The last run ends 1 s + duration + 0.5 s after its run-now; sweeps notice it within a few s.
    expect(elapsed).toBeLessThan(lastStart + durationMs + 1_500 + 6 * S);
    // Individual polls only for the end of each run; the rest are sweeps of 25 runs a page.
    const gets = emu.findRequests({ path: 'runs/get' }).length;
    const sweeps = emu
      .findRequests({ path: 'runs/list' })
      .filter((r) => r.query['start_time_from'] !== undefined).length;
    expect(sweeps).toBeGreaterThan(0);
    expect(gets).toBeLessThanOrEqual(2 * count + 5);
    const times = emu.requests.filter((r) => r.path.startsWith('/api/')).map((r) => r.time);
    expect(busiest(times, 1_000)).toBeLessThanOrEqual(DEFAULT_REQUESTS_PER_SECOND);
    console.log(
      `parallel ${count} of one job: ${(elapsed / 1000).toFixed(1)} s virtual (runs of ` +
        `${durationMs / 1000} s, last started at ${(lastStart / 1000).toFixed(1)} s); ` +
        `${times.length} requests: ${gets} runs/get, ${sweeps} runs/list sweep pages`,
    );
  });
});

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startEmulator, type Emulator } from '../../../emulator/index.js';
import { PipeError } from '../../../src/errors.js';
import { runPipe } from '../../support/run-pipe.js';

// The pipe as a user runs it (in-process main(), real clock and sockets) against the emulator.

interface ResultsFile {
  status: string;
  actions: Array<{ status: string; outputs: Record<string, unknown>; error?: { code: string } }>;
}

function pipeEnv(emu: Emulator, actions: string, extra: Record<string, string> = {}) {
  return {
    DATABRICKS_HOST: emu.url,
    DATABRICKS_TOKEN: emu.addPat(undefined, 'ci-bot@example.com'),
    ACTIONS: actions,
    BITBUCKET_PIPELINE_UUID: '{5a1e0000-0000-4000-8000-000000000001}',
    BITBUCKET_STEP_UUID: '{5a1e0000-0000-4000-8000-000000000002}',
    BITBUCKET_COMMIT: 'c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00',
    BITBUCKET_GIT_HTTP_ORIGIN: 'http://bitbucket.org/acme/churn',
    ...extra,
  };
}

async function results(cloneDir: string): Promise<ResultsFile> {
  const text = await readFile(join(cloneDir, 'databricks-ml-pipe', 'results.json'), 'utf8');
  return JSON.parse(text) as ResultsFile;
}

describe('the pipe running Jobs actions', () => {
  let emu: Emulator;
  beforeEach(async () => {
    emu = await startEmulator({ issuer: false });
  });
  afterEach(async () => {
    await emu.close();
  });

  it('a job by name runs and the pipe exits 0 with the run URL printed', async () => {
    const jobId = emu.addJob({
      name: 'churn-training',
      durationMs: 800,
      pendingMs: 200,
      timeout_seconds: 600,
    });
    const run = await runPipe({
      env: pipeEnv(emu, '- id: train\n  run_job: {job: churn-training}\n'),
    });
    expect(run.exitCode).toBe(0);
    const [info] = emu.runs.list({ jobId });
    expect(run.output).toContain(`#job/${jobId}/run/${info?.runId}`);
    expect((await results(run.cloneDir)).actions[0]).toMatchObject({
      status: 'succeeded',
      outputs: { run_id: info?.runId, result_state: 'SUCCESS' },
    });
  });

  it("a failing job exits 1 and shows the task's error text", async () => {
    emu.addJob({
      name: 'train',
      durationMs: 500,
      pendingMs: 100,
      timeout_seconds: 600,
      outcome: { result: 'FAILED', error: 'ValueError: label column "churned" not found' },
    });
    const run = await runPipe({ env: pipeEnv(emu, '- run_job: {job: train}\n') });
    expect(run.exitCode).toBe(1);
    const verdict = run.output.slice(run.output.indexOf('✖'));
    expect(verdict).toContain('ValueError: label column "churned" not found');
    expect((await results(run.cloneDir)).actions[0]).toMatchObject({
      status: 'failed',
      outputs: { result_state: 'FAILED' },
      error: { code: 'ERR_RUN_FAILED' },
    });
  });

  it('timeout: 3s on a long job cancels it and exits 1 within seconds', async () => {
    const jobId = emu.addJob({ name: 'long', durationMs: 60 * 60_000, pendingMs: 200 });
    const started = Date.now();
    const run = await runPipe({ env: pipeEnv(emu, '- run_job: {job: long, timeout: 3s}\n') });
    expect(run.exitCode).toBe(1);
    expect(Date.now() - started).toBeLessThan(8_000);
    expect(emu.runs.list({ jobId })[0]?.isCancelled).toBe(true);
    expect((await results(run.cloneDir)).actions[0]).toMatchObject({
      status: 'timed_out',
      error: { code: 'ERR_TIMEOUT' },
    });
  });

  it('SIGTERM during a wait cancels the run and exits 1', async () => {
    const jobId = emu.addJob({ name: 'long', durationMs: 60 * 60_000, pendingMs: 200 });
    const controller = new AbortController();
    const watcher = setInterval(() => {
      if (emu.runs.list({ jobId })[0]?.lifeCycleState === 'RUNNING') {
        controller.abort(new PipeError('ERR_CANCELLED', 'received SIGTERM, cancelling'));
      }
    }, 50);
    const run = await runPipe({
      env: pipeEnv(emu, '- run_job: {job: long}\n'),
      signal: controller.signal,
    }).finally(() => clearInterval(watcher));
    expect(run.exitCode).toBe(1);
    expect(emu.runs.list({ jobId })[0]?.isCancelled).toBe(true);
    expect((await results(run.cloneDir)).actions[0]).toMatchObject({ status: 'cancelled' });
  });

  it('DRY_RUN resolves job names with GETs only and starts nothing', async () => {
    const jobId = emu.addJob({ name: 'churn-training', history: [{ durationMs: 60_000 }] });
    const run = await runPipe({
      env: pipeEnv(
        emu,
        '- run_job: {job: churn-training}\n- submit_run: {tasks: [{task_key: a, notebook_task: {notebook_path: n}}], git_source: auto}\n',
        { DRY_RUN: 'true' },
      ),
    });
    expect(run.exitCode).toBe(0);
    expect(emu.requests.length).toBeGreaterThan(0);
    expect(emu.requests.filter((r) => r.method !== 'GET')).toEqual([]);
    expect(emu.runs.countForJob(jobId)).toBe(0);
    expect(run.output).toContain('job "churn-training"');
  });

  it('a job name that does not resolve exits 2 before anything changes', async () => {
    emu.addJob({ name: 'other' });
    const run = await runPipe({
      env: pipeEnv(emu, '- run_job: {job: other}\n- run_job: {job: churn-trainin}\n'),
    });
    expect(run.exitCode).toBe(2);
    expect(run.output).toContain('churn-trainin');
    expect(emu.requests.filter((r) => r.method !== 'GET')).toEqual([]);
  });

  it('two jobs with the name exit 2, listing their ids', async () => {
    const a = emu.addJob({ name: 'etl' });
    const b = emu.addJob({ name: 'etl' });
    const run = await runPipe({ env: pipeEnv(emu, '- run_job: {job: etl}\n') });
    expect(run.exitCode).toBe(2);
    expect(run.output).toContain(`${a} (`);
    expect(run.output).toContain(`${b} (`);
  });

  it('a spec_file escaping the clone dir exits 2 before anything changes', async () => {
    const run = await runPipe({
      env: pipeEnv(emu, '- submit_run: {spec_file: ../../etc/passwd}\n'),
    });
    expect(run.exitCode).toBe(2);
    expect(run.output).toContain('outside the clone directory');
    expect(emu.requests.filter((r) => r.method !== 'GET')).toEqual([]);
  });
});

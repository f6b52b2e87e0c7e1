/**
 * The look-up for a stopped predecessor's run, through the whole pipe (in-process main(),
 * virtual clock, the emulator's sockets): what it finds, what it leaves alone, and what it
 * costs in requests.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startEmulator, type Emulator, type RequestLogEntry } from '../../../emulator/index.js';
import { PipeError } from '../../../src/errors.js';
import { runPipe, type PipeRun } from '../../support/run-pipe.js';
import { virtualClock, type VirtualClock } from '../jobs/support/virtual-clock.js';

const COMMIT = '9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d';
const PIPELINE = '{3c2b1a09-0000-4000-8000-000000000001}';
const MIN = 60_000;
const TRAIN = (params: string) => `
- id: train
  run_job:
    job: churn-training
    job_parameters: ${params}
    timeout: 30m
`;
const WITH_COMMIT = TRAIN('{ git_commit: "{{ bitbucket.commit }}" }');
const EVALUATE = `
- id: evaluate
  submit_run:
    run_name: evaluate
    tasks: [{ task_key: evaluate, notebook_task: { notebook_path: nb/evaluate } }]
    timeout: 30m
`;

interface Results {
  exit_code: number;
  actions: Array<{ status: string; outputs: Record<string, unknown> }>;
}

const isLookup = (r: RequestLogEntry): boolean =>
  r.path.endsWith('/runs/list') && r.query['completed_only'] !== 'true';
const isList = (r: RequestLogEntry): boolean => r.path.endsWith('/runs/list');
/** A runs/list request as `job 7 completed_only limit 5`, `SUBMIT_RUN active_only limit 25`. */
const describeList = (r: RequestLogEntry): string =>
  [
    r.query['job_id'] ? `job ${r.query['job_id']}` : r.query['run_type'],
    ...['active_only', 'completed_only'].filter((flag) => r.query[flag] === 'true'),
    `limit ${r.query['limit']}`,
  ].join(' ');

describe('looking for a stopped predecessor’s run', () => {
  let emu: Emulator;
  let clock: VirtualClock;
  beforeEach(async () => {
    clock = virtualClock();
    emu = await startEmulator({ issuer: false, clock });
  });
  afterEach(async () => {
    await emu.close();
  });

  async function step(
    plan: string,
    extra: Record<string, string | undefined> = {},
    signal?: AbortSignal,
  ): Promise<PipeRun & { results: Results }> {
    const run = await runPipe({
      env: {
        DATABRICKS_HOST: emu.url,
        DATABRICKS_TOKEN: emu.addPat(undefined, 'ci-bot@example.com'),
        ACTIONS: plan,
        BITBUCKET_PIPELINE_UUID: PIPELINE,
        BITBUCKET_STEP_UUID: `{step-${Math.random().toString(16).slice(2)}}`,
        BITBUCKET_COMMIT: COMMIT,
        ...extra,
      },
      clock,
      transport: clock.transport,
      ...(signal ? { signal } : {}),
    });
    const text = await readFile(join(run.cloneDir, 'databricks-ml-pipe', 'results.json'), 'utf8');
    return { ...run, results: JSON.parse(text) as Results };
  }

  it('costs one runs/list per jobs action inside a pipeline, none outside one', async () => {
    const jobId = emu.addJob({
      name: 'churn-training',
      durationMs: 2 * MIN,
      timeout_seconds: 3600,
    });
    const plan =
      WITH_COMMIT + EVALUATE + TRAIN('{ epochs: "3" }').replace('id: train', 'id: again');
    const inPipeline = await step(plan);
    expect(inPipeline.exitCode).toBe(0);
    // `again` (its parameters identify nothing) reads the job's history in preflight; `train`
    // reads it from its look-up's page, unfiltered; submit_run looks among active one-time runs.
    expect(emu.findRequests().filter(isList).map(describeList)).toEqual([
      `job ${jobId} completed_only limit 5`,
      `job ${jobId} limit 25`,
      'SUBMIT_RUN active_only limit 25',
    ]);

    emu.clearRequests();
    const local = await step(plan, { BITBUCKET_PIPELINE_UUID: undefined });
    expect(local.exitCode).toBe(0);
    expect(emu.findRequests().filter(isLookup)).toHaveLength(0);
    expect(emu.findRequests({ method: 'POST', path: 'runs/submit' })[0]?.body).toMatchObject({
      run_name: 'evaluate',
    });
  });

  it.each([
    {
      name: 'a first attempt: the history alone, no look-up',
      runNumber: '1',
      lists: ['completed_only limit 5'],
    },
    {
      name: 'a re-run: one page for the look-up and the history',
      runNumber: '2',
      lists: ['limit 25'],
    },
    { name: 'no run number (taken as a re-run)', runNumber: undefined, lists: ['limit 25'] },
  ])('run_job on $name', async ({ runNumber, lists }) => {
    const jobId = emu.addJob({
      name: 'churn-training',
      durationMs: 2 * MIN,
      timeout_seconds: 3600,
      history: Array.from({ length: 6 }, () => ({ durationMs: 2 * MIN })),
    });
    const run = await step(WITH_COMMIT, { BITBUCKET_STEP_RUN_NUMBER: runNumber });
    expect(run.exitCode).toBe(0);
    expect(emu.findRequests().filter(isList).map(describeList)).toEqual(
      lists.map((list) => `job ${jobId} ${list}`),
    );
    // The prediction comes from the newest five completed runs either way.
    expect(run.output).toContain('recent successful runs took 2m (5 runs)');
  });

  it('a run of the same parameters that has already ended is history, not a run to adopt', async () => {
    const jobId = emu.addJob({
      name: 'churn-training',
      durationMs: 2 * MIN,
      timeout_seconds: 3600,
    });
    const ended = emu.startRun(jobId, {
      startedAgoMs: 30 * MIN,
      jobParameters: { git_commit: COMMIT },
    });
    const rerun = await step(WITH_COMMIT);
    expect(rerun.exitCode).toBe(0);
    expect(rerun.results.actions[0]?.outputs['run_id']).not.toBe(ended);
    expect(rerun.results.actions[0]?.outputs).not.toHaveProperty('reconnected');
    expect(rerun.output).toMatch(/recent successful runs took 2m\d*s? \(1 runs\)/);
  });

  it('reconnects to a run started with the same parameters, and reports its outcome', async () => {
    const jobId = emu.addJob({
      name: 'churn-training',
      durationMs: 10 * MIN,
      timeout_seconds: 3600,
    });
    const orphan = emu.startRun(jobId, {
      startedAgoMs: 4 * MIN,
      jobParameters: { git_commit: COMMIT },
      creator: 'ci-bot@example.com',
    });
    const rerun = await step(WITH_COMMIT);
    expect(rerun.exitCode).toBe(0);
    expect(rerun.results.actions[0]?.outputs).toMatchObject({ run_id: orphan, reconnected: true });
    expect(emu.runs.countForJob(jobId)).toBe(0);
    expect(rerun.output).toMatch(/earlier attempt of this step 4m ago, is RUNNING: reconnecting/);
  });

  it('leaves alone a run of the job for another commit, and starts its own', async () => {
    const jobId = emu.addJob({
      name: 'churn-training',
      durationMs: 2 * MIN,
      timeout_seconds: 3600,
      settings: { max_concurrent_runs: 2 },
    });
    const other = emu.startRun(jobId, { jobParameters: { git_commit: 'f'.repeat(40) } });
    const rerun = await step(WITH_COMMIT);
    expect(rerun.exitCode).toBe(0);
    expect(rerun.results.actions[0]?.outputs['run_id']).not.toBe(other);
    expect(rerun.results.actions[0]?.outputs).not.toHaveProperty('reconnected');
    expect(emu.runs.get(other)?.isCancelled).toBe(false);
  });

  it('leaves alone a one-time run of another pipeline, even for the same commit and action', async () => {
    emu.setSubmitDefaults({ durationMs: 2 * MIN });
    const elsewhere = await step(EVALUATE.replace('timeout: 30m', 'wait: false'), {
      BITBUCKET_PIPELINE_UUID: '{another-pipeline}',
    });
    const here = await step(EVALUATE, { ON_ORPHAN: 'cancel' });
    expect(here.exitCode).toBe(0);
    const theirs = elsewhere.results.actions[0]?.outputs['run_id'];
    expect(here.results.actions[0]?.outputs['run_id']).not.toBe(theirs);
    expect(emu.runs.cancelled()).toEqual([]);
  });

  it('a reconnected run that fails fails the action, with its outputs', async () => {
    const jobId = emu.addJob({
      name: 'churn-training',
      durationMs: 3 * MIN,
      timeout_seconds: 3600,
      outcome: { result: 'FAILED', error: 'ValueError: no rows for this commit' },
    });
    const orphan = emu.startRun(jobId, { jobParameters: { git_commit: COMMIT } });
    const rerun = await step(WITH_COMMIT);
    expect(rerun.exitCode).toBe(1);
    expect(rerun.results.actions[0]).toMatchObject({
      status: 'failed',
      outputs: { run_id: orphan, reconnected: true, result_state: 'FAILED' },
    });
    expect(rerun.output).toContain('ValueError: no rows for this commit');
  });

  it('a stop (SIGTERM) cancels a reconnected run like a run the pipe started', async () => {
    const jobId = emu.addJob({
      name: 'churn-training',
      durationMs: 60 * MIN,
      timeout_seconds: 7200,
    });
    const orphan = emu.startRun(jobId, { jobParameters: { git_commit: COMMIT } });
    const controller = new AbortController();
    clock.onSleep = () => {
      if (emu.findRequests({ path: 'runs/get' }).length > 0 && !controller.signal.aborted) {
        controller.abort(new PipeError('ERR_CANCELLED', 'received SIGTERM, cancelling'));
      }
    };
    const rerun = await step(WITH_COMMIT, {}, controller.signal);
    expect(rerun.exitCode).toBe(1);
    expect(emu.runs.cancelled().map((r) => r.runId)).toEqual([orphan]);
    expect(rerun.results.actions[0]).toMatchObject({
      status: 'cancelled',
      outputs: { run_id: orphan, reconnected: true },
    });
  });
});

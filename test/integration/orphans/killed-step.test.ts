/**
 * Issue #10: a SIGKILLed step followed by a re-run ends with one run, not two. The first
 * attempt is a real `node` process killed with SIGKILL once its run is RUNNING (nothing of the
 * pipe runs at exit, as in Bitbucket); the re-run is a new process with a new step UUID and a
 * fresh clone dir, in the same pipeline, for the same commit.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator, type Emulator } from '../../../emulator/index.js';
import {
  bundlePipe,
  readAudit,
  readJson,
  spawnPipe,
  type PipeProcess,
} from './support/pipe-process.js';

const COMMIT = '4f3c2b1a09f8e7d6c5b4a39281706f5e4d3c2b1a';
const PIPELINE = '{6b1f0c9e-5d4a-4e3b-9a2c-1f0e9d8c7b6a}';
const JOB = 'churn-training';
const RUN_JOB_PLAN = `
- id: train
  run_job:
    job: ${JOB}
    job_parameters: { git_commit: "{{ bitbucket.commit }}" }
    timeout: 2m
`;
const SUBMIT_PLAN = `
- id: evaluate
  submit_run:
    run_name: "evaluate {{ bitbucket.commit }}"
    tasks:
      - task_key: evaluate
        notebook_task: { notebook_path: notebooks/evaluate }
    timeout: 2m
`;
const RESULTS = 'databricks-ml-pipe/results.json';
const AUDIT = 'databricks-ml-pipe/audit.jsonl';
const TEST_TIMEOUT_MS = 60_000;
// Long enough that the first run is still going when the re-run looks for it, even on a busy
// machine (the re-run needs about a second to start, authenticate and resolve the job).
const DURATION_MS = 6_000;

interface Attempt {
  pipe: PipeProcess;
  cloneDir: string;
}

describe('a stopped step re-run (SIGKILL, new step UUID, same pipeline and commit)', () => {
  let bundle: string;
  let emu: Emulator;
  let pat: string;
  let steps = 0;
  beforeAll(async () => {
    bundle = await bundlePipe();
  }, TEST_TIMEOUT_MS);
  beforeEach(async () => {
    emu = await startEmulator({ issuer: false });
    pat = emu.addPat(undefined, 'ci-bot@example.com');
  });
  afterEach(async () => {
    await emu.close();
  });

  /** Starts one attempt of the step: a new step UUID and a fresh clone, as a re-run gets. */
  async function attempt(plan: string, extra: Record<string, string> = {}): Promise<Attempt> {
    const cloneDir = await mkdtemp(join(tmpdir(), 'dmp-orphans-clone-'));
    const pipe = spawnPipe(bundle, {
      DATABRICKS_HOST: emu.url,
      DATABRICKS_TOKEN: pat,
      ACTIONS: plan,
      BITBUCKET_CLONE_DIR: cloneDir,
      BITBUCKET_PIPELINE_UUID: PIPELINE,
      BITBUCKET_STEP_UUID: `{6b1f0c9e-0000-4000-8000-${String(++steps).padStart(12, '0')}}`,
      BITBUCKET_BUILD_NUMBER: '42',
      BITBUCKET_COMMIT: COMMIT,
      BITBUCKET_REPO_FULL_NAME: 'acme/churn',
      ...extra,
    });
    return { pipe, cloneDir };
  }

  /** Runs the first attempt until its run is RUNNING, then SIGKILLs it; returns the run id. */
  async function killedAttempt(plan: string): Promise<number> {
    const first = await attempt(plan);
    const line = await first.pipe.waitFor(/run \d+ is RUNNING/);
    await first.pipe.kill9();
    const runId = Number(/run (\d+) is RUNNING/.exec(line)?.[1]);
    expect(emu.runs.active().map((r) => r.runId)).toEqual([runId]);
    return runId;
  }

  async function finish(second: Attempt): Promise<{
    exitCode: number | null;
    results: Record<string, unknown> & { actions: Array<Record<string, unknown>> };
    audit: Array<Record<string, unknown>>;
  }> {
    const exitCode = await second.pipe.exited;
    expect(second.pipe.output()).not.toContain(pat);
    return {
      exitCode,
      results: await readJson(join(second.cloneDir, RESULTS)),
      audit: await readAudit(join(second.cloneDir, AUDIT)),
    };
  }

  it(
    'ON_ORPHAN=reconnect (default): waits on the first run; one run in all',
    async () => {
      const jobId = emu.addJob({ name: JOB, pendingMs: 300, durationMs: DURATION_MS });
      const orphan = await killedAttempt(RUN_JOB_PLAN);
      const second = await attempt(RUN_JOB_PLAN);
      const { exitCode, results, audit } = await finish(second);

      expect(exitCode).toBe(0);
      expect(emu.runs.list({ jobId, includeScenario: true })).toMatchObject([
        { runId: orphan, resultState: 'SUCCESS', isCancelled: false },
      ]);
      expect(emu.findRequests({ method: 'POST', path: 'jobs/run-now' })).toHaveLength(1);
      expect(results).toMatchObject({ status: 'succeeded', exit_code: 0 });
      expect(results.actions[0]).toMatchObject({
        status: 'succeeded',
        outputs: { run_id: orphan, reconnected: true, result_state: 'SUCCESS' },
      });
      expect(audit).toMatchObject([
        {
          operation: 'jobs.runs.reconnect',
          target: `run:${orphan}`,
          result: 'succeeded',
          response: { run_id: orphan, creator_user_name: 'ci-bot@example.com' },
        },
      ]);
      expect(second.pipe.output()).toMatch(
        new RegExp(`run ${orphan}, started for this action by an earlier attempt of this step`),
      );
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'ON_ORPHAN=cancel: cancels the first run, then starts and waits on a new one',
    async () => {
      const jobId = emu.addJob({ name: JOB, pendingMs: 300, durationMs: DURATION_MS });
      const orphan = await killedAttempt(RUN_JOB_PLAN);
      const second = await attempt(RUN_JOB_PLAN, { ON_ORPHAN: 'cancel' });
      const { exitCode, results, audit } = await finish(second);

      expect(exitCode).toBe(0);
      const runs = emu.runs.list({ jobId });
      expect(runs).toHaveLength(2);
      expect(runs.find((r) => r.runId === orphan)).toMatchObject({
        isCancelled: true,
        resultState: 'CANCELED',
      });
      const fresh = runs.find((r) => r.runId !== orphan);
      expect(fresh).toMatchObject({ resultState: 'SUCCESS', isCancelled: false });
      expect(results.actions[0]).toMatchObject({
        status: 'succeeded',
        outputs: { run_id: fresh?.runId },
      });
      expect(results.actions[0]?.['outputs']).not.toHaveProperty('reconnected');
      expect(audit.map((r) => [r['operation'], r['target']])).toEqual([
        ['jobs.runs.cancel', `run:${orphan}`],
        ['jobs.run-now', `job:${jobId}`],
      ]);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'ON_ORPHAN=ignore: warns and starts a second run beside the first',
    async () => {
      const jobId = emu.addJob({
        name: JOB,
        pendingMs: 300,
        durationMs: DURATION_MS,
        settings: { max_concurrent_runs: 2 },
      });
      const orphan = await killedAttempt(RUN_JOB_PLAN);
      const second = await attempt(RUN_JOB_PLAN, { ON_ORPHAN: 'ignore' });
      const { exitCode, results, audit } = await finish(second);

      expect(exitCode).toBe(0);
      const runs = emu.runs.list({ jobId });
      expect(runs).toHaveLength(2);
      expect(runs.every((r) => !r.isCancelled && r.resultState === 'SUCCESS')).toBe(true);
      expect(results.actions[0]?.['outputs']).toMatchObject({
        run_id: runs.find((r) => r.runId !== orphan)?.runId,
      });
      expect(audit.map((r) => r['operation'])).toEqual(['jobs.run-now']);
      expect(second.pipe.output()).toMatch(
        new RegExp(`WARNING: .*run ${orphan}, .* is still active; ON_ORPHAN=ignore`),
      );
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'submit_run finds its one-time run by the marker in the run name',
    async () => {
      emu.setSubmitDefaults({ pendingMs: 300, durationMs: DURATION_MS });
      const orphan = await killedAttempt(SUBMIT_PLAN);
      const second = await attempt(SUBMIT_PLAN);
      const { exitCode, results, audit } = await finish(second);

      expect(exitCode).toBe(0);
      expect(emu.runs.list()).toMatchObject([
        {
          runId: orphan,
          runType: 'SUBMIT_RUN',
          runName: expect.stringMatching(new RegExp(`^evaluate ${COMMIT} \\[dmp-[0-9a-f]{16}\\]$`)),
          resultState: 'SUCCESS',
        },
      ]);
      expect(results.actions[0]).toMatchObject({
        status: 'succeeded',
        outputs: { run_id: orphan, reconnected: true },
      });
      expect(audit.map((r) => r['operation'])).toEqual(['jobs.runs.reconnect']);
    },
    TEST_TIMEOUT_MS,
  );
});

/**
 * `npm run demo`: the pipe's whole flow against the local emulator — no account, no network.
 * Starts a fake Databricks workspace and Bitbucket OIDC issuer on 127.0.0.1, then runs
 * `node dist/pipe.js` (exactly what the image runs) with the variables a pipeline would pass.
 */
import { spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { README_PLAN } from '../bench/economy-run.js';
import { startEmulator, type Emulator } from '../emulator/index.js';

// The README's example plan; the request-economy benchmark runs the same one.
const PLAN = README_PLAN;

async function main(): Promise<number> {
  const emulator = await startEmulator();
  try {
    const commit = randomBytes(20).toString('hex');
    seedWorkspace(emulator, commit);
    const cloneDir = await mkdtemp(join(tmpdir(), 'databricks-ml-pipe-demo-'));
    const env = await pipelineEnv(emulator, commit, cloneDir);
    console.log(`demo: fake workspace ${emulator.url}, fake Bitbucket OIDC issuer ${emulator.issuer.url}`);
    console.log(`demo: commit ${commit.slice(0, 12)}, clone dir ${cloneDir}`);
    console.log('demo: running `node dist/pipe.js` with this plan:');
    for (const line of PLAN.trim().split('\n')) console.log(`demo:   ${line}`);
    console.log('');
    const exitCode = await runPipe(env);
    console.log('');
    console.log(`demo: the pipe exited with ${exitCode}`);
    await showEvidence(cloneDir);
    return exitCode;
  } finally {
    await emulator.close();
  }
}

/** A training job whose run logs three candidate models for this commit in MLflow. */
function seedWorkspace(emulator: Emulator, commit: string): void {
  emulator.ml.addExperiment({ name: '/Shared/churn' });
  const jobId = emulator.addJob({ name: 'churn-training', durationMs: 3000, pendingMs: 1000, timeout_seconds: 7200 });
  emulator.state.taskHandlers.push((completion) => {
    if (!String(JSON.stringify(completion.task)).includes('churn-training')) return undefined;
    for (const auc of [0.81, 0.87, 0.84]) {
      emulator.ml.addMlflowRun({
        experiment: '/Shared/churn',
        run_name: `train-auc-${auc}`,
        status: 'FINISHED',
        // What a training notebook records when the job runs from this commit.
        tags: { 'mlflow.source.git.commit': commit, 'mlflow.databricks.jobID': String(jobId) },
        metrics: { auc },
        artifact_paths: ['model'],
      });
    }
    return { result: 'SUCCESS', notebook_result: '{"candidates": 3}' };
  });
  emulator.setSubmitDefaults({ durationMs: 2000, pendingMs: 500 });
}

async function pipelineEnv(emulator: Emulator, commit: string, cloneDir: string): Promise<NodeJS.ProcessEnv> {
  const pipelineUuid = `{${randomUUID()}}`;
  const stepUuid = `{${randomUUID()}}`;
  const token = await emulator.issuer.mintStepToken({ pipelineUuid, stepUuid, branchName: 'main' });
  return {
    PATH: process.env['PATH'],
    DATABRICKS_HOST: emulator.url,
    DATABRICKS_CLIENT_ID: emulator.clientId,
    ACTIONS: PLAN,
    BITBUCKET_STEP_OIDC_TOKEN: token,
    BITBUCKET_COMMIT: commit,
    BITBUCKET_BRANCH: 'main',
    BITBUCKET_REPO_FULL_NAME: 'acme/churn',
    BITBUCKET_REPO_SLUG: 'churn',
    BITBUCKET_WORKSPACE: 'acme',
    BITBUCKET_REPO_UUID: emulator.issuer.repositoryUuid,
    BITBUCKET_GIT_HTTP_ORIGIN: 'http://bitbucket.org/acme/churn',
    BITBUCKET_BUILD_NUMBER: '42',
    BITBUCKET_PIPELINE_UUID: pipelineUuid,
    BITBUCKET_STEP_UUID: stepUuid,
    BITBUCKET_CLONE_DIR: cloneDir,
    ...(process.env['FORCE_COLOR'] || process.stdout.isTTY ? { FORCE_COLOR: '1' } : {}),
  };
}

function runPipe(env: NodeJS.ProcessEnv): Promise<number> {
  const pipe = resolve(__dirname, 'pipe.js');
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [pipe], { env, stdio: ['ignore', 'inherit', 'inherit'] });
    child.on('error', fail);
    child.on('exit', (code) => done(code ?? 1));
  });
}

async function showEvidence(cloneDir: string): Promise<void> {
  const results = join(cloneDir, 'databricks-ml-pipe', 'results.json');
  const audit = join(cloneDir, 'databricks-ml-pipe', 'audit.jsonl');
  const text = await readFile(results, 'utf8').catch(() => undefined);
  if (text === undefined) return;
  const doc = JSON.parse(text) as { status: string; actions: { index: number; type: string; status: string; outputs: Record<string, unknown> }[] };
  console.log(`demo: ${results} says ${doc.status}:`);
  for (const a of doc.actions) console.log(`demo:   ${a.index}. ${a.type} ${a.status} ${JSON.stringify(a.outputs)}`);
  const lines = (await readFile(audit, 'utf8').catch(() => '')).split('\n').filter(Boolean).length;
  console.log(`demo: ${audit} holds ${lines} hash-chained record(s)`);
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(`demo failed: ${String(error)}`);
    process.exitCode = 1;
  },
);

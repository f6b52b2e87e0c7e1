/**
 * Benchmark 5, request economy: the README's example plan (train, register the best run of
 * this commit, set alias champion — scripts/demo.ts's plan) run by `node dist/pipe.js` with
 * Bitbucket OIDC against a workspace seeded as the demo seeds it; its requests by endpoint.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator, type Emulator } from '../emulator/index.js';
import { analyzeEconomy, type EconomyFigures } from './economy.js';
import { runPipeProcess, tail } from './pipe-client.js';

/** The README's example plan, as scripts/demo.ts runs it. */
export const README_PLAN = `
- id: train
  run_job:
    job: churn-training
    job_parameters: { git_commit: "{{ bitbucket.commit }}" }
    timeout: 10m
- id: register
  register_model:
    name: ml_prod.churn.classifier
    from_run:
      experiment: /Shared/churn
      filter: "tags.\`mlflow.source.git.commit\` = '{{ bitbucket.commit }}'"
      order_by: "metrics.auc DESC"
      artifact_path: model
    timeout: 10m
- set_alias:
    name: ml_prod.churn.classifier
    version: "{{ register.version }}"
    alias: champion
`;

export interface EconomyRun extends EconomyFigures {
  exitCode: number;
  /** The pipe's last log lines when it did not succeed. */
  failure?: string;
}

/** Returns the economy of one invocation of the README plan. */
export async function benchEconomy(): Promise<EconomyRun> {
  const emulator = await startEmulator();
  try {
    const commit = randomBytes(20).toString('hex');
    seed(emulator, commit);
    const env = await pipelineEnv(emulator, commit);
    const outcome = await runPipeProcess(env);
    // The pipe's own requests: everything but the scenario's, which the emulator never logs.
    const figures = analyzeEconomy(emulator.requests);
    return {
      ...figures,
      exitCode: outcome.exitCode,
      ...(outcome.exitCode === 0 ? {} : { failure: tail(outcome.output, 12) }),
    };
  } finally {
    await emulator.close();
  }
}

// As scripts/demo.ts seeds it: the training run logs three candidate models for the commit.
function seed(emulator: Emulator, commit: string): void {
  emulator.ml.addExperiment({ name: '/Shared/churn' });
  const jobId = emulator.addJob({
    name: 'churn-training',
    durationMs: 3000,
    pendingMs: 1000,
    timeout_seconds: 7200,
  });
  emulator.state.taskHandlers.push((completion) => {
    if (!JSON.stringify(completion.task).includes('churn-training')) return undefined;
    for (const auc of [0.81, 0.87, 0.84]) {
      emulator.ml.addMlflowRun({
        experiment: '/Shared/churn',
        run_name: `train-auc-${auc}`,
        status: 'FINISHED',
        tags: { 'mlflow.source.git.commit': commit, 'mlflow.databricks.jobID': String(jobId) },
        metrics: { auc },
        artifact_paths: ['model'],
      });
    }
    return { result: 'SUCCESS', notebook_result: '{"candidates": 3}' };
  });
  emulator.setSubmitDefaults({ durationMs: 2000, pendingMs: 500 });
}

async function pipelineEnv(emulator: Emulator, commit: string): Promise<Record<string, string>> {
  const pipelineUuid = `{${randomUUID()}}`;
  const stepUuid = `{${randomUUID()}}`;
  const token = await emulator.issuer.mintStepToken({ pipelineUuid, stepUuid, branchName: 'main' });
  return {
    PATH: process.env['PATH'] ?? '',
    DATABRICKS_HOST: emulator.url,
    DATABRICKS_CLIENT_ID: emulator.clientId,
    ACTIONS: README_PLAN,
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
    BITBUCKET_CLONE_DIR: mkdtempSync(join(tmpdir(), 'databricks-ml-pipe-economy-')),
  };
}

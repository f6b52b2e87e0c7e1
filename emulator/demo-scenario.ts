/**
 * The README's example world, shared by `npm run demo` and the request-economy benchmark so
 * they can never drift apart: a training job whose run logs three candidate models for the
 * commit, the README plan, and the variables a Bitbucket step would pass the pipe.
 */
import { randomUUID } from 'node:crypto';
import type { Emulator } from './index.js';

/** The README's example plan: train, register the best run of this commit, move `champion`. */
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

/** Seeds the job and experiment; the job's run logs three candidate models for `commit`. */
export function seedReadmeWorkspace(emulator: Emulator, commit: string): void {
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

/** Returns the variables a Bitbucket step with `oidc: true` passes the pipe for the README plan. */
export async function readmePipelineEnv(
  emulator: Emulator,
  commit: string,
  cloneDir: string,
): Promise<Record<string, string>> {
  const pipelineUuid = `{${randomUUID()}}`;
  const stepUuid = `{${randomUUID()}}`;
  const token = await emulator.issuer.mintStepToken({ pipelineUuid, stepUuid, branchName: 'main' });
  return {
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
    // Bitbucket sets it on every step: 1 on a first attempt, so there is no predecessor's
    // run to look for (ON_ORPHAN).
    BITBUCKET_STEP_RUN_NUMBER: '1',
    BITBUCKET_CLONE_DIR: cloneDir,
  };
}

import type { Emulator } from '../../../emulator/index.js';
import { STEP_DEFAULTS } from './pipe-env.js';
import type { Scenario, ScenarioContext } from './scenario.js';

/** The plan file every scenario's ACTIONS_FILE points at. */
export const PLAN_FILE = '.databricks/release.yml';
export const TRAINING_JOB = 'churn-training';
const EXPERIMENT = '/Shared/churn';
const MODEL = 'churn-classifier';
const OTHER_REPOSITORY_UUID = '{0d9c8b7a-6f5e-4d3c-8b2a-1f0e9d8c7b6a}';

export const JOB_PLAN = `- id: train
  run_job:
    job: ${TRAINING_JOB}
    job_parameters:
      git_commit: "{{ bitbucket.commit }}"
    timeout: 10m
`;

// Five problems the pipe must report together, each with its line: a bad duration, a
// duplicate id, a registration without a source, a misspelt reference, an unknown action.
export const BAD_PLAN = `- id: train
  run_job:
    job: ${TRAINING_JOB}
    timeout: forever
- id: train
  register_model:
    name: ml_prod.churn.classifier
- set_alias:
    name: ml_prod.churn.classifier
    version: "{{ registr.version }}"
    alias: champion
- deploy_model: {}
`;

export const REGISTRY_PLAN = `- id: register
  register_model:
    name: ${MODEL}
    from_run:
      experiment: ${EXPERIMENT}
      filter: "tags.\`mlflow.source.git.commit\` = '{{ bitbucket.commit }}'"
      order_by: "metrics.auc DESC"
      artifact_path: model
- set_alias:
    name: ${MODEL}
    version: "{{ register.version }}"
    alias: champion
`;

/** The variables of the README's basic example: OIDC exchange, plan in a file. */
export function oidcVariables({ emulator, stepToken }: ScenarioContext): Record<string, string> {
  return {
    DATABRICKS_HOST: emulator.url,
    DATABRICKS_CLIENT_ID: emulator.clientId,
    BITBUCKET_STEP_OIDC_TOKEN: stepToken,
    ACTIONS_FILE: PLAN_FILE,
  };
}

/**
 * A job whose runs pass (or fail with a task error, as a real notebook would). With emulator
 * time stepping per request (EMULATOR_STEP_MS), successive polls see PENDING, RUNNING, TERMINATED.
 */
export function addTrainingJob(
  emulator: Emulator,
  outcome: 'SUCCESS' | 'FAILED' = 'SUCCESS',
): number {
  return emulator.addJob({
    name: TRAINING_JOB,
    pendingMs: 7_000,
    durationMs: 6_000,
    timeout_seconds: 3600,
    ...(outcome === 'FAILED'
      ? {
          outcome: {
            result: 'FAILED',
            error: 'AssertionError: validation auc 0.51 is below the 0.80 threshold',
            error_trace:
              'Traceback (most recent call last):\n  File "/Workspace/train.py", line 88, in <module>\n' +
              '    assert auc >= 0.8\nAssertionError: validation auc 0.51 is below the 0.80 threshold',
          },
        }
      : {}),
  });
}

/** Two runs of this commit in the experiment; the better one (auc 0.91) must be registered. */
export function addCandidateRuns(emulator: Emulator): void {
  const tags = { 'mlflow.source.git.commit': STEP_DEFAULTS.BITBUCKET_COMMIT };
  emulator.ml.addExperiment({ name: EXPERIMENT });
  emulator.ml.addMlflowRun({
    experiment: EXPERIMENT,
    run_name: 'baseline',
    tags,
    metrics: { auc: 0.84 },
    artifact_paths: ['model'],
  });
  emulator.ml.addMlflowRun({
    experiment: EXPERIMENT,
    run_name: 'tuned',
    tags,
    metrics: { auc: 0.91 },
    artifact_paths: ['model'],
  });
}

/** The scenarios of issue #8, each compared with its golden output and results file. */
export const SCENARIOS: readonly Scenario[] = [
  { name: 'no-variables', exitCode: 2, variables: () => ({}) },
  {
    name: 'bad-plan',
    exitCode: 2,
    files: { [PLAN_FILE]: BAD_PLAN },
    variables: oidcVariables,
  },
  {
    name: 'missing-oidc-token',
    exitCode: 2,
    files: { [PLAN_FILE]: JOB_PLAN },
    variables: (context) => ({ ...oidcVariables(context), BITBUCKET_STEP_OIDC_TOKEN: undefined }),
  },
  {
    name: 'refused-exchange',
    exitCode: 3,
    files: { [PLAN_FILE]: JOB_PLAN },
    // A token from another repository: the federation policy's subject does not match.
    token: { repositoryUuid: OTHER_REPOSITORY_UUID },
    labels: { [OTHER_REPOSITORY_UUID]: '<other-repository-uuid>' },
    variables: oidcVariables,
  },
  {
    name: 'job-success',
    exitCode: 0,
    files: { [PLAN_FILE]: JOB_PLAN },
    setup: (emulator) => void addTrainingJob(emulator),
    variables: oidcVariables,
  },
  {
    name: 'job-failure',
    exitCode: 1,
    files: { [PLAN_FILE]: JOB_PLAN },
    setup: (emulator) => void addTrainingJob(emulator, 'FAILED'),
    variables: oidcVariables,
  },
  {
    name: 'registry-flow',
    exitCode: 0,
    files: { [PLAN_FILE]: REGISTRY_PLAN },
    setup: addCandidateRuns,
    variables: oidcVariables,
  },
];

export { MODEL };

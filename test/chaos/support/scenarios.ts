/**
 * The integration scenarios the chaos suite replays under faults: a dry run, a job run (run_job
 * and submit_run), and a registry flow (register a version, point an alias, move a stage). Each
 * seeds its workspace, names the endpoints worth breaking, and says how many runs or model
 * versions each state-changing action may create at most.
 */
import type { Emulator } from '../../../emulator/index.js';
import { registryState } from '../../../emulator/registry-store.js';

const S = 1_000;
/** The workspace-registry model the registry flow registers. */
export const MODEL = 'churn';
/** The experiment holding the training runs `from_run` selects. */
export const EXPERIMENT = '/Shared/churn';
const SEEDED_SOURCE = 'runs:/0000/model';

/** What a scenario's seeding returns for the checks. */
export interface Seeded {
  jobIds: number[];
}

/** One integration scenario: its plan, its workspace, and the limits the checks apply. */
export interface Scenario {
  name: string;
  plan: string;
  env: Record<string, string>;
  /** Path suffixes worth breaking (the emulator's fault rules match them). */
  endpoints: readonly (string | RegExp)[];
  seed(emu: Emulator): Seeded;
  /** Runs started by API calls, at most (one per trigger action). */
  maxRuns: number;
  /** Versions the pipe created of the model the scenario registers (seeded ones excluded). */
  versions(emu: Emulator): string[];
  /** New versions, at most (one per register_model action). */
  maxVersions: number;
  /** DRY_RUN: nothing may change, whatever the faults. */
  isDryRun: boolean;
}

const AUTH_ENDPOINTS = ['oidc/v1/token', '/oidc/.well-known/oauth-authorization-server'];
const JOB_ENDPOINTS = [
  'jobs/list',
  'jobs/get',
  'jobs/run-now',
  'jobs/runs/get',
  'jobs/runs/list',
  'jobs/runs/submit',
  'jobs/runs/get-output',
];
const UC_ENDPOINTS = [
  'workspace/mkdirs',
  'workspace/import',
  /\/unity-catalog\/models\/[^/]+(\/versions\/\d+)?$/,
  /\/unity-catalog\/models\/[^/]+\/aliases\//,
];
const REGISTRY_ENDPOINTS = [
  'mlflow/experiments/get-by-name',
  'mlflow/runs/search',
  'mlflow/runs/get',
  'mlflow/runs/set-tag',
  'mlflow/runs/log-batch',
  'mlflow/registered-models/get',
  'mlflow/model-versions/search',
  'mlflow/model-versions/create',
  'mlflow/model-versions/get',
  'mlflow/registered-models/alias',
  'mlflow/databricks/model-versions/transition-stage',
];

function seedJobs(emu: Emulator): Seeded {
  const jobId = emu.addJob({
    name: 'churn-training',
    durationMs: 40 * S,
    pendingMs: 5 * S,
    timeout_seconds: 3_600,
    outcome: { result: 'SUCCESS', notebook_result: '{"auc": 0.91}' },
    history: Array.from({ length: 3 }, () => ({ durationMs: 45 * S })),
  });
  emu.setSubmitDefaults({ durationMs: 20 * S, pendingMs: 3 * S });
  return { jobIds: [jobId] };
}

function seedRegistry(emu: Emulator): Seeded {
  emu.ml.addExperiment({ name: EXPERIMENT });
  for (const auc of [0.81, 0.88, 0.84]) {
    emu.ml.addMlflowRun({
      experiment: EXPERIMENT,
      status: 'FINISHED',
      metrics: { auc },
      tags: { 'mlflow.source.git.commit': '7c0ffee5eed0000000000000000000000000c4a5' },
      artifact_paths: ['model'],
    });
  }
  emu.ml.addModelVersion(MODEL, { source: SEEDED_SOURCE, stage: 'Production' });
  emu.ml.setRegistrationDelay(4 * S);
  return { jobIds: [] };
}

const JOB_PLAN = `
- id: train
  run_job:
    job: churn-training
    job_parameters: { git_commit: "{{ bitbucket.commit }}" }
- id: evaluate
  submit_run:
    run_name: "evaluate {{ bitbucket.commit }}"
    git_source: auto
    tasks:
      - task_key: main
        notebook_task: { notebook_path: /Repos/ml/evaluate }
    timeout: 30m
`;

const REGISTRY_PLAN = `
- id: register
  register_model:
    name: ${MODEL}
    from_run:
      experiment: ${EXPERIMENT}
      filter: "tags.\`mlflow.source.git.commit\` = '{{ bitbucket.commit }}'"
      order_by: "metrics.auc DESC"
      artifact_path: model
- set_alias: { name: ${MODEL}, version: "{{ register.version }}", alias: champion }
- transition_stage: { name: ${MODEL}, version: "{{ register.version }}", stage: Staging }
`;

/** The Unity Catalog model the UC flow registers. */
export const UC_MODEL = 'ml_prod.churn.classifier';

const UC_PLAN = `
- id: register
  register_model:
    name: ${UC_MODEL}
    from_run:
      experiment: ${EXPERIMENT}
      filter: "tags.\`mlflow.source.git.commit\` = '{{ bitbucket.commit }}'"
      order_by: "metrics.auc DESC"
      artifact_path: model
- set_alias: { name: ${UC_MODEL}, version: "{{ register.version }}", alias: champion }
`;

function seedUc(emu: Emulator): Seeded {
  seedRegistry(emu);
  emu.ml.addUcModel({ full_name: UC_MODEL, versions: [{ source: SEEDED_SOURCE }] });
  return { jobIds: [] };
}

/** Every scenario the chaos suite replays under faults. */
export const SCENARIOS: readonly Scenario[] = [
  {
    name: 'dry run',
    // The registry part points at the seeded version 1: a dry run produces no new version.
    plan: `${JOB_PLAN}${REGISTRY_PLAN.replaceAll('"{{ register.version }}"', '1')}`,
    env: { DRY_RUN: 'true' },
    endpoints: [...AUTH_ENDPOINTS, ...JOB_ENDPOINTS, ...REGISTRY_ENDPOINTS],
    seed: (emu) => {
      seedRegistry(emu);
      return seedJobs(emu);
    },
    maxRuns: 0,
    versions: workspaceVersions,
    maxVersions: 0,
    isDryRun: true,
  },
  {
    name: 'job run',
    plan: JOB_PLAN,
    env: {},
    endpoints: [...AUTH_ENDPOINTS, ...JOB_ENDPOINTS],
    seed: seedJobs,
    maxRuns: 2,
    versions: workspaceVersions,
    maxVersions: 0,
    isDryRun: false,
  },
  {
    name: 'registry flow',
    plan: REGISTRY_PLAN,
    env: {},
    endpoints: [...AUTH_ENDPOINTS, ...REGISTRY_ENDPOINTS],
    seed: seedRegistry,
    maxRuns: 0,
    versions: workspaceVersions,
    maxVersions: 1,
    isDryRun: false,
  },
  {
    name: 'unity catalog flow',
    plan: UC_PLAN,
    env: {},
    endpoints: [...AUTH_ENDPOINTS, ...REGISTRY_ENDPOINTS, ...UC_ENDPOINTS, ...JOB_ENDPOINTS],
    seed: seedUc,
    // The version is created inside the workspace by one registration run.
    maxRuns: 1,
    versions: ucVersions,
    maxVersions: 1,
    isDryRun: false,
  },
];

/** Returns the versions of MODEL the pipe created (the seeded one excluded). */
export function workspaceVersions(emu: Emulator): string[] {
  const versions = registryState(emu.state).models.get(MODEL)?.versions ?? [];
  return versions.filter((v) => v.source !== SEEDED_SOURCE).map((v) => String(v.version));
}

/** Returns the versions of UC_MODEL the pipe created (the seeded one excluded). */
export function ucVersions(emu: Emulator): string[] {
  const versions = emu.ml.getUcModel(UC_MODEL)?.versions ?? [];
  return versions.filter((v) => v.source !== SEEDED_SOURCE).map((v) => String(v.version));
}

/**
 * Provenance tags (DESIGN §5, §7.9): MLflow's standard git keys and the pipe's own `bitbucket.*`
 * keys, computed for the runs the pipe selects or registers from and the model versions it
 * creates. Pure functions: the registry actions decide where the tags go.
 */
import type { BitbucketContext } from '../config/types.js';

export const GIT_COMMIT_TAG = 'mlflow.source.git.commit';
export const GIT_BRANCH_TAG = 'mlflow.source.git.branch';
export const GIT_REPO_URL_TAG = 'mlflow.source.git.repoURL';
/** Databricks' own lineage of runs from Git folders and Git-backed jobs (reference §4.4). */
const DATABRICKS_COMMIT_TAG = 'mlflow.databricks.gitRepoCommit';
const DATABRICKS_REPO_URL_TAG = 'mlflow.databricks.gitRepoUrl';
const DATABRICKS_REFERENCE_TAG = 'mlflow.databricks.gitRepoReference';
const DATABRICKS_REFERENCE_TYPE_TAG = 'mlflow.databricks.gitRepoReferenceType';

/** Tags that identify which pipeline step and plan action registered a version. */
export const PIPELINE_UUID_TAG = 'bitbucket.pipeline_uuid';
export const STEP_UUID_TAG = 'bitbucket.step_uuid';
export const ACTION_TAG = 'bitbucket.action';

export type Tags = Readonly<Record<string, string>>;

/** Where a commit came from: the git facts a run or this pipeline records. */
export interface Lineage {
  commit: string;
  branch?: string;
  repoURL?: string;
}

function defined(entries: [string, string | undefined][]): Record<string, string> {
  return Object.fromEntries(
    entries.filter((e): e is [string, string] => e[1] !== undefined && e[1] !== ''),
  );
}

/** Returns the lineage a run already records (MLflow's or Databricks' git tags), if any. */
export function runLineage(tags: Tags): Lineage | undefined {
  const mlflowCommit = tags[GIT_COMMIT_TAG];
  if (mlflowCommit) {
    return {
      commit: mlflowCommit,
      ...defined([
        ['branch', tags[GIT_BRANCH_TAG]],
        ['repoURL', tags[GIT_REPO_URL_TAG]],
      ]),
    };
  }
  const databricksCommit = tags[DATABRICKS_COMMIT_TAG];
  if (!databricksCommit) return undefined;
  const isBranch = tags[DATABRICKS_REFERENCE_TYPE_TAG]?.toLowerCase() === 'branch';
  return {
    commit: databricksCommit,
    ...defined([
      ['branch', isBranch ? tags[DATABRICKS_REFERENCE_TAG] : undefined],
      ['repoURL', tags[DATABRICKS_REPO_URL_TAG]],
    ]),
  };
}

/** Returns this pipeline's lineage, or undefined outside a pipeline (no commit). */
export function pipelineLineage(bitbucket: BitbucketContext): Lineage | undefined {
  if (!bitbucket.commit) return undefined;
  const repoURL =
    bitbucket.gitHttpOrigin ??
    (bitbucket.repoFullName ? `https://bitbucket.org/${bitbucket.repoFullName}` : undefined);
  return {
    commit: bitbucket.commit,
    ...defined([
      ['branch', bitbucket.branch],
      ['repoURL', repoURL],
    ]),
  };
}

function lineageTags(lineage: Lineage | undefined): Record<string, string> {
  if (!lineage) return {};
  return defined([
    [GIT_COMMIT_TAG, lineage.commit],
    [GIT_BRANCH_TAG, lineage.branch],
    [GIT_REPO_URL_TAG, lineage.repoURL],
  ]);
}

/** Returns the `bitbucket.*` tags of this pipeline step (unset variables are left out). */
export function bitbucketTags(bitbucket: BitbucketContext): Record<string, string> {
  return defined([
    ['bitbucket.repo', bitbucket.repoFullName],
    ['bitbucket.commit', bitbucket.commit],
    ['bitbucket.branch', bitbucket.branch],
    [PIPELINE_UUID_TAG, bitbucket.pipelineUuid],
    [STEP_UUID_TAG, bitbucket.stepUuid],
    ['bitbucket.build_number', bitbucket.buildNumber],
    ['bitbucket.deployment_environment', bitbucket.deploymentEnvironment],
  ]);
}

/**
 * Returns the tags to set on a run the pipe selected or registers from: `bitbucket.*` always,
 * the git keys only when the run records no lineage of its own (never falsify it), and only
 * those whose value differs from what the run has.
 */
export function runProvenanceTags(
  existing: Tags,
  bitbucket: BitbucketContext,
): Record<string, string> {
  const git = runLineage(existing) ? {} : lineageTags(pipelineLineage(bitbucket));
  const wanted = { ...git, ...bitbucketTags(bitbucket) };
  return Object.fromEntries(
    Object.entries(wanted).filter(([key, value]) => existing[key] !== value),
  );
}

/** Returns the tag naming a plan action: its id, or `#<position>` when it has none. */
export function actionKey(action: { id?: string; index: number }): string {
  return action.id ?? `#${action.index}`;
}

/**
 * Returns the identity tags of a version registration: pipeline, step and action. They are
 * set even with PROVENANCE_TAGS=false, because a retried registration finds its earlier
 * version by them (DESIGN §7.4).
 */
export function registrationKeyTags(
  bitbucket: BitbucketContext,
  action: string,
): Record<string, string> {
  if (!bitbucket.pipelineUuid) return {};
  return defined([
    [PIPELINE_UUID_TAG, bitbucket.pipelineUuid],
    [STEP_UUID_TAG, bitbucket.stepUuid],
    [ACTION_TAG, action],
  ]);
}

/**
 * Returns the provenance tags of a new model version: the git keys from its source run's
 * lineage when the run has one (completed from this pipeline's when both name the same
 * commit), else this pipeline's; then `bitbucket.*`.
 */
export function versionProvenanceTags(
  sourceRunTags: Tags | undefined,
  bitbucket: BitbucketContext,
): Record<string, string> {
  const pipeline = pipelineLineage(bitbucket);
  const run = sourceRunTags && runLineage(sourceRunTags);
  const lineage =
    run && pipeline?.commit === run.commit ? { ...pipeline, ...run } : (run ?? pipeline);
  return { ...lineageTags(lineage), ...bitbucketTags(bitbucket) };
}

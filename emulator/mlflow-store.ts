import { createHash } from 'node:crypto';
import { protoJson, tagList } from './api-args.js';
import type { SearchableRun } from './mlflow-search.js';
import { getExtension, type EmulatorState } from './state.js';

/** MLflow tracking state of the emulated workspace: experiments and runs. */

export type RunStatus = 'RUNNING' | 'SCHEDULED' | 'FINISHED' | 'FAILED' | 'KILLED';
export const RUN_STATUSES: readonly RunStatus[] = [
  'RUNNING',
  'SCHEDULED',
  'FINISHED',
  'FAILED',
  'KILLED',
];
export type LifecycleStage = 'active' | 'deleted';

export interface Experiment {
  experiment_id: string;
  name: string;
  artifact_location: string;
  lifecycle_stage: LifecycleStage;
  creation_time: number;
  last_update_time: number;
  tags: Record<string, string>;
}

export interface MlflowRun extends SearchableRun {
  info: SearchableRun['info'] & { experiment_id: string; lifecycle_stage: LifecycleStage };
  /** Artifact paths the run logged (`model`); undefined when the scenario did not say. */
  artifactPaths: string[] | undefined;
}

export interface TrackingState {
  experiments: Map<string, Experiment>;
  runs: Map<string, MlflowRun>;
}

/** Returns the tracking state of a workspace, created empty on first use. */
export function trackingState(state: EmulatorState): TrackingState {
  return getExtension(state, 'mlflow', () => ({ experiments: new Map(), runs: new Map() }));
}

/** Returns a 32-hex-digit id (MLflow run ids' shape) derived from the workspace's id counter. */
export function hexId(state: EmulatorState, kind: string): string {
  return createHash('sha256').update(`${kind}-${state.nextId()}`).digest('hex').slice(0, 32);
}

/** Returns the experiment with this exact name, if any. */
export function findExperimentByName(state: EmulatorState, name: string): Experiment | undefined {
  return [...trackingState(state).experiments.values()].find((e) => e.name === name);
}

export interface ExperimentSpec {
  name: string;
  experiment_id?: string;
  artifact_location?: string;
  tags?: Record<string, string>;
}

/** Returns a new experiment (or the existing one with this name) for a test scenario. */
export function addExperiment(state: EmulatorState, spec: ExperimentSpec): Experiment {
  const existing = findExperimentByName(state, spec.name);
  if (existing) return existing;
  const id = spec.experiment_id ?? String(state.nextId());
  const now = state.clock.now();
  const experiment: Experiment = {
    experiment_id: id,
    name: spec.name,
    artifact_location: spec.artifact_location ?? `dbfs:/databricks/mlflow-tracking/${id}`,
    lifecycle_stage: 'active',
    creation_time: now,
    last_update_time: now,
    tags: { ...spec.tags },
  };
  trackingState(state).experiments.set(id, experiment);
  return experiment;
}

export interface RunSpec {
  /** Experiment name (created when missing) or id. */
  experiment: string;
  run_id?: string;
  run_name?: string;
  status?: RunStatus;
  user_id?: string;
  start_time?: number;
  end_time?: number;
  lifecycle_stage?: LifecycleStage;
  tags?: Record<string, string>;
  metrics?: Record<string, number>;
  params?: Record<string, string>;
  /** Artifact paths the run logged; registering another path from it fails like MLflow. */
  artifact_paths?: string[];
}

function experimentFor(state: EmulatorState, ref: string): Experiment {
  return trackingState(state).experiments.get(ref) ?? addExperiment(state, { name: ref });
}

/** Returns a new MLflow run for a test scenario (FINISHED, started now, unless told). */
export function addMlflowRun(state: EmulatorState, spec: RunSpec): MlflowRun {
  const experiment = experimentFor(state, spec.experiment);
  const runId = spec.run_id ?? hexId(state, 'run');
  const start = spec.start_time ?? state.clock.now();
  const status = spec.status ?? 'FINISHED';
  const runName = spec.run_name ?? spec.tags?.['mlflow.runName'] ?? `run-${runId.slice(0, 8)}`;
  const run: MlflowRun = {
    info: {
      run_id: runId,
      run_name: runName,
      experiment_id: experiment.experiment_id,
      status,
      user_id: spec.user_id ?? 'emulator-user@example.com',
      start_time: start,
      end_time:
        spec.end_time ?? (status === 'RUNNING' || status === 'SCHEDULED' ? undefined : start),
      artifact_uri: `${experiment.artifact_location}/${runId}/artifacts`,
      lifecycle_stage: spec.lifecycle_stage ?? 'active',
    },
    tags: { 'mlflow.runName': runName, ...spec.tags },
    metrics: { ...spec.metrics },
    params: { ...spec.params },
    artifactPaths: spec.artifact_paths ? [...spec.artifact_paths] : undefined,
  };
  trackingState(state).runs.set(runId, run);
  return run;
}

/** Returns the run with this id, if any (tests read tags the pipe set back from it). */
export function getMlflowRun(state: EmulatorState, runId: string): MlflowRun | undefined {
  return trackingState(state).runs.get(runId);
}

/** Returns an experiment as MLflow's `Experiment` message. */
export function experimentJson(experiment: Experiment): object {
  return protoJson({ ...experiment, tags: tagList(experiment.tags) });
}

/** Returns a run as MLflow's `Run` message (`{info, data, inputs}`). */
export function runJson(run: MlflowRun): object {
  const metrics = Object.entries(run.metrics).map(([key, value]) => ({
    key,
    value,
    timestamp: run.info.start_time,
    step: 0,
  }));
  return {
    // run_uuid is deprecated but still sent by MLflow and Databricks.
    info: protoJson({ ...run.info, run_uuid: run.info.run_id }),
    data: protoJson({
      metrics,
      params: tagList(run.params),
      tags: tagList(run.tags),
    }),
    inputs: {},
  };
}

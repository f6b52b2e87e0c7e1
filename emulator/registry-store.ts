import {
  alreadyExists,
  invalidParameter,
  notFound,
  optionalString,
  type Args,
} from './api-args.js';
import { getMlflowRun } from './mlflow-store.js';
import { getExtension, type EmulatorState } from './state.js';

/** Workspace (non-UC) model registry state: registered models, versions, aliases, stages. */

export type Stage = 'None' | 'Staging' | 'Production' | 'Archived';
export const STAGES: readonly Stage[] = ['None', 'Staging', 'Production', 'Archived'];
export type VersionStatus = 'PENDING_REGISTRATION' | 'READY' | 'FAILED_REGISTRATION';

export interface ModelVersion {
  name: string;
  version: number;
  creation_timestamp: number;
  last_updated_timestamp: number;
  user_id: string;
  description?: string | undefined;
  source: string;
  run_id?: string | undefined;
  run_link?: string | undefined;
  current_stage: Stage;
  tags: Record<string, string>;
  /** Emulator time at which registration ends (PENDING_REGISTRATION before it). */
  readyAt: number;
  /** Why registration fails when it ends; undefined for success. */
  failure?: string | undefined;
}

export interface RegisteredModel {
  name: string;
  creation_timestamp: number;
  last_updated_timestamp: number;
  user_id: string;
  description?: string | undefined;
  tags: Record<string, string>;
  versions: ModelVersion[];
  aliases: Map<string, number>;
}

interface FailureRule {
  name: string | undefined;
  message: string;
  remaining: number;
}

export interface RegistryState {
  models: Map<string, RegisteredModel>;
  /** How long a new version stays PENDING_REGISTRATION, in ms of emulator time. */
  delayMs: number;
  failures: FailureRule[];
}

/** Returns the registry state of a workspace, created empty on first use. */
export function registryState(state: EmulatorState): RegistryState {
  return getExtension(state, 'registry', () => ({ models: new Map(), delayMs: 0, failures: [] }));
}

/** Returns the registration status of a version at emulator time `now`. */
export function versionStatus(mv: ModelVersion, now: number): VersionStatus {
  if (now < mv.readyAt) return 'PENDING_REGISTRATION';
  return mv.failure === undefined ? 'READY' : 'FAILED_REGISTRATION';
}

/** Returns the model name argument, validated as MLflow does. */
export function requireModelName(args: Args): string {
  const name = optionalString(args, 'name');
  if (!name) throw invalidParameter('Registered model name cannot be empty.');
  return name;
}

/**
 * Returns the registered model with this name.
 * @throws ApiError RESOURCE_DOES_NOT_EXIST (404) when there is none.
 */
export function requireModel(state: EmulatorState, name: string): RegisteredModel {
  const model = registryState(state).models.get(name);
  if (!model) throw notFound(`Registered Model with name=${name} not found`);
  return model;
}

/**
 * Returns the version of a registered model.
 * @throws ApiError INVALID_PARAMETER_VALUE for a non-integer version, RESOURCE_DOES_NOT_EXIST.
 */
export function requireVersion(state: EmulatorState, name: string, version: string): ModelVersion {
  if (!/^\d+$/.test(version)) {
    throw invalidParameter(`Model version must be an integer, got '${version}'`);
  }
  const mv = registryState(state)
    .models.get(name)
    ?.versions.find((v) => v.version === Number(version));
  if (!mv) throw notFound(`Model Version (name=${name}, version=${version}) not found`);
  return mv;
}

/**
 * Returns a new, empty registered model.
 * @throws ApiError RESOURCE_ALREADY_EXISTS (400, as MLflow's server sends it) for a taken name.
 */
export function createModel(
  state: EmulatorState,
  spec: {
    name: string;
    user_id: string;
    description?: string | undefined;
    tags?: Record<string, string>;
  },
): RegisteredModel {
  const models = registryState(state).models;
  if (models.has(spec.name))
    throw alreadyExists(`Registered Model (name=${spec.name}) already exists.`);
  const now = state.clock.now();
  const model: RegisteredModel = {
    name: spec.name,
    creation_timestamp: now,
    last_updated_timestamp: now,
    user_id: spec.user_id,
    description: spec.description,
    tags: { ...spec.tags },
    versions: [],
    aliases: new Map(),
  };
  models.set(spec.name, model);
  return model;
}

/** Returns why registering `source` must fail (missing run or artifact path), if it must. */
function sourceProblem(state: EmulatorState, source: string): string | undefined {
  const m = /^runs:\/([^/]+)\/?(.*)$/.exec(source);
  if (!m) return undefined;
  const [, runId = '', path = ''] = m;
  const run = getMlflowRun(state, runId);
  if (!run) return `Unable to find run '${runId}' for model source '${source}'.`;
  if (run.artifactPaths && !run.artifactPaths.includes(path.replace(/\/+$/, ''))) {
    return `No artifacts found at '${source}': run ${runId} logged no artifact path '${path}'.`;
  }
  return undefined;
}

function takeFailure(registry: RegistryState, name: string): string | undefined {
  const rule = registry.failures.find(
    (r) => r.remaining > 0 && (r.name === undefined || r.name === name),
  );
  if (!rule) return undefined;
  rule.remaining -= 1;
  return rule.message;
}

export interface NewVersion {
  name: string;
  source: string;
  run_id?: string | undefined;
  run_link?: string | undefined;
  description?: string | undefined;
  tags?: Record<string, string>;
  user_id: string;
}

/**
 * Returns a new version (numbered after the model's last one) whose registration ends after
 * the configured delay, failing when a failure rule or its source says so.
 * @throws ApiError RESOURCE_DOES_NOT_EXIST when the registered model does not exist.
 */
export function createVersion(state: EmulatorState, spec: NewVersion): ModelVersion {
  const model = requireModel(state, spec.name);
  const registry = registryState(state);
  const now = state.clock.now();
  const mv: ModelVersion = {
    name: spec.name,
    version: (model.versions.at(-1)?.version ?? 0) + 1,
    creation_timestamp: now,
    last_updated_timestamp: now,
    user_id: spec.user_id,
    description: spec.description,
    source: spec.source,
    run_id: spec.run_id,
    run_link: spec.run_link,
    current_stage: 'None',
    tags: { ...spec.tags },
    readyAt: now + registry.delayMs,
    failure: takeFailure(registry, spec.name) ?? sourceProblem(state, spec.source),
  };
  model.versions.push(mv);
  model.last_updated_timestamp = now;
  return mv;
}

import {
  createModel,
  registryState,
  type ModelVersion,
  type RegisteredModel,
  type Stage,
  type VersionStatus,
} from './registry-store.js';
import type { EmulatorState } from './state.js';

/** Scenario controls for the workspace model registry (what tests set up and inspect). */

const SCENARIO_USER = 'emulator-user@example.com';

export interface RegisteredModelSeed {
  name: string;
  description?: string;
  tags?: Record<string, string>;
  user_id?: string;
}

/** Returns the registered model with this name, creating it when it does not exist yet. */
export function addRegisteredModel(
  state: EmulatorState,
  seed: RegisteredModelSeed,
): RegisteredModel {
  const existing = registryState(state).models.get(seed.name);
  if (existing) return existing;
  return createModel(state, {
    name: seed.name,
    user_id: seed.user_id ?? SCENARIO_USER,
    description: seed.description,
    tags: seed.tags ?? {},
  });
}

export interface ModelVersionSeed {
  source: string;
  run_id?: string;
  description?: string;
  tags?: Record<string, string>;
  stage?: Stage;
  aliases?: string[];
  /** Default READY; PENDING_REGISTRATION stays pending until a later version of time. */
  status?: VersionStatus;
  /** With status FAILED_REGISTRATION: the status_message. */
  status_message?: string;
  /** With status PENDING_REGISTRATION: ms of emulator time until it ends (default never). */
  pending_ms?: number;
}

/** Returns a new version of `name` (creating the model when missing), in the seeded state. */
export function addModelVersion(
  state: EmulatorState,
  name: string,
  seed: ModelVersionSeed,
): ModelVersion {
  const model = addRegisteredModel(state, { name });
  const now = state.clock.now();
  const status = seed.status ?? 'READY';
  const mv: ModelVersion = {
    name,
    version: (model.versions.at(-1)?.version ?? 0) + 1,
    creation_timestamp: now,
    last_updated_timestamp: now,
    user_id: SCENARIO_USER,
    description: seed.description,
    source: seed.source,
    run_id: seed.run_id,
    current_stage: seed.stage ?? 'None',
    tags: { ...seed.tags },
    readyAt: status === 'PENDING_REGISTRATION' ? now + (seed.pending_ms ?? Infinity) : now,
    failure:
      status === 'FAILED_REGISTRATION' ? (seed.status_message ?? 'registration failed') : undefined,
  };
  model.versions.push(mv);
  for (const alias of seed.aliases ?? []) model.aliases.set(alias, mv.version);
  return mv;
}

/** Makes versions created from now on stay PENDING_REGISTRATION for `ms` of emulator time. */
export function setRegistrationDelay(state: EmulatorState, ms: number): void {
  registryState(state).delayMs = ms;
}

export interface RegistrationFailure {
  /** Only versions of this model; any model when omitted. */
  name?: string;
  /** The status_message the failed version carries. */
  message: string;
  /** How many registrations fail (default 1). */
  times?: number;
}

/** Makes the next registrations (after the delay) end FAILED_REGISTRATION with a message. */
export function failRegistration(state: EmulatorState, failure: RegistrationFailure): void {
  registryState(state).failures.push({
    name: failure.name,
    message: failure.message,
    remaining: failure.times ?? 1,
  });
}

/** Returns a version of a workspace-registry model, if it exists (tests read tags back). */
export function getModelVersion(
  state: EmulatorState,
  name: string,
  version: number,
): ModelVersion | undefined {
  return registryState(state)
    .models.get(name)
    ?.versions.find((v) => v.version === version);
}

/** Returns the version an alias of a workspace-registry model names, if any. */
export function getAliasVersion(
  state: EmulatorState,
  name: string,
  alias: string,
): number | undefined {
  return registryState(state).models.get(name)?.aliases.get(alias);
}

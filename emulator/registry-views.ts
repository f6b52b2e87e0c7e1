import { protoJson, tagList } from './api-args.js';
import {
  STAGES,
  registryState,
  versionStatus,
  type ModelVersion,
  type RegisteredModel,
} from './registry-store.js';
import type { EmulatorState } from './state.js';

/** The wire forms of workspace registry objects (MLflow and Databricks messages). */

/** Returns a version as MLflow's `ModelVersion` message. */
export function versionJson(state: EmulatorState, mv: ModelVersion): object {
  const model = registryState(state).models.get(mv.name);
  const aliases = [...(model?.aliases ?? [])].filter(([, v]) => v === mv.version).map(([a]) => a);
  const status = versionStatus(mv, state.clock.now());
  return protoJson({
    name: mv.name,
    version: String(mv.version),
    creation_timestamp: mv.creation_timestamp,
    last_updated_timestamp: mv.last_updated_timestamp,
    user_id: mv.user_id,
    current_stage: mv.current_stage,
    description: mv.description,
    source: mv.source,
    run_id: mv.run_id,
    run_link: mv.run_link,
    status,
    status_message: status === 'FAILED_REGISTRATION' ? mv.failure : undefined,
    tags: tagList(mv.tags),
    aliases,
  });
}

/** Returns a version as Databricks' `ModelVersionDatabricks` message. */
export function databricksVersionJson(state: EmulatorState, mv: ModelVersion): object {
  const json: Record<string, unknown> = {
    ...versionJson(state, mv),
    permission_level: 'CAN_MANAGE',
  };
  // ModelVersionDatabricks has no aliases field.
  delete json['aliases'];
  return json;
}

/** Returns the highest version in each stage, as `latest_versions` lists them. */
function latestVersions(model: RegisteredModel): ModelVersion[] {
  return STAGES.flatMap((stage) =>
    model.versions.filter((v) => v.current_stage === stage).slice(-1),
  );
}

/** Returns a registered model as MLflow's `RegisteredModel` message. */
export function modelJson(state: EmulatorState, model: RegisteredModel): object {
  return protoJson({
    name: model.name,
    creation_timestamp: model.creation_timestamp,
    last_updated_timestamp: model.last_updated_timestamp,
    user_id: model.user_id,
    description: model.description,
    latest_versions: latestVersions(model).map((mv) => versionJson(state, mv)),
    tags: tagList(model.tags),
    aliases: [...model.aliases].map(([alias, version]) => ({ alias, version: String(version) })),
  });
}

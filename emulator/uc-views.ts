import { protoJson, tagList } from './api-args.js';
import type { EmulatorState } from './state.js';
import { METASTORE_ID, type UcModel, type UcModelVersion } from './uc-store.js';

/** The wire forms of UC models: UC 2.1 (`RegisteredModelInfo`, ...) and MLflow's UC messages. */

function aliasesOf(model: UcModel, version?: number): { alias: string; version: number }[] {
  return [...model.aliases]
    .filter(([, v]) => version === undefined || v === version)
    .map(([alias, v]) => ({ alias, version: v }));
}

/** Returns an alias as UC's `RegisteredModelAlias` (what `PUT .../aliases/{alias}` returns). */
export function ucAliasInfo(model: UcModel, alias: string, version: number): object {
  return {
    alias_name: alias,
    version_num: version,
    id: createAliasId(model, alias),
    model_name: model.name,
    catalog_name: model.catalog_name,
    schema_name: model.schema_name,
  };
}

function createAliasId(model: UcModel, alias: string): string {
  return `${model.id}/${alias}`;
}

/** Returns a model as UC's `RegisteredModelInfo` (aliases only when asked for, as UC does). */
export function ucModelInfo(model: UcModel, includeAliases: boolean): object {
  const aliases = aliasesOf(model).map((a) => ucAliasInfo(model, a.alias, a.version));
  return protoJson({
    name: model.name,
    catalog_name: model.catalog_name,
    schema_name: model.schema_name,
    full_name: model.full_name,
    owner: model.owner,
    comment: model.comment,
    storage_location: model.storage_location,
    metastore_id: METASTORE_ID,
    created_at: model.created_at,
    created_by: model.created_by,
    updated_at: model.updated_at,
    updated_by: model.updated_by,
    aliases: includeAliases ? aliases : undefined,
  });
}

/** Returns a version as UC's `ModelVersionInfo`. */
export function ucVersionInfo(
  state: EmulatorState,
  model: UcModel,
  mv: UcModelVersion,
  includeAliases: boolean,
): object {
  const aliases = aliasesOf(model, mv.version).map((a) => ucAliasInfo(model, a.alias, a.version));
  return protoJson({
    model_name: model.name,
    catalog_name: model.catalog_name,
    schema_name: model.schema_name,
    version: mv.version,
    id: mv.id,
    source: mv.source,
    run_id: mv.run_id,
    run_workspace_id: mv.run_id === undefined ? undefined : state.workspaceId,
    comment: mv.comment,
    status: mv.status,
    storage_location: mv.storage_location,
    metastore_id: METASTORE_ID,
    created_at: mv.created_at,
    created_by: mv.created_by,
    updated_at: mv.updated_at,
    updated_by: mv.updated_by,
    aliases: includeAliases ? aliases : undefined,
  });
}

/** Returns a model as MLflow's UC `RegisteredModel` message. */
export function ucMlflowModel(model: UcModel): object {
  return protoJson({
    name: model.full_name,
    creation_timestamp: model.created_at,
    last_updated_timestamp: model.updated_at,
    user_id: model.owner,
    description: model.comment,
    aliases: aliasesOf(model).map((a) => ({ alias: a.alias, version: String(a.version) })),
    tags: tagList(model.tags),
  });
}

/** Returns a version as MLflow's UC `ModelVersion` message. */
export function ucMlflowVersion(model: UcModel, mv: UcModelVersion): object {
  return protoJson({
    name: model.full_name,
    version: String(mv.version),
    creation_timestamp: mv.created_at,
    last_updated_timestamp: mv.updated_at,
    user_id: mv.created_by,
    description: mv.comment,
    source: mv.source,
    run_id: mv.run_id,
    status: mv.status,
    status_message: mv.status_message,
    storage_location: mv.storage_location,
    aliases: aliasesOf(model, mv.version).map((a) => ({
      alias: a.alias,
      version: String(a.version),
    })),
    tags: tagList(mv.tags),
  });
}

import { ApiError } from './router.js';
import type { EmulatorState } from './state.js';
import {
  canonicalUcName,
  ucState,
  uuidFor,
  type UcModel,
  type UcModelVersion,
  type UcVersionStatus,
} from './uc-store.js';

/** Creating Unity Catalog models and versions, and their two wire forms (UC 2.1 and MLflow). */

const STORAGE_ROOT = 's3://emulator-metastore/models';

export interface NewUcModel {
  full_name: string;
  owner: string;
  comment?: string | undefined;
  tags?: Record<string, string>;
}

/**
 * Returns a new, empty UC model.
 * @throws ApiError RESOURCE_ALREADY_EXISTS (409, UC's conflict status) for a taken name.
 */
export function createUcModel(state: EmulatorState, spec: NewUcModel): UcModel {
  const fullName = canonicalUcName(spec.full_name);
  const models = ucState(state).models;
  if (models.has(fullName)) {
    throw new ApiError(
      409,
      'RESOURCE_ALREADY_EXISTS',
      `Routine or Model '${fullName}' already exists.`,
    );
  }
  const [catalog = '', schema = '', name = ''] = fullName.split('.');
  const now = state.clock.now();
  const id = uuidFor(state, 'uc-model');
  const model: UcModel = {
    full_name: fullName,
    catalog_name: catalog,
    schema_name: schema,
    name,
    id,
    owner: spec.owner,
    comment: spec.comment,
    created_at: now,
    created_by: spec.owner,
    updated_at: now,
    updated_by: spec.owner,
    storage_location: `${STORAGE_ROOT}/${id}`,
    tags: { ...spec.tags },
    versions: [],
    aliases: new Map(),
  };
  models.set(fullName, model);
  return model;
}

export interface NewUcVersion {
  source: string;
  run_id?: string | undefined;
  comment?: string | undefined;
  tags?: Record<string, string>;
  created_by: string;
  status: UcVersionStatus;
  status_message?: string | undefined;
}

/** Returns a new version of the model, numbered after its last one. */
export function createUcVersion(
  state: EmulatorState,
  model: UcModel,
  spec: NewUcVersion,
): UcModelVersion {
  const now = state.clock.now();
  const id = uuidFor(state, 'uc-version');
  const mv: UcModelVersion = {
    version: (model.versions.at(-1)?.version ?? 0) + 1,
    id,
    source: spec.source,
    run_id: spec.run_id,
    comment: spec.comment,
    tags: { ...spec.tags },
    created_at: now,
    created_by: spec.created_by,
    updated_at: now,
    updated_by: spec.created_by,
    storage_location: `${model.storage_location}/versions/${id}`,
    status: spec.status,
    status_message: spec.status_message,
  };
  model.versions.push(mv);
  model.updated_at = now;
  return mv;
}

import { createHash } from 'node:crypto';
import { invalidParameter, notFound, permissionDenied } from './api-args.js';
import { getExtension, type EmulatorState } from './state.js';
import type { TaskOutcome } from './types.js';

/**
 * Unity Catalog model state: three-level models, their versions and aliases, and the
 * privileges a scenario has taken away (`denyUc`).
 */

export type UcVersionStatus = 'PENDING_REGISTRATION' | 'READY' | 'FAILED_REGISTRATION';

export interface UcModelVersion {
  version: number;
  id: string;
  source: string;
  run_id?: string | undefined;
  comment?: string | undefined;
  tags: Record<string, string>;
  created_at: number;
  created_by: string;
  updated_at: number;
  updated_by: string;
  storage_location: string;
  status: UcVersionStatus;
  status_message?: string | undefined;
}

export interface UcModel {
  full_name: string;
  catalog_name: string;
  schema_name: string;
  name: string;
  id: string;
  owner: string;
  comment?: string | undefined;
  created_at: number;
  created_by: string;
  updated_at: number;
  updated_by: string;
  storage_location: string;
  tags: Record<string, string>;
  versions: UcModelVersion[];
  aliases: Map<string, number>;
}

/** A privilege a principal (or everyone) lacks on a securable and everything below it. */
export interface UcDenial {
  principal?: string | undefined;
  privilege: string;
  /** `catalog`, `catalog.schema` or `catalog.schema.model`. */
  on: string;
}

export interface UcState {
  models: Map<string, UcModel>;
  denials: UcDenial[];
  /** Outcomes of registration tasks already completed, by `<runId>/<taskRunId>`. */
  registrations: Map<string, TaskOutcome>;
}

export const METASTORE_ID = '11111111-2222-3333-4444-555555555555';

/** Returns the Unity Catalog state of a workspace, created empty on first use. */
export function ucState(state: EmulatorState): UcState {
  return getExtension(state, 'uc', () => ({
    models: new Map(),
    denials: [],
    registrations: new Map(),
  }));
}

/** Returns a UUID-shaped id derived from the workspace's id counter. */
export function uuidFor(state: EmulatorState, kind: string): string {
  const h = createHash('sha256').update(`${kind}-${state.nextId()}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/** Returns true for exactly three non-empty dot-separated parts (DESIGN §7.8). */
export function isUcName(name: string): boolean {
  const parts = name.split('.');
  return parts.length === 3 && parts.every((p) => p.length > 0);
}

/**
 * Returns the canonical (lower-case: UC identifiers are case-insensitive) three-level name.
 * @throws ApiError INVALID_PARAMETER_VALUE when it is not `catalog.schema.model`.
 */
export function canonicalUcName(name: string): string {
  if (!isUcName(name)) {
    throw invalidParameter(
      `Invalid model name '${name}': expected a three-level name of the form <catalog>.<schema>.<model>.`,
    );
  }
  return name.toLowerCase();
}

/**
 * Returns the model with this three-level name.
 * @throws ApiError INVALID_PARAMETER_VALUE for a malformed name, RESOURCE_DOES_NOT_EXIST (404).
 */
export function requireUcModel(state: EmulatorState, name: string): UcModel {
  const model = ucState(state).models.get(canonicalUcName(name));
  if (!model) throw notFound(`Routine or Model '${name.toLowerCase()}' does not exist.`);
  return model;
}

/**
 * Returns a version of a model.
 * @throws ApiError INVALID_PARAMETER_VALUE for a non-integer version, RESOURCE_DOES_NOT_EXIST.
 */
export function requireUcVersion(model: UcModel, version: string): UcModelVersion {
  if (!/^\d+$/.test(version)) throw invalidParameter(`Invalid model version '${version}'.`);
  const mv = model.versions.find((v) => v.version === Number(version));
  if (!mv)
    throw notFound(
      `Model version ${version} of Routine or Model '${model.full_name}' does not exist.`,
    );
  return mv;
}

/** What an operation needs on the model beyond USE CATALOG and USE SCHEMA. */
export type UcOperation = 'read' | 'create_model' | 'create_version' | 'manage';

const OBJECT_PRIVILEGE: Record<UcOperation, string> = {
  read: 'EXECUTE',
  create_model: 'CREATE MODEL',
  create_version: 'CREATE MODEL VERSION',
  manage: 'MANAGE',
};

function securableKind(name: string): string {
  const depth = name.split('.').length;
  return depth === 1 ? 'Catalog' : depth === 2 ? 'Schema' : 'Routine or Model';
}

function denied(
  state: EmulatorState,
  principal: string | undefined,
  privilege: string,
  on: string,
): boolean {
  return ucState(state).denials.some(
    (d) =>
      (d.principal === undefined || d.principal === principal) &&
      d.privilege.toUpperCase() === privilege &&
      (on === d.on.toLowerCase() || on.startsWith(`${d.on.toLowerCase()}.`)),
  );
}

/**
 * Returns the PERMISSION_DENIED message for the first privilege the principal lacks for an
 * operation on a model, in the order UC checks them, or undefined when it may proceed.
 */
export function ucDenialMessage(
  state: EmulatorState,
  principal: string | undefined,
  operation: UcOperation,
  fullName: string,
): string | undefined {
  const [catalog = '', schema = ''] = fullName.split('.');
  const checks: [string, string][] = [
    ['USE CATALOG', catalog],
    ['USE SCHEMA', `${catalog}.${schema}`],
    [OBJECT_PRIVILEGE[operation], operation === 'create_model' ? `${catalog}.${schema}` : fullName],
  ];
  for (const [privilege, on] of checks) {
    if (denied(state, principal, privilege, on)) {
      return `User does not have ${privilege} on ${securableKind(on)} '${on}'.`;
    }
  }
  return undefined;
}

/**
 * Returns nothing when the principal may perform the operation.
 * @throws ApiError PERMISSION_DENIED (403) naming the missing privilege and securable.
 */
export function checkUc(
  state: EmulatorState,
  principal: string | undefined,
  operation: UcOperation,
  fullName: string,
): void {
  const message = ucDenialMessage(state, principal, operation, canonicalUcName(fullName));
  if (message) throw permissionDenied(message);
}

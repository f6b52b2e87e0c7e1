import type { EmulatorState } from './state.js';
import { createUcModel, createUcVersion } from './uc-models.js';
import {
  canonicalUcName,
  ucState,
  type UcDenial,
  type UcModel,
  type UcModelVersion,
  type UcVersionStatus,
} from './uc-store.js';

/** Scenario controls for Unity Catalog models and privileges. */

const SCENARIO_OWNER = 'emulator-user@example.com';

export interface UcVersionSeed {
  source: string;
  run_id?: string;
  comment?: string;
  tags?: Record<string, string>;
  /** Default READY. */
  status?: UcVersionStatus;
  status_message?: string;
  aliases?: string[];
}

export interface UcModelSeed {
  /** `catalog.schema.model`. */
  full_name: string;
  owner?: string;
  comment?: string;
  versions?: UcVersionSeed[];
}

/** Returns the UC model with this name, creating it (and any seeded versions) when missing. */
export function addUcModel(state: EmulatorState, seed: UcModelSeed): UcModel {
  const model =
    ucState(state).models.get(canonicalUcName(seed.full_name)) ??
    createUcModel(state, {
      full_name: seed.full_name,
      owner: seed.owner ?? SCENARIO_OWNER,
      comment: seed.comment,
    });
  for (const version of seed.versions ?? []) addUcModelVersion(state, model.full_name, version);
  return model;
}

/** Returns a new version of a UC model (creating the model when missing). */
export function addUcModelVersion(
  state: EmulatorState,
  fullName: string,
  seed: UcVersionSeed,
): UcModelVersion {
  const model = addUcModel(state, { full_name: fullName });
  const mv = createUcVersion(state, model, {
    source: seed.source,
    run_id: seed.run_id,
    comment: seed.comment,
    tags: seed.tags ?? {},
    created_by: model.owner,
    status: seed.status ?? 'READY',
    status_message: seed.status_message,
  });
  for (const alias of seed.aliases ?? []) model.aliases.set(alias, mv.version);
  return mv;
}

/** Returns the UC model with this name, if it exists (tests inspect versions and aliases). */
export function getUcModel(state: EmulatorState, fullName: string): UcModel | undefined {
  return ucState(state).models.get(fullName.toLowerCase());
}

/**
 * Takes a privilege away: calls needing `privilege` on `on` (a catalog, schema or model,
 * and everything below it) answer 403 PERMISSION_DENIED naming it, for `principal` or,
 * without one, for everybody. Privileges checked: USE CATALOG, USE SCHEMA, EXECUTE (reads),
 * CREATE MODEL (on the schema), CREATE MODEL VERSION, MANAGE (aliases).
 */
export function denyUc(state: EmulatorState, denial: UcDenial): void {
  ucState(state).denials.push({ ...denial, privilege: denial.privilege.toUpperCase() });
}

/** Gives back every privilege `denyUc` took away. */
export function clearUcDenials(state: EmulatorState): void {
  ucState(state).denials.length = 0;
}

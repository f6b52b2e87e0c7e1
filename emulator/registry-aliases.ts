import {
  argsOf,
  invalidParameter,
  optionalBoolean,
  optionalString,
  requireString,
} from './api-args.js';
import {
  STAGES,
  requireModel,
  requireModelName,
  requireVersion,
  type ModelVersion,
  type Stage,
} from './registry-store.js';
import { databricksVersionJson, versionJson } from './registry-views.js';
import type { EmuRequest, EmuResponse, Router } from './router.js';
import type { EmulatorState } from './state.js';

/** Workspace registry aliases and stage transitions (OSS and Databricks paths). */

const BASE = '/api/2.0/mlflow';
const MAX_ALIAS_LENGTH = 255;

const ok = (body: object): EmuResponse => ({ status: 200, body });

/**
 * Returns the alias name when MLflow accepts it (`mlflow/utils/validation.py`).
 * @throws ApiError INVALID_PARAMETER_VALUE for empty, reserved or malformed names.
 */
export function validateAliasName(alias: string | undefined): string {
  if (!alias) throw invalidParameter('Registered model alias name cannot be empty.');
  if (!/^[\w-]*$/.test(alias)) {
    throw invalidParameter(
      `Invalid alias name: '${alias}'. Names may only contain alphanumerics, underscores (_), and dashes (-).`,
    );
  }
  if (alias.length > MAX_ALIAS_LENGTH) {
    throw invalidParameter(
      `Registered model alias name '${alias.slice(0, 250)}' had length ${alias.length}, which exceeded length limit of ${MAX_ALIAS_LENGTH}`,
    );
  }
  if (alias.toLowerCase() === 'latest') {
    throw invalidParameter("'latest' alias name (case insensitive) is reserved.");
  }
  if (/^[vV]\d+$/.test(alias)) throw invalidParameter(`Version alias name '${alias}' is reserved.`);
  return alias;
}

function setAlias(state: EmulatorState, req: EmuRequest): EmuResponse {
  const args = argsOf(req);
  const name = requireModelName(args);
  const alias = validateAliasName(optionalString(args, 'alias'));
  const mv = requireVersion(state, name, requireString(args, 'version'));
  // Setting an alias moves it: one alias names exactly one version.
  requireModel(state, name).aliases.set(alias, mv.version);
  return ok({});
}

function deleteAlias(state: EmulatorState, req: EmuRequest): EmuResponse {
  const args = argsOf(req);
  const model = requireModel(state, requireModelName(args));
  model.aliases.delete(validateAliasName(optionalString(args, 'alias')));
  return ok({});
}

function getAlias(state: EmulatorState, req: EmuRequest): EmuResponse {
  const args = argsOf(req);
  const name = requireModelName(args);
  const alias = validateAliasName(optionalString(args, 'alias'));
  const version = requireModel(state, name).aliases.get(alias);
  // MLflow answers a missing alias with INVALID_PARAMETER_VALUE, not RESOURCE_DOES_NOT_EXIST.
  if (version === undefined) throw invalidParameter(`Registered model alias ${alias} not found.`);
  return ok({ model_version: versionJson(state, requireVersion(state, name, String(version))) });
}

/** Returns MLflow's canonical stage for a case-insensitive name. */
function canonicalStage(stage: string | undefined): Stage {
  const found = STAGES.find((s) => s.toLowerCase() === (stage ?? '').toLowerCase());
  if (!found) {
    throw invalidParameter(
      `Invalid Model Version stage: ${stage ?? ''}. Value must be one of ${STAGES.join(', ')}.`,
    );
  }
  return found;
}

function transition(state: EmulatorState, req: EmuRequest, archiveRequired: boolean): ModelVersion {
  const args = argsOf(req);
  const name = requireModelName(args);
  const mv = requireVersion(state, name, requireString(args, 'version'));
  const stage = canonicalStage(requireString(args, 'stage'));
  const archive = optionalBoolean(args, 'archive_existing_versions');
  if (archive === undefined && archiveRequired) requireString(args, 'archive_existing_versions');
  if (archive && stage !== 'Staging' && stage !== 'Production') {
    throw invalidParameter(
      `Model version transition cannot archive existing model versions because '${stage}' is not an Active stage. Valid stages are Staging, Production`,
    );
  }
  const now = state.clock.now();
  if (archive) {
    for (const other of requireModel(state, name).versions) {
      if (other !== mv && other.current_stage === stage) {
        other.current_stage = 'Archived';
        other.last_updated_timestamp = now;
      }
    }
  }
  mv.current_stage = stage;
  mv.last_updated_timestamp = now;
  return mv;
}

/** Registers alias and stage-transition routes of the workspace registry. */
export function registerRegistryAliasRoutes(router: Router, state: EmulatorState): void {
  const alias = `${BASE}/registered-models/alias`;
  router.add('POST', alias, (req) => setAlias(state, req));
  router.add('DELETE', alias, (req) => deleteAlias(state, req));
  router.add('GET', alias, (req) => getAlias(state, req));
  router.add('POST', `${BASE}/model-versions/transition-stage`, (req) =>
    ok({ model_version: versionJson(state, transition(state, req, false)) }),
  );
  // Databricks' variant takes a comment, requires archive_existing_versions and answers
  // with the Databricks message type.
  router.add('POST', `${BASE}/databricks/model-versions/transition-stage`, (req) =>
    ok({ model_version_databricks: databricksVersionJson(state, transition(state, req, true)) }),
  );
}

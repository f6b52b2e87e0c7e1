import {
  argsOf,
  callerOf,
  notFound,
  optionalString,
  requireString,
  type Args,
} from './api-args.js';
import { validateAliasName } from './registry-aliases.js';
import { registryTags } from './registry.js';
import type { EmuRequest, EmuResponse, Router } from './router.js';
import type { EmulatorState } from './state.js';
import { createUcModel, createUcVersion } from './uc-models.js';
import { ucMlflowModel, ucMlflowVersion } from './uc-views.js';
import {
  checkUc,
  requireUcModel,
  requireUcVersion,
  type UcOperation,
  type UcModel,
} from './uc-store.js';

/**
 * MLflow's Unity Catalog registry endpoints (`/api/2.0/mlflow/unity-catalog/...`, MLflow
 * `databricks_uc_registry_service.proto`): what `mlflow.register_model` calls for a
 * three-level name. A version created here stays PENDING_REGISTRATION until `finalize`,
 * because the client uploads the model files in between.
 */

const BASE = '/api/2.0/mlflow/unity-catalog';

const ok = (body: object): EmuResponse => ({ status: 200, body });

function modelFor(
  state: EmulatorState,
  req: EmuRequest,
  operation: UcOperation,
): { model: UcModel; args: Args } {
  const args = argsOf(req);
  const name = requireString(args, 'name');
  checkUc(state, req.principal, operation, name);
  return { model: requireUcModel(state, name), args };
}

function createModel(state: EmulatorState, req: EmuRequest): EmuResponse {
  const args = argsOf(req);
  const name = requireString(args, 'name');
  checkUc(state, req.principal, 'create_model', name);
  const model = createUcModel(state, {
    full_name: name,
    owner: callerOf(req),
    comment: optionalString(args, 'description'),
    tags: registryTags(args, 'tags', 'Registered model'),
  });
  return ok({ registered_model: ucMlflowModel(model) });
}

function createVersion(state: EmulatorState, req: EmuRequest): EmuResponse {
  const { model, args } = modelFor(state, req, 'create_version');
  const mv = createUcVersion(state, model, {
    source: requireString(args, 'source'),
    run_id: optionalString(args, 'run_id') || undefined,
    comment: optionalString(args, 'description'),
    tags: registryTags(args, 'tags', 'Model version'),
    created_by: callerOf(req),
    status: 'PENDING_REGISTRATION',
  });
  return ok({ model_version: ucMlflowVersion(model, mv) });
}

function finalizeVersion(state: EmulatorState, req: EmuRequest): EmuResponse {
  const { model, args } = modelFor(state, req, 'create_version');
  const mv = requireUcVersion(model, requireString(args, 'version'));
  if (mv.status === 'PENDING_REGISTRATION') {
    mv.status = 'READY';
    mv.updated_at = state.clock.now();
  }
  return ok({ model_version: ucMlflowVersion(model, mv) });
}

function getVersion(state: EmulatorState, req: EmuRequest): EmuResponse {
  const { model, args } = modelFor(state, req, 'read');
  return ok({
    model_version: ucMlflowVersion(model, requireUcVersion(model, requireString(args, 'version'))),
  });
}

function setAlias(state: EmulatorState, req: EmuRequest): EmuResponse {
  const { model, args } = modelFor(state, req, 'manage');
  const alias = validateAliasName(optionalString(args, 'alias'));
  const mv = requireUcVersion(model, requireString(args, 'version'));
  model.aliases.set(alias, mv.version);
  return ok({});
}

function deleteAlias(state: EmulatorState, req: EmuRequest): EmuResponse {
  const { model, args } = modelFor(state, req, 'manage');
  model.aliases.delete(validateAliasName(optionalString(args, 'alias')));
  return ok({});
}

function getAlias(state: EmulatorState, req: EmuRequest): EmuResponse {
  const { model, args } = modelFor(state, req, 'read');
  const alias = validateAliasName(optionalString(args, 'alias'));
  const version = model.aliases.get(alias);
  if (version === undefined) {
    throw notFound(`Alias '${alias}' does not exist on Routine or Model '${model.full_name}'.`);
  }
  return ok({ model_version: ucMlflowVersion(model, requireUcVersion(model, String(version))) });
}

/** Registers MLflow's `/api/2.0/mlflow/unity-catalog/` registry routes. */
export function registerUcMlflowRoutes(router: Router, state: EmulatorState): void {
  router.add('POST', `${BASE}/registered-models/create`, (req) => createModel(state, req));
  router.add('GET', `${BASE}/registered-models/get`, (req) =>
    ok({ registered_model: ucMlflowModel(modelFor(state, req, 'read').model) }),
  );
  router.add('POST', `${BASE}/model-versions/create`, (req) => createVersion(state, req));
  router.add('POST', `${BASE}/model-versions/finalize`, (req) => finalizeVersion(state, req));
  router.add('GET', `${BASE}/model-versions/get`, (req) => getVersion(state, req));
  const alias = `${BASE}/registered-models/alias`;
  router.add('POST', alias, (req) => setAlias(state, req));
  router.add('DELETE', alias, (req) => deleteAlias(state, req));
  router.add('GET', alias, (req) => getAlias(state, req));
}

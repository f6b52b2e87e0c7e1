import {
  argsOf,
  callerOf,
  decodePageToken,
  encodePageToken,
  invalidParameter,
  notFound,
  optionalBoolean,
  optionalInteger,
  optionalString,
  requireString,
} from './api-args.js';
import type { EmuRequest, EmuResponse, Router } from './router.js';
import type { EmulatorState } from './state.js';
import { createUcModel } from './uc-models.js';
import { ucAliasInfo, ucModelInfo, ucVersionInfo } from './uc-views.js';
import { installUcRegistrationHandler } from './uc-registration.js';
import { checkUc, requireUcModel, requireUcVersion, type UcModel } from './uc-store.js';
import { validateAliasName } from './registry-aliases.js';
import { registerUcMlflowRoutes } from './unity-catalog-mlflow.js';

/** Unity Catalog model endpoints (`/api/2.1/unity-catalog/models/...`). */

const MODELS = '/api/2.1/unity-catalog/models';
const MODELS_RE = MODELS.replace(/\./g, '\\.');
const LIST_MAX_RESULTS_LIMIT = 1000;
/** UC's server-configured page length when max_results is unset or 0. */
const LIST_DEFAULT_PAGE = 100;

const ok = (body: object): EmuResponse => ({ status: 200, body });

function pathParam(req: EmuRequest, name: string): string {
  const raw = req.params[name] ?? '';
  try {
    return decodeURIComponent(raw);
  } catch {
    throw invalidParameter(`Invalid ${name} '${raw}'.`);
  }
}

/** Returns the model a path names after the caller's read privileges are checked. */
function readableModel(state: EmulatorState, req: EmuRequest): UcModel {
  const fullName = pathParam(req, 'full_name');
  checkUc(state, req.principal, 'read', fullName);
  return requireUcModel(state, fullName);
}

function includeAliases(req: EmuRequest): boolean {
  return optionalBoolean(argsOf(req), 'include_aliases') ?? false;
}

function createModel(state: EmulatorState, req: EmuRequest): EmuResponse {
  const args = argsOf(req);
  const fullName = [
    requireString(args, 'catalog_name'),
    requireString(args, 'schema_name'),
    requireString(args, 'name'),
  ].join('.');
  checkUc(state, req.principal, 'create_model', fullName);
  const model = createUcModel(state, {
    full_name: fullName,
    owner: callerOf(req),
    comment: optionalString(args, 'comment'),
  });
  return ok(ucModelInfo(model, false));
}

function listVersions(state: EmulatorState, req: EmuRequest): EmuResponse {
  const model = readableModel(state, req);
  const args = argsOf(req);
  const max = optionalInteger(args, 'max_results') ?? 0;
  if (max < 0 || max > LIST_MAX_RESULTS_LIMIT) {
    throw invalidParameter(
      `max_results must be between 0 and ${LIST_MAX_RESULTS_LIMIT}, got ${max}.`,
    );
  }
  const limit = max === 0 ? LIST_DEFAULT_PAGE : max;
  const offset = decodePageToken(optionalString(args, 'page_token'));
  const page = model.versions.slice(offset, offset + limit);
  return ok({
    model_versions: page.map((mv) => ucVersionInfo(state, model, mv, false)),
    ...(offset + limit < model.versions.length
      ? { next_page_token: encodePageToken(offset + limit) }
      : {}),
  });
}

function getVersion(state: EmulatorState, req: EmuRequest): EmuResponse {
  const model = readableModel(state, req);
  const mv = requireUcVersion(model, pathParam(req, 'version'));
  return ok(ucVersionInfo(state, model, mv, includeAliases(req)));
}

function manageableModel(state: EmulatorState, req: EmuRequest): UcModel {
  const fullName = pathParam(req, 'full_name');
  checkUc(state, req.principal, 'manage', fullName);
  return requireUcModel(state, fullName);
}

function setAlias(state: EmulatorState, req: EmuRequest): EmuResponse {
  const model = manageableModel(state, req);
  const alias = validateAliasName(pathParam(req, 'alias'));
  const versionNum = optionalInteger(argsOf(req), 'version_num');
  if (versionNum === undefined)
    throw invalidParameter("Missing value for required parameter 'version_num'.");
  const mv = requireUcVersion(model, String(versionNum));
  model.aliases.set(alias, mv.version);
  model.updated_at = state.clock.now();
  return ok(ucAliasInfo(model, alias, mv.version));
}

function getAlias(state: EmulatorState, req: EmuRequest): EmuResponse {
  const model = readableModel(state, req);
  const alias = pathParam(req, 'alias');
  const version = model.aliases.get(alias);
  if (version === undefined) {
    throw notFound(`Alias '${alias}' does not exist on Routine or Model '${model.full_name}'.`);
  }
  const mv = requireUcVersion(model, String(version));
  return ok(ucVersionInfo(state, model, mv, includeAliases(req)));
}

function deleteAlias(state: EmulatorState, req: EmuRequest): EmuResponse {
  const model = manageableModel(state, req);
  model.aliases.delete(pathParam(req, 'alias'));
  model.updated_at = state.clock.now();
  return ok({});
}

const NAME = '(?<full_name>[^/]+)';

/**
 * Registers the UC model routes (2.1 and MLflow's `/api/2.0/mlflow/unity-catalog/`) and
 * installs the task handler that registers versions from submitted runs.
 */
export function registerUnityCatalogRoutes(router: Router, state: EmulatorState): void {
  router.add('POST', MODELS, (req) => createModel(state, req));
  router.add('GET', new RegExp(`^${MODELS_RE}/${NAME}$`), (req) =>
    ok(ucModelInfo(readableModel(state, req), includeAliases(req))),
  );
  router.add('GET', new RegExp(`^${MODELS_RE}/${NAME}/versions$`), (req) =>
    listVersions(state, req),
  );
  router.add('GET', new RegExp(`^${MODELS_RE}/${NAME}/versions/(?<version>[^/]+)$`), (req) =>
    getVersion(state, req),
  );
  const alias = new RegExp(`^${MODELS_RE}/${NAME}/aliases/(?<alias>[^/]+)$`);
  router.add('PUT', alias, (req) => setAlias(state, req));
  router.add('GET', alias, (req) => getAlias(state, req));
  router.add('DELETE', alias, (req) => deleteAlias(state, req));
  registerUcMlflowRoutes(router, state);
  installUcRegistrationHandler(state);
}

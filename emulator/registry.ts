import {
  argsOf,
  callerOf,
  decodePageToken,
  encodePageToken,
  invalidParameter,
  lengthError,
  notFound,
  optionalInteger,
  optionalString,
  requireString,
  tagsFromList,
  type Args,
} from './api-args.js';
import { validateTagKey } from './mlflow.js';
import { registerRegistryAliasRoutes } from './registry-aliases.js';
import { parseVersionFilter, sortVersions, versionMatches } from './registry-search.js';
import {
  createModel,
  createVersion,
  registryState,
  requireModel,
  requireModelName,
  requireVersion,
} from './registry-store.js';
import { modelJson, versionJson } from './registry-views.js';
import type { EmuRequest, EmuResponse, Router } from './router.js';
import type { EmulatorState } from './state.js';

/**
 * Workspace model registry endpoints (`/api/2.0/mlflow/registered-models/*`,
 * `model-versions/*`; aliases and stages in registry-aliases.ts).
 */

const BASE = '/api/2.0/mlflow';
/** Model registry tag limits MLflow guarantees (reference §4.2). */
export const MAX_REGISTRY_TAG_KEY_BYTES = 250;
export const MAX_REGISTRY_TAG_VALUE_BYTES = 5000;
const SEARCH_MAX_RESULTS_DEFAULT = 10000;
const SEARCH_MAX_RESULTS_LIMIT = 200000;

const ok = (body: object): EmuResponse => ({ status: 200, body });

/**
 * Returns validated `[{key, value}]` registry tags from a request field.
 * @throws ApiError INVALID_PARAMETER_VALUE for a bad key or an over-long key or value.
 */
export function registryTags(args: Args, field: string, entity: string): Record<string, string> {
  const tags = tagsFromList(args, field);
  for (const [key, value] of Object.entries(tags)) checkRegistryTag(entity, key, value);
  return tags;
}

function checkRegistryTag(entity: string, key: string, value: string): void {
  validateTagKey(key, MAX_REGISTRY_TAG_KEY_BYTES);
  const tooLong = lengthError(`${entity} value`, value, MAX_REGISTRY_TAG_VALUE_BYTES);
  if (tooLong) throw tooLong;
}

function createRegisteredModel(state: EmulatorState, req: EmuRequest): EmuResponse {
  const args = argsOf(req);
  const model = createModel(state, {
    name: requireModelName(args),
    user_id: callerOf(req),
    description: optionalString(args, 'description'),
    tags: registryTags(args, 'tags', 'Registered model'),
  });
  return ok({ registered_model: modelJson(state, model) });
}

function getDatabricksModel(state: EmulatorState, req: EmuRequest): EmuResponse {
  const model = requireModel(state, requireModelName(argsOf(req)));
  const json = modelJson(state, model);
  const id = Buffer.from(model.name).toString('hex').slice(0, 32);
  return ok({ registered_model_databricks: { ...json, id, permission_level: 'CAN_MANAGE' } });
}

function setModelTag(state: EmulatorState, req: EmuRequest): EmuResponse {
  const args = argsOf(req);
  const model = requireModel(state, requireModelName(args));
  const key = requireString(args, 'key');
  const value = optionalString(args, 'value') ?? '';
  checkRegistryTag('Registered model', key, value);
  model.tags[key] = value;
  return ok({});
}

function createModelVersion(state: EmulatorState, req: EmuRequest): EmuResponse {
  const args = argsOf(req);
  const mv = createVersion(state, {
    name: requireModelName(args),
    source: requireString(args, 'source'),
    run_id: optionalString(args, 'run_id') || undefined,
    run_link: optionalString(args, 'run_link') || undefined,
    description: optionalString(args, 'description'),
    tags: registryTags(args, 'tags', 'Model version'),
    user_id: callerOf(req),
  });
  return ok({ model_version: versionJson(state, mv) });
}

function getModelVersion(state: EmulatorState, req: EmuRequest): EmuResponse {
  const args = argsOf(req);
  const mv = requireVersion(state, requireModelName(args), requireString(args, 'version'));
  return ok({ model_version: versionJson(state, mv) });
}

function searchModelVersions(state: EmulatorState, req: EmuRequest): EmuResponse {
  const args = argsOf(req);
  const maxResults = optionalInteger(args, 'max_results') ?? SEARCH_MAX_RESULTS_DEFAULT;
  if (maxResults <= 0 || maxResults > SEARCH_MAX_RESULTS_LIMIT) {
    throw invalidParameter(
      `Invalid value for request parameter max_results. It must be at most ${SEARCH_MAX_RESULTS_LIMIT}, but got value ${maxResults}`,
    );
  }
  const clauses = parseVersionFilter(optionalString(args, 'filter'));
  const orderArg = args['order_by'];
  const orderBy =
    orderArg === undefined ? [] : (Array.isArray(orderArg) ? orderArg : [orderArg]).map(String);
  const offset = decodePageToken(optionalString(args, 'page_token'));
  const all = [...registryState(state).models.values()].flatMap((m) => m.versions);
  const matches = sortVersions(
    all.filter((mv) => versionMatches(mv, clauses)),
    orderBy,
  );
  const page = matches.slice(offset, offset + maxResults);
  return ok({
    ...(page.length > 0 ? { model_versions: page.map((mv) => versionJson(state, mv)) } : {}),
    ...(offset + maxResults < matches.length
      ? { next_page_token: encodePageToken(offset + maxResults) }
      : {}),
  });
}

function setVersionTag(state: EmulatorState, req: EmuRequest): EmuResponse {
  const args = argsOf(req);
  const mv = requireVersion(state, requireModelName(args), requireString(args, 'version'));
  const key = requireString(args, 'key');
  const value = optionalString(args, 'value') ?? '';
  checkRegistryTag('Model version', key, value);
  mv.tags[key] = value;
  mv.last_updated_timestamp = state.clock.now();
  return ok({});
}

function deleteVersionTag(state: EmulatorState, req: EmuRequest): EmuResponse {
  const args = argsOf(req);
  const mv = requireVersion(state, requireModelName(args), requireString(args, 'version'));
  const key = requireString(args, 'key');
  if (!(key in mv.tags)) {
    throw notFound(
      `No tag with key ${key} on model version (name=${mv.name}, version=${mv.version})`,
    );
  }
  delete mv.tags[key];
  return ok({});
}

/** Registers the workspace model registry routes (models, versions, aliases, stages). */
export function registerRegistryRoutes(router: Router, state: EmulatorState): void {
  const rm = `${BASE}/registered-models`;
  const mv = `${BASE}/model-versions`;
  router.add('POST', `${rm}/create`, (req) => createRegisteredModel(state, req));
  router.add('GET', `${rm}/get`, (req) =>
    ok({ registered_model: modelJson(state, requireModel(state, requireModelName(argsOf(req)))) }),
  );
  router.add('GET', `${BASE}/databricks/registered-models/get`, (req) =>
    getDatabricksModel(state, req),
  );
  router.add('POST', `${rm}/set-tag`, (req) => setModelTag(state, req));
  router.add('POST', `${mv}/create`, (req) => createModelVersion(state, req));
  router.add('GET', `${mv}/get`, (req) => getModelVersion(state, req));
  router.add('GET', `${mv}/search`, (req) => searchModelVersions(state, req));
  router.add('POST', `${mv}/set-tag`, (req) => setVersionTag(state, req));
  router.add('DELETE', `${mv}/delete-tag`, (req) => deleteVersionTag(state, req));
  registerRegistryAliasRoutes(router, state);
}

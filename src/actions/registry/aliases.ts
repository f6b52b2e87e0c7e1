import { mlflowApi } from '../../databricks/mlflow.js';
import { unityCatalogApi } from '../../databricks/unity-catalog.js';
import { PipeError, isPipeError } from '../../errors.js';
import { isUnityCatalogName } from '../../plan/action-schema-parts.js';
import type { SetAliasSpec } from '../set-alias.js';
import type { ActionContext, ActionOutputs } from '../types.js';
import { audited } from './audited.js';
import { ucPermissionError } from './uc-permissions.js';
import { waitForReady } from './wait-ready.js';

/** A registry as set_alias sees it: both flavours behind the same four calls. */
interface AliasRegistry {
  /** Returns alias → version of the model. @throws PipeError ERR_NOT_FOUND */
  aliases(): Promise<Map<string, string>>;
  versionState(version: string): Promise<{ status?: string; status_message?: string }>;
  setAlias(alias: string, version: string): Promise<void>;
  operation: string;
}

function registryFor(ctx: ActionContext, name: string): AliasRegistry {
  if (isUnityCatalogName(name)) {
    const uc = unityCatalogApi(ctx.api, ctx.signal);
    return {
      aliases: async () =>
        new Map(
          ((await uc.getModel(name, true)).aliases ?? []).map((a) => [
            a.alias_name,
            String(a.version_num),
          ]),
        ),
      versionState: (version) => uc.getModelVersion(name, Number(version)),
      setAlias: (alias, version) => uc.setAlias(name, alias, Number(version)),
      operation: 'unity-catalog.models.aliases.set',
    };
  }
  const ml = mlflowApi(ctx.api, ctx.signal);
  return {
    aliases: async () =>
      new Map(
        ((await ml.getRegisteredModel(name)).aliases ?? []).map((a) => [
          a.alias,
          String(a.version),
        ]),
      ),
    versionState: (version) => ml.getModelVersion(name, version),
    setAlias: (alias, version) => ml.setAlias(name, alias, version),
    operation: 'mlflow.registered-models.alias',
  };
}

/** Returns `error` in words for a model name: not found, or the UC grant that is missing. */
function explain(error: unknown, name: string, uc: 'set_alias' | 'read'): unknown {
  if (isPipeError(error, 'ERR_NOT_FOUND')) {
    return new PipeError('ERR_NOT_FOUND', `model ${name} not found`, {
      hint: "check the model name, and that the pipe's identity can see it",
      cause: error,
    });
  }
  if (isPipeError(error, 'ERR_PERMISSION_DENIED') && isUnityCatalogName(name)) {
    return ucPermissionError(uc, name, error.message, error);
  }
  return error;
}

/**
 * Returns the model's aliases after checking it exists (DESIGN §7.2).
 * @throws PipeError ERR_NOT_FOUND | ERR_PERMISSION_DENIED
 */
export async function preflightSetAlias(
  spec: SetAliasSpec,
  ctx: ActionContext,
): Promise<Record<string, string>> {
  let aliases: Map<string, string>;
  try {
    aliases = await registryFor(ctx, spec.name).aliases();
  } catch (error) {
    throw explain(error, spec.name, 'read');
  }
  if (ctx.settings.dryRun) {
    const now = aliases.get(spec.alias);
    ctx.log.info(
      `would point alias ${spec.alias} of ${spec.name} at version ${String(spec.version)} (${now ? `now version ${now}` : 'not set yet'})`,
    );
  }
  return Object.fromEntries(aliases);
}

/** Resolves once the version exists and is READY (an alias must name a usable version). */
async function requireReadyVersion(
  ctx: ActionContext,
  registry: AliasRegistry,
  name: string,
  version: string,
): Promise<void> {
  const what = `version ${version} of ${name}`;
  try {
    await waitForReady(
      ctx,
      () => registry.versionState(version),
      what,
      ctx.clock.now() + ctx.settings.waitTimeoutMs,
    );
  } catch (error) {
    if (!isPipeError(error, 'ERR_NOT_FOUND')) throw explain(error, name, 'read');
    throw new PipeError('ERR_NOT_FOUND', `${what} not found`, {
      hint: 'check the version number (or the register_model output it comes from)',
      cause: error,
    });
  }
}

/**
 * Points the alias at the version, once the version is READY; returns `previous_version`, the
 * version the alias named before (an empty string when it was not set).
 * @throws PipeError ERR_NOT_FOUND | ERR_PERMISSION_DENIED | ERR_REGISTRATION_FAILED | ERR_TIMEOUT
 */
export async function runSetAlias(spec: SetAliasSpec, ctx: ActionContext): Promise<ActionOutputs> {
  const registry = registryFor(ctx, spec.name);
  const version = String(spec.version);
  let previous: string | undefined;
  try {
    previous = (await registry.aliases()).get(spec.alias);
  } catch (error) {
    throw explain(error, spec.name, 'read');
  }
  await requireReadyVersion(ctx, registry, spec.name, version);
  const previousVersion = previous ?? '';
  try {
    await audited(
      ctx,
      {
        operation: registry.operation,
        target: `model:${spec.name}`,
        request: { alias: spec.alias, version },
      },
      () => registry.setAlias(spec.alias, version),
      () => ({ previous_version: previousVersion }),
    );
  } catch (error) {
    throw explain(error, spec.name, 'set_alias');
  }
  const change =
    previous === undefined
      ? 'was not set'
      : previous === version
        ? 'already pointed there'
        : `was version ${previous}`;
  ctx.log.info(
    `alias ${spec.alias} of ${spec.name} now points at version ${version} (it ${change})`,
  );
  return { previous_version: previousVersion };
}

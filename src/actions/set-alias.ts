import {
  EXPECTED_KEYWORD,
  MODEL_NAME_SCHEMA,
  quoted,
  registryFlavour,
  VERSION_SCHEMA,
} from '../plan/action-schema-parts.js';
import { specProblem } from '../plan/problems.js';
import type { ActionDefinition } from './types.js';
import { preflightSetAlias, runSetAlias } from './registry/aliases.js';

// ─── Schema (plan) ─────────────────────────────────────────────────────────────────────────
// The body of `set_alias:` (DESIGN §3): point an alias at a version, in Unity Catalog or the
// workspace registry.

/** A schema-valid `set_alias` body. */
export type SetAliasSpec = {
  name: string;
  alias: string;
  version: number | string;
};

/** JSON Schema of the `set_alias` body. */
export const SET_ALIAS_SCHEMA: Record<string, unknown> = {
  type: 'object',
  description: 'Point an alias (e.g. champion) at a model version.',
  required: ['name', 'alias', 'version'],
  additionalProperties: false,
  properties: {
    name: MODEL_NAME_SCHEMA,
    alias: {
      type: 'string',
      pattern: '^[A-Za-z0-9_-]{1,255}$',
      [EXPECTED_KEYWORD]: 'letters, digits, _ or - (e.g. champion)',
      description: 'Alias name, e.g. champion.',
    },
    version: VERSION_SCHEMA,
  },
};

/** Outputs of `set_alias` (DESIGN §3). */
export const SET_ALIAS_OUTPUTS = ['previous_version'] as const;

function validateSetAlias(spec: SetAliasSpec): string[] {
  const alias = spec.alias;
  if (typeof alias !== 'string') return [];
  // MLflow reserves both: `latest` and `v<n>` already mean something in models:/ URIs.
  if (alias.toLowerCase() === 'latest') {
    return [
      specProblem(
        '/alias',
        '"latest" is reserved by MLflow; choose another alias such as champion',
      ),
    ];
  }
  if (/^v[0-9]+$/i.test(alias)) {
    return [
      specProblem(
        '/alias',
        `"${alias}" is reserved by MLflow for version references; choose another alias`,
      ),
    ];
  }
  return [];
}

function describeSetAlias(spec: SetAliasSpec): string {
  return `point alias ${quoted(spec.alias)} of ${quoted(spec.name)}${registryFlavour(spec.name)} at version ${String(spec.version)}`;
}

// ─── Run (registry) ────────────────────────────────────────────────────────────────────────

/** `set_alias`: point an alias at a model version (DESIGN §3). */
export const setAlias: ActionDefinition<SetAliasSpec> = {
  type: 'set_alias',
  schema: SET_ALIAS_SCHEMA,
  outputs: SET_ALIAS_OUTPUTS,
  validate: validateSetAlias,
  describe: describeSetAlias,
  preflight: preflightSetAlias,
  run: runSetAlias,
};

import { PipeError } from '../errors.js';
import { redactor as processRedactor, type Redactor } from '../log/redactor.js';
import {
  STEP_OIDC_TOKEN_VARIABLE,
  readBitbucketContext,
  readNetworkConfig,
  type EnvSnapshot,
} from './bitbucket-context.js';
import { buildConfig } from './build-config.js';
import { SECRET_VARIABLES, VARIABLE_NAMES, variableSchema, type VariableName } from './schema.js';
import type { Config } from './types.js';
import { findUnknownVariables } from './unknown-variables.js';
import { validateVariables, type TypoIndex } from './validate-variables.js';

/** What {@link loadConfig} returns. All of it is deeply frozen. */
export interface LoadedConfig {
  readonly config: Config;
  /** Lines for the log at warning level: likely typos, settings that will have no effect. */
  readonly warnings: readonly string[];
  /** Lines for the log at info level: normalisations the user should know of (DESIGN §7.13). */
  readonly notices: readonly string[];
}

export interface LoadConfigOptions {
  /** Where secrets are registered; the process-wide redactor unless a test isolates one. */
  redactor?: Redactor;
}

// The plan's YAML text is kept verbatim: trimming would shift its first line's indentation.
const VERBATIM_VARIABLES: ReadonlySet<VariableName> = new Set(['ACTIONS']);
// Secret-named values shorter than this are too common ("true", "none") to mask everywhere.
const MIN_SECRET_NAMED_LENGTH = 8;

/**
 * Returns the validated, deeply frozen configuration read from `env` (a snapshot of the
 * environment; blank values count as unset), with warnings and notices for the caller to log.
 * Pure apart from registering every secret with the redactor the moment it is read. Relative
 * paths resolve against BITBUCKET_CLONE_DIR, else `cwd` (absolute). Never reads the plan file.
 * @throws PipeError ERR_CONFIG_INVALID listing every problem in `details`, one per line.
 */
export function loadConfig(
  env: Readonly<Record<string, string | undefined>>,
  cwd: string,
  options: LoadConfigOptions = {},
): LoadedConfig {
  const redactor = options.redactor ?? processRedactor;
  const snapshot = snapshotEnv(env);
  const unknown = findUnknownVariables(Object.keys(snapshot));
  registerSecrets(snapshot, unknown.typos, redactor);
  const outcome = validateVariables(pickVariables(snapshot), unknown.typos);
  const network = readNetworkConfig(snapshot, redactor);
  const problems = [...(outcome.ok ? [] : outcome.problems), ...network.problems];
  if (!outcome.ok || problems.length > 0) {
    throw new PipeError(
      'ERR_CONFIG_INVALID',
      `invalid pipe variables (${plural(problems.length, 'problem')})`,
      {
        details: problems,
        hint:
          "fix the pipe's `variables:` in bitbucket-pipelines.yml (README's Variables table " +
          'describes each one); nothing was changed',
      },
    );
  }
  const bitbucket = readBitbucketContext(snapshot, cwd);
  const built = buildConfig({
    values: outcome.values,
    snapshot,
    bitbucket,
    network: network.network,
  });
  const config: Config = { ...built.config, env: withoutSecrets(snapshot, redactor) };
  return deepFreeze({
    config,
    warnings: [...unknown.warnings, ...built.warnings],
    notices: built.notices,
  });
}

function snapshotEnv(env: Readonly<Record<string, string | undefined>>): EnvSnapshot {
  const snapshot: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    // Bitbucket passes a pipe variable that references an unset variable as an empty string.
    if (value !== undefined && value.trim() !== '') snapshot[name] = value;
  }
  return snapshot;
}

function pickVariables(snapshot: EnvSnapshot): Partial<Record<VariableName, string>> {
  const input: Partial<Record<VariableName, string>> = {};
  for (const name of VARIABLE_NAMES) {
    const value = snapshot[name];
    if (value === undefined) continue;
    if (VERBATIM_VARIABLES.has(name)) input[name] = value;
    // Enums are matched case-insensitively (`PAT`, `Cancel`).
    else if (variableSchema(name).enum !== undefined) input[name] = value.trim().toLowerCase();
    else input[name] = value;
  }
  return input;
}

function registerSecrets(snapshot: EnvSnapshot, typos: TypoIndex, redactor: Redactor): void {
  const secretNames = new Set<string>([...SECRET_VARIABLES, STEP_OIDC_TOKEN_VARIABLE]);
  // A misspelt secret variable still holds the secret, though the pipe will not use it.
  for (const [meant, typo] of typos) if (SECRET_VARIABLES.includes(meant)) secretNames.add(typo);
  for (const [name, value] of Object.entries(snapshot)) {
    if (secretNames.has(name)) {
      redactor.register(value.trim());
    } else if (redactor.isSecretKey(name) && value.trim().length >= MIN_SECRET_NAMED_LENGTH) {
      redactor.register(value.trim());
    }
  }
}

// `{{ env.NAME }}` must never copy a secret into a job parameter, where the workspace shows it.
function withoutSecrets(
  snapshot: EnvSnapshot,
  redactor: Redactor,
): Readonly<Record<string, string>> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(snapshot)) {
    if (!redactor.isSecretKey(name) && redactor.redact(value) === value) env[name] = value;
  }
  return env;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

/** Returns `value` after freezing it and everything reachable from it. */
function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const item of Object.values(value)) deepFreeze(item);
  }
  return value;
}

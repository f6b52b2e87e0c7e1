/**
 * The single definition of the pipe's variables (DESIGN §2): names, defaults, enums,
 * descriptions and which values are secret. `loadConfig` validates against it, and a test
 * checks README's Variables table and `pipe.yml` against it.
 *
 * Values are validated as the strings the environment holds. Defaults are written the way a
 * user would write the variable. `format` names a parser in `./parsers.ts` (the same function
 * validates and, afterwards, converts); `x-secret` marks values that are never echoed.
 */

/** The formats the variables schema uses; each is implemented by a parser in `./parsers.ts`. */
export type VariableFormat =
  'pipe-boolean' | 'pipe-duration' | 'pipe-host' | 'pipe-path' | 'pipe-secret';

/** The JSON Schema of one variable. */
export interface VariableSchema {
  readonly type: 'string';
  /** What the variable does, in the words of README's Usage column. */
  readonly description: string;
  readonly default?: string;
  readonly enum?: readonly string[];
  readonly format?: VariableFormat;
  readonly examples?: readonly string[];
  /** A secret: its value is registered with the redactor and never echoed. */
  readonly 'x-secret'?: true;
}

/** Upper bound of any duration variable; a pipeline step cannot outlive it anyway. */
export const MAX_DURATION_MS = 48 * 60 * 60 * 1000;

const BOOLEAN = { type: 'string', format: 'pipe-boolean' } as const;
const ONE_PLAN_SOURCE = 'Set exactly one of `ACTIONS` and `ACTIONS_FILE`.';

const VARIABLES = {
  DATABRICKS_HOST: {
    type: 'string',
    format: 'pipe-host',
    examples: ['https://dbc-1234abcd-5678.cloud.databricks.com'],
    description:
      'Workspace URL, e.g. `https://dbc-1234abcd-5678.cloud.databricks.com`. A path or query ' +
      "(Azure's `?o=`) is dropped. Plain `http://` only for loopback hosts (tests, emulator).",
  },
  DATABRICKS_AUTH_TYPE: {
    type: 'string',
    enum: ['auto', 'bitbucket-oidc', 'azure-oidc', 'oauth-m2m', 'pat'],
    default: 'auto',
    description:
      '`bitbucket-oidc`, `azure-oidc`, `oauth-m2m` or `pat`. `auto` uses the one method whose ' +
      'inputs are present: `DATABRICKS_CLIENT_SECRET` → oauth-m2m, `DATABRICKS_TOKEN` → pat, ' +
      "`AZURE_CLIENT_ID` → azure-oidc, else the step's OIDC token → bitbucket-oidc.",
  },
  DATABRICKS_CLIENT_ID: {
    type: 'string',
    description:
      'Service principal application ID. Sent as `client_id` in the OIDC token exchange ' +
      '(service-principal federation policy); omit it for account-wide federation. Also the ' +
      'client ID for `oauth-m2m`. Not a secret.',
  },
  DATABRICKS_CLIENT_SECRET: {
    type: 'string',
    format: 'pipe-secret',
    'x-secret': true,
    description:
      'OAuth secret of the service principal, for `oauth-m2m` only. Use a secured variable.',
  },
  DATABRICKS_TOKEN: {
    type: 'string',
    format: 'pipe-secret',
    'x-secret': true,
    description: 'Personal access token, for `pat` only; prefer OIDC. Use a secured variable.',
  },
  AZURE_TENANT_ID: {
    type: 'string',
    description: 'Microsoft Entra ID tenant, for `azure-oidc`.',
  },
  AZURE_CLIENT_ID: {
    type: 'string',
    description:
      'Microsoft Entra ID application (client) ID with a federated credential for this ' +
      "workspace's Bitbucket OIDC issuer, for `azure-oidc`.",
  },
  ACTIONS: {
    type: 'string',
    description: `The plan as YAML text: a list of actions. ${ONE_PLAN_SOURCE}`,
  },
  ACTIONS_FILE: {
    type: 'string',
    format: 'pipe-path',
    examples: ['.databricks/release.yml'],
    description: `Path of a YAML file holding the plan, relative to the clone directory. ${ONE_PLAN_SOURCE}`,
  },
  DRY_RUN: {
    ...BOOLEAN,
    default: 'false',
    description:
      'Validate, authenticate, resolve names with read-only calls and print the plan; change nothing.',
  },
  WAIT_TIMEOUT: {
    type: 'string',
    format: 'pipe-duration',
    default: '1h',
    description:
      'Default client-side wait per action: `30s`, `20m`, `2h`, `1h30m` or plain seconds (`90`); at most `48h`.',
  },
  RESULTS_FILE: {
    type: 'string',
    format: 'pipe-path',
    default: 'databricks-ml-pipe/results.json',
    description: 'Machine-readable outcome (JSON), written on success and on failure.',
  },
  AUDIT_FILE: {
    type: 'string',
    format: 'pipe-path',
    default: 'databricks-ml-pipe/audit.jsonl',
    description:
      'Append-only, hash-chained audit records (JSON Lines), one per state-changing call.',
  },
  CODE_INSIGHTS: {
    ...BOOLEAN,
    default: 'false',
    description: 'Post a Code Insights report on the commit through the pipelines proxy.',
  },
  PROVENANCE_TAGS: {
    ...BOOLEAN,
    default: 'true',
    description:
      'Tag MLflow runs and model versions with commit, repository, pipeline, step and build.',
  },
  OUTPUT_VARIABLES: {
    ...BOOLEAN,
    default: 'false',
    description:
      'Also append non-secret outputs (run ids, URLs, versions) as `KEY=value` to ' +
      "`$BITBUCKET_PIPELINES_VARIABLES_PATH`, for the step's `output-variables`.",
  },
  ON_ORPHAN: {
    type: 'string',
    enum: ['reconnect', 'cancel', 'ignore'],
    default: 'reconnect',
    description:
      'What a re-run step does with the run its stopped predecessor started for the same commit ' +
      'and action: `reconnect` (wait on it), `cancel` or `ignore`.',
  },
  DEBUG: {
    ...BOOLEAN,
    default: 'false',
    description: 'Verbose logs: request lines (never secrets), timings and stack traces.',
  },
} as const satisfies Record<string, VariableSchema>;

/** A pipe variable's name. */
export type VariableName = keyof typeof VARIABLES;

/** Every pipe variable, in the order README and `pipe.yml` list them. */
export const VARIABLE_NAMES = Object.keys(VARIABLES) as readonly VariableName[];

/** The variables whose values are secrets (`x-secret: true`). */
export const SECRET_VARIABLES: readonly VariableName[] = VARIABLE_NAMES.filter(
  (name) => (VARIABLES[name] as VariableSchema)['x-secret'] === true,
);

/** The variables that must be set. */
export const REQUIRED_VARIABLES = ['DATABRICKS_HOST'] as const satisfies readonly VariableName[];

/** The variables of which exactly one must be set. */
export const PLAN_SOURCE_VARIABLES = [
  'ACTIONS',
  'ACTIONS_FILE',
] as const satisfies readonly VariableName[];

/** The JSON Schema (draft-07) of the pipe's variables, validated as environment strings. */
export const VARIABLES_SCHEMA = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'https://databricks-ml-pipe/schemas/variables.json',
  title: 'databricks-ml-pipe variables',
  type: 'object',
  required: [...REQUIRED_VARIABLES],
  oneOf: PLAN_SOURCE_VARIABLES.map((name) => ({ required: [name] })),
  properties: VARIABLES,
} as const;

/** Returns the schema of one variable. */
export function variableSchema(name: VariableName): VariableSchema {
  return VARIABLES[name];
}

/** Returns true when `name` is one of the pipe's variables. */
export function isVariableName(name: string): name is VariableName {
  return Object.hasOwn(VARIABLES, name);
}

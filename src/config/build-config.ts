import { resolve } from 'node:path';
import { PipeError } from '../errors.js';
import { STEP_OIDC_TOKEN_VARIABLE, type EnvSnapshot } from './bitbucket-context.js';
import { parseHost } from './host.js';
import {
  parseBoolean,
  parseDuration,
  parsePath,
  parseSecret,
  quote,
  type ParseResult,
} from './parsers.js';
import type { VariableName } from './schema.js';
import type {
  AuthType,
  BitbucketContext,
  Config,
  NetworkConfig,
  OnOrphan,
  PlanSource,
} from './types.js';

/** Schema-valid variable values (defaults applied) and the context read beside them. */
export interface BuildInputs {
  values: Readonly<Partial<Record<VariableName, string>>>;
  snapshot: EnvSnapshot;
  bitbucket: BitbucketContext;
  network: NetworkConfig;
}

/** The typed configuration (its env snapshot aside) and what the user should hear about it. */
export interface BuiltConfig {
  config: Omit<Config, 'env'>;
  warnings: string[];
  notices: string[];
}

/**
 * Returns the typed configuration for values that already passed the variables schema.
 * @throws PipeError ERR_INTERNAL when a value the schema accepted does not parse (a bug).
 */
export function buildConfig({ values, snapshot, bitbucket, network }: BuildInputs): BuiltConfig {
  const read = valueReader(values, bitbucket.cloneDir);
  const host = read.parsed('DATABRICKS_HOST', parseHost);
  const config: Omit<Config, 'env'> = {
    host: host.origin,
    authType: read.required('DATABRICKS_AUTH_TYPE') as AuthType | 'auto',
    ...definedOnly({
      clientId: read.text('DATABRICKS_CLIENT_ID'),
      clientSecret: read.secret('DATABRICKS_CLIENT_SECRET'),
      token: read.secret('DATABRICKS_TOKEN'),
      azureTenantId: read.text('AZURE_TENANT_ID'),
      azureClientId: read.text('AZURE_CLIENT_ID'),
      oidcToken: snapshot[STEP_OIDC_TOKEN_VARIABLE]?.trim(),
    }),
    plan: planSource(values, bitbucket.cloneDir),
    dryRun: read.parsed('DRY_RUN', parseBoolean),
    waitTimeoutMs: read.parsed('WAIT_TIMEOUT', parseDuration),
    resultsFile: read.file('RESULTS_FILE'),
    auditFile: read.file('AUDIT_FILE'),
    codeInsights: read.parsed('CODE_INSIGHTS', parseBoolean),
    provenanceTags: read.parsed('PROVENANCE_TAGS', parseBoolean),
    outputVariables: read.parsed('OUTPUT_VARIABLES', parseBoolean),
    onOrphan: read.required('ON_ORPHAN') as OnOrphan,
    debug: read.parsed('DEBUG', parseBoolean),
    bitbucket,
    network,
  };
  const notices =
    host.dropped === undefined
      ? []
      : [
          `DATABRICKS_HOST: using ${host.origin}; ${quote(host.dropped)} is ignored ` +
            '(API paths are built from the origin)',
        ];
  return { config, warnings: effectWarnings(config), notices };
}

/** Typed access to schema-valid values; a value that does not parse is a bug. */
function valueReader(values: BuildInputs['values'], cloneDir: string) {
  const required = (name: VariableName): string => {
    const value = values[name];
    if (value === undefined) throw internal(name, 'has no value although the schema gives it one');
    return value;
  };
  const parsed = <T>(name: VariableName, parse: (s: string) => ParseResult<T>): T =>
    valueOf(name, parse(required(name)));
  return {
    required,
    parsed,
    text: (name: VariableName): string | undefined => values[name]?.trim(),
    secret: (name: VariableName): string | undefined =>
      values[name] === undefined ? undefined : parsed(name, parseSecret),
    file: (name: VariableName): string => resolve(cloneDir, parsed(name, parsePath)),
  };
}

function planSource(values: BuildInputs['values'], cloneDir: string): PlanSource {
  const inline = values.ACTIONS;
  if (inline !== undefined) return { kind: 'inline', variable: 'ACTIONS', text: inline };
  const file = valueOf('ACTIONS_FILE', parsePath(values.ACTIONS_FILE ?? ''));
  return {
    kind: 'file',
    variable: 'ACTIONS_FILE',
    path: resolve(cloneDir, file),
    displayPath: file,
  };
}

function effectWarnings(config: Omit<Config, 'env'>): string[] {
  const warnings: string[] = [];
  if (config.outputVariables && config.bitbucket.pipelinesVariablesPath === undefined) {
    warnings.push(
      'OUTPUT_VARIABLES is true but BITBUCKET_PIPELINES_VARIABLES_PATH is not set, so no outputs ' +
        'will be exported; declare `output-variables` on the step',
    );
  }
  if (
    config.codeInsights &&
    (config.bitbucket.commit === undefined || config.bitbucket.repoFullName === undefined)
  ) {
    warnings.push(
      'CODE_INSIGHTS is true but BITBUCKET_COMMIT or BITBUCKET_REPO_FULL_NAME is not set ' +
        '(not running in Bitbucket Pipelines?), so no report will be posted',
    );
  }
  return warnings;
}

function valueOf<T>(name: VariableName, result: ParseResult<T>): T {
  if (!result.ok) throw internal(name, 'was accepted by the schema but does not parse');
  return result.value;
}

function internal(name: VariableName, what: string): PipeError {
  return new PipeError('ERR_INTERNAL', `internal error: ${name} ${what}`, {
    hint: 'this is a bug in databricks-ml-pipe; re-run with DEBUG=true and report it',
  });
}

type DefinedOnly<T> = { [K in keyof T]?: Exclude<T[K], undefined> };

/** Returns `fields` without its undefined entries, as optional properties require. */
function definedOnly<T extends Record<string, unknown>>(fields: T): DefinedOnly<T> {
  return Object.fromEntries(
    Object.entries(fields).filter(([, v]) => v !== undefined),
  ) as DefinedOnly<T>;
}

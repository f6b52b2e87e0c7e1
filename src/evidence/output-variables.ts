/**
 * Step-to-step outputs. With OUTPUT_VARIABLES=true, scalar outputs become `KEY=value` lines in
 * `$BITBUCKET_PIPELINES_VARIABLES_PATH` (for the step's `output-variables`); all outputs always
 * go to `$BITBUCKET_PIPE_SHARED_STORAGE_DIR/databricks-ml-pipe/outputs.json` when that is set.
 *
 * Keys are `<ID>_<OUTPUT>` in upper snake case (`train` + `run_page_url` → `TRAIN_RUN_PAGE_URL`);
 * an action without an id uses its position: `ACTION_3_VERSION`. Bitbucket prints these values
 * in later steps' logs, so anything that looks secret is withheld, and a value with a line break
 * or control character is rejected: it could otherwise smuggle in another `KEY=` line.
 */
import { appendFile, mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Clock } from '../clock.js';
import type { Logger } from '../log/logger.js';
import { redactor as defaultRedactor, type Redactor } from '../log/redactor.js';
import type { ActionResult } from '../runner/types.js';
import { PIPE_VERSION } from '../version.js';
import { describeFsError, writeFileAtomic } from './atomic-write.js';

/** Where outputs.json goes, under the shared pipe storage dir. */
export const SHARED_OUTPUTS_FILE = 'databricks-ml-pipe/outputs.json';

export interface OutputVariable {
  key: string;
  value: string;
}

export interface RejectedOutput {
  key: string;
  reason: string;
}

export interface WriteOutputsOptions {
  results: readonly ActionResult[];
  /** OUTPUT_VARIABLES */
  enabled: boolean;
  /** BITBUCKET_PIPELINES_VARIABLES_PATH */
  variablesPath?: string | undefined;
  /** BITBUCKET_PIPE_SHARED_STORAGE_DIR */
  sharedStorageDir?: string | undefined;
  commit?: string | undefined;
  stepUuid?: string | undefined;
  clock: Clock;
  log: Logger;
  redactor?: Redactor;
}

export interface OutputsWritten {
  /** Keys appended to the variables file (empty when disabled or nothing qualified). */
  keys: string[];
  variablesFile?: string;
  outputsFile?: string;
}

const KEY_PATTERN = /^[A-Z_][A-Z0-9_]*$/;
const LINE_SEPARATORS = new Set([0x2028, 0x2029]);

/** Returns the variable name for one output, e.g. `TRAIN_RUN_ID` or `ACTION_2_VERSION`. */
export function outputVariableKey(
  result: Pick<ActionResult, 'id' | 'index'>,
  output: string,
): string {
  const prefix = result.id ?? `ACTION_${result.index}`;
  return `${prefix}_${output}`
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/[^A-Za-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .toUpperCase();
}

/** Returns the scalar outputs that may become variables, and the ones withheld with why. */
export function collectOutputVariables(
  results: readonly ActionResult[],
  redactor: Redactor = defaultRedactor,
): { variables: OutputVariable[]; rejected: RejectedOutput[] } {
  const variables: OutputVariable[] = [];
  const rejected: RejectedOutput[] = [];
  const seen = new Set<string>();
  for (const result of results) {
    for (const [name, raw] of Object.entries(result.outputs)) {
      const value = scalarText(raw);
      if (value === undefined) continue;
      const key = outputVariableKey(result, name);
      const reason = rejectionReason(key, name, value, seen, redactor);
      if (reason) rejected.push({ key, reason });
      else variables.push({ key, value });
      seen.add(key);
    }
  }
  return { variables, rejected };
}

/**
 * Writes the variables file lines (when enabled) and outputs.json (when the shared storage
 * dir is set). Returns what was written; never rejects: a failure is a warning, because
 * results.json, not these conveniences, is the record of the run.
 */
export async function writeOutputs(options: WriteOutputsOptions): Promise<OutputsWritten> {
  const redactor = options.redactor ?? defaultRedactor;
  const { variables, rejected } = collectOutputVariables(options.results, redactor);
  const written: OutputsWritten = { keys: [] };
  if (options.enabled) {
    for (const r of rejected) options.log.warn(`output variable ${r.key} not written: ${r.reason}`);
    await appendVariables(options, variables, written);
  }
  if (options.sharedStorageDir) {
    const path = join(options.sharedStorageDir, SHARED_OUTPUTS_FILE);
    const document = {
      pipe_version: PIPE_VERSION,
      written_at: new Date(options.clock.now()).toISOString(),
      commit: options.commit ?? null,
      step_uuid: options.stepUuid ?? null,
      variables: Object.fromEntries(variables.map((v) => [v.key, v.value])),
      actions: options.results.map((r) => ({
        index: r.index,
        id: r.id ?? null,
        type: r.type,
        status: r.status,
        outputs: r.outputs,
      })),
    };
    try {
      await writeFileAtomic(path, `${JSON.stringify(redactor.redactDeep(document), null, 2)}\n`);
      written.outputsFile = path;
    } catch (error) {
      options.log.warn(`cannot write ${path}: ${describeFsError(error)}`);
    }
  }
  return written;
}

async function appendVariables(
  options: WriteOutputsOptions,
  variables: readonly OutputVariable[],
  written: OutputsWritten,
): Promise<void> {
  const path = options.variablesPath;
  if (!path) {
    options.log.warn(
      'OUTPUT_VARIABLES is true but BITBUCKET_PIPELINES_VARIABLES_PATH is not set: no output variables written',
    );
    return;
  }
  if (variables.length === 0) return;
  try {
    await mkdir(dirname(path), { recursive: true });
    await appendFile(path, variables.map((v) => `${v.key}=${v.value}\n`).join(''), 'utf8');
  } catch (error) {
    options.log.warn(`cannot append output variables to ${path}: ${describeFsError(error)}`);
    return;
  }
  written.keys = variables.map((v) => v.key);
  written.variablesFile = path;
  // Bitbucket only passes on variables the step declares; say which ones exist.
  options.log.info(
    `output variables written (declare them in the step's output-variables): ${written.keys.join(', ')}`,
  );
}

function scalarText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : undefined;
  if (typeof value === 'boolean') return String(value);
  return undefined;
}

function rejectionReason(
  key: string,
  name: string,
  value: string,
  seen: ReadonlySet<string>,
  redactor: Redactor,
): string | undefined {
  if (!KEY_PATTERN.test(key)) return 'not a valid variable name';
  if (key.startsWith('BITBUCKET_'))
    return 'names starting with BITBUCKET_ are reserved by Bitbucket';
  if (seen.has(key)) return 'another output has the same variable name';
  if (redactor.isSecretKey(name) || redactor.redact(value) !== value)
    return 'the value looks secret';
  if (hasControlCharacter(value)) return 'the value contains a line break or control character';
  return undefined;
}

/** True for C0 controls (newline, CR, tab, NUL, ESC…), DEL and the Unicode line separators. */
function hasControlCharacter(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code < 0x20 || code === 0x7f || LINE_SEPARATORS.has(code)) return true;
  }
  return false;
}

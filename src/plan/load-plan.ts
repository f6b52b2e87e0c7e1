import { LineCounter, parseDocument } from 'yaml';
import type { PlanSource } from '../config/types.js';
import { PipeError } from '../errors.js';
import { resolveInCloneDir } from '../util/clone-dir-path.js';
import { planInvalid, type PlanProblem } from './problems.js';
import { PlanSourceMap } from './source-map.js';

/**
 * Plans are a few kilobytes; a larger input is a mistake (a binary file, a log). The bound
 * also caps the YAML parser's duplicate-key check, which is quadratic in a mapping's size.
 */
export const MAX_PLAN_BYTES = 256 * 1024;
// Bounds alias expansion (a "billion laughs" document) when converting to plain values.
const MAX_ALIAS_COUNT = 100;

/** What reading ACTIONS_FILE needs; injected so tests use no disk. */
export interface LoadPlanDeps {
  /** Reads a UTF-8 file; rejects with a Node.js error (`code`: ENOENT, EACCES, …). */
  readFile(path: string): Promise<string>;
  /** Absolute clone dir; ACTIONS_FILE must stay inside it. */
  cloneDir: string;
}

/** A plan's YAML parsed into plain values, with the map back to lines and columns. */
export interface ParsedPlan {
  items: unknown[];
  sourceMap: PlanSourceMap;
}

/** Returns the name messages use for the plan: `ACTIONS` or the ACTIONS_FILE path as written. */
export function planSourceLabel(source: PlanSource): string {
  return source.kind === 'inline' ? source.variable : source.displayPath;
}

/**
 * Returns the plan's YAML text, from `ACTIONS` or read from `ACTIONS_FILE`.
 * @throws PipeError ERR_PLAN_INVALID when the file is outside the clone dir, missing,
 *   unreadable or too large.
 */
export async function loadPlanText(source: PlanSource, deps: LoadPlanDeps): Promise<string> {
  if (source.kind === 'inline') return checkSize(source.text, 'ACTIONS');
  const resolved = await resolveInCloneDir(deps.cloneDir, source.path);
  if (!resolved.ok && resolved.problem !== 'missing') {
    const how = resolved.problem === 'outside' ? 'is outside' : 'links to a file outside';
    throw new PipeError(
      'ERR_PLAN_INVALID',
      `ACTIONS_FILE ${source.displayPath} ${how} the clone dir ${deps.cloneDir}`,
      { hint: 'give ACTIONS_FILE as a path inside the repository, e.g. .databricks/release.yml' },
    );
  }
  // A path that does not resolve is read as written, so the read reports why it is missing.
  const fullPath = resolved.path;
  try {
    return checkSize(await deps.readFile(fullPath), `ACTIONS_FILE ${source.displayPath}`);
  } catch (error) {
    if (error instanceof PipeError) throw error;
    throw readFailure(source.displayPath, fullPath, error);
  }
}

function checkSize(text: string, what: string): string {
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > MAX_PLAN_BYTES) {
    throw new PipeError(
      'ERR_PLAN_INVALID',
      `${what} is ${bytes} bytes; a plan may be at most ${MAX_PLAN_BYTES} bytes`,
    );
  }
  return text;
}

function readFailure(displayPath: string, fullPath: string, error: unknown): PipeError {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const reason =
    code === 'ENOENT'
      ? 'does not exist'
      : code === 'EACCES' || code === 'EPERM'
        ? 'cannot be read (permission denied)'
        : code === 'EISDIR'
          ? 'is a directory, not a file'
          : `cannot be read (${code ?? (error instanceof Error ? error.message : String(error))})`;
  return new PipeError('ERR_PLAN_INVALID', `ACTIONS_FILE ${displayPath} ${reason}`, {
    hint: `the path resolves to ${fullPath}; paths are relative to BITBUCKET_CLONE_DIR`,
    cause: error,
  });
}

/**
 * Returns the plan parsed from YAML: a non-empty list, with positions kept for messages.
 * @throws PipeError ERR_PLAN_INVALID listing every YAML error with its line and column.
 */
export function parsePlanText(text: string, label: string): ParsedPlan {
  const lineCounter = new LineCounter();
  let doc: ReturnType<typeof parseDocument>;
  try {
    doc = parseDocument(text, { lineCounter, prettyErrors: false, merge: true });
  } catch (error) {
    // Pathological nesting can overflow the parser's stack outside its own error list.
    throw new PipeError('ERR_PLAN_INVALID', `${label} cannot be parsed as YAML`, {
      details: [firstLine(error instanceof Error ? error.message : String(error))],
      hint: 'a plan is a short YAML list of actions; check the file is the plan you meant',
    });
  }
  const sourceMap = new PlanSourceMap(doc, lineCounter, text);
  const problems: PlanProblem[] = doc.errors.map((e) => ({
    position: sourceMap.positionAt(e.pos[0]),
    path: '',
    message: `invalid YAML: ${firstLine(e.message)}`,
  }));
  if (problems.length > 0) throw planInvalid(label, problems);
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw planInvalid(label, [
      { position: { line: 1, col: 1 }, path: '', message: `invalid YAML: ${reason}` },
    ]);
  }
  if (!Array.isArray(value) || value.length === 0) {
    const position = sourceMap.positionOf(doc.contents);
    throw planInvalid(label, [{ position, path: '', message: notAListMessage(value) }]);
  }
  return { items: value, sourceMap };
}

function notAListMessage(value: unknown): string {
  if (value === null || value === undefined || Array.isArray(value)) {
    return 'the plan is empty: it must be a YAML list with at least one action, e.g. "- run_job: {job: my-job}"';
  }
  const got = typeof value === 'object' ? 'a mapping' : `a ${typeof value}`;
  return `the plan must be a YAML list of actions (got ${got}); start each action with "- "`;
}

function firstLine(message: string): string {
  return message.split('\n')[0]?.trim() ?? message;
}

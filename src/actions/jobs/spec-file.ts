/**
 * submit_run's `spec_file`: a runs/submit body in YAML or JSON, read from inside the clone
 * directory only. A plan is code from the repository, but it must not turn the pipe into a
 * reader of the runner's files (`../../etc/passwd`), symlinks included.
 */
import { readFile, stat } from 'node:fs/promises';
import { resolveInCloneDir } from '../../util/clone-dir-path.js';
import { parseDocument } from 'yaml';
import { PipeError } from '../../errors.js';

const MAX_SPEC_FILE_BYTES = 1024 * 1024;
const HINT = 'spec_file is a path relative to the clone directory (BITBUCKET_CLONE_DIR)';

/**
 * Returns the mapping the file holds.
 * @throws PipeError ERR_PLAN_INVALID when the path leaves the clone directory, the file is
 *   missing, too large or not a YAML/JSON mapping
 */
export async function readSpecFile(
  cloneDir: string,
  specFile: string,
): Promise<Record<string, unknown>> {
  const resolved = await resolveInCloneDir(cloneDir, specFile);
  if (!resolved.ok) throw invalid(specFile, PROBLEMS[resolved.problem](resolved.path));
  const real = resolved.path;
  const info = await stat(real);
  if (!info.isFile()) throw invalid(specFile, 'is not a file');
  if (info.size > MAX_SPEC_FILE_BYTES) {
    throw invalid(specFile, `is ${info.size} bytes; a runs/submit body is at most 1 MiB here`);
  }
  return parseSpec(specFile, await readFile(real, 'utf8'));
}

/**
 * Returns the mapping a YAML or JSON text holds (JSON is YAML).
 * @throws PipeError ERR_PLAN_INVALID with the line of the first syntax error
 */
export function parseSpec(specFile: string, text: string): Record<string, unknown> {
  const document = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  const [first] = document.errors;
  if (first) {
    const line = first.linePos?.[0].line;
    throw invalid(
      specFile,
      `is not valid YAML or JSON${line ? ` (line ${line})` : ''}: ${first.message.split('\n')[0] ?? ''}`,
    );
  }
  const value: unknown = document.toJS();
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalid(specFile, 'must hold a mapping (the runs/submit body: run_name, tasks, …)');
  }
  return value as Record<string, unknown>;
}

const PROBLEMS = {
  outside: () => 'is outside the clone directory',
  'links-outside': () => 'links to a file outside the clone directory',
  missing: (path: string) => `does not exist (looked for ${path})`,
} as const;

function invalid(specFile: string, problem: string): PipeError {
  return new PipeError('ERR_PLAN_INVALID', `spec_file "${specFile}" ${problem}`, { hint: HINT });
}

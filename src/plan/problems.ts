import { PipeError } from '../errors.js';
import type { SourcePosition } from './types.js';

/** One thing wrong with the plan, located in its YAML text. */
export interface PlanProblem {
  position: SourcePosition;
  /** Path from the plan's root, e.g. `[0].run_job.timeout` (empty for the whole plan). */
  path: string;
  message: string;
}

/** The path segments of a YAML node from the plan's root: keys and 0-based list indices. */
export type NodePath = readonly (string | number)[];

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
const PROBLEM_HINT =
  'fix every problem listed (line:column in the plan), then re-run; nothing was changed';

/** Returns a node path in the form users read: `[0].run_job.job_parameters["a.b"]`. */
export function formatNodePath(path: NodePath): string {
  let text = '';
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else if (IDENTIFIER.test(segment)) text += `.${segment}`;
    else text += `[${JSON.stringify(segment)}]`;
  }
  return text.startsWith('.') ? text.slice(1) : text;
}

/** Returns one problem as `<source>:<line>:<col> <path>: <message>`. */
export function formatProblem(source: string, problem: PlanProblem): string {
  const where = `${source}:${problem.position.line}:${problem.position.col}`;
  return problem.path === ''
    ? `${where} ${problem.message}`
    : `${where} ${problem.path}: ${problem.message}`;
}

/** Returns the problems in text order, without duplicates. */
export function sortProblems(problems: readonly PlanProblem[]): PlanProblem[] {
  const seen = new Set<string>();
  const unique = problems.filter((p) => {
    const key = `${p.position.line}:${p.position.col}:${p.path}:${p.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  return unique.sort(
    (a, b) => a.position.line - b.position.line || a.position.col - b.position.col,
  );
}

/**
 * Returns the error that reports every problem at once, one detail line each.
 * @throws never; the caller throws the returned ERR_PLAN_INVALID.
 */
export function planInvalid(source: string, problems: readonly PlanProblem[]): PipeError {
  const sorted = sortProblems(problems);
  const count = sorted.length === 1 ? '1 problem' : `${sorted.length} problems`;
  return new PipeError('ERR_PLAN_INVALID', `the plan in ${source} is invalid (${count})`, {
    details: sorted.map((p) => formatProblem(source, p)),
    hint: PROBLEM_HINT,
  });
}

/**
 * Returns a problem line for an action's `validate()`: `<JSON pointer in the body>: <message>`.
 * An empty pointer means the action body itself.
 */
export function specProblem(pointer: string, message: string): string {
  return `${pointer}: ${message}`;
}

/** Returns the body path segments and message of a `validate()` problem line. */
export function parseSpecProblem(line: string): { path: string[]; message: string } {
  const separator = line.indexOf(': ');
  const pointer = separator >= 0 ? line.slice(0, separator) : '';
  if (separator < 0 || (pointer !== '' && !pointer.startsWith('/'))) {
    return { path: [], message: line };
  }
  return { path: pointerSegments(pointer), message: line.slice(separator + 2) };
}

/** Returns the segments of a JSON pointer (`/tasks/0/task_key` → `tasks`, `0`, `task_key`). */
export function pointerSegments(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

import type { BitbucketContext } from '../config/types.js';

/** A `{{ bitbucket.<key> }}` key: the context field holding it and the variable it comes from. */
export interface BitbucketKey {
  field: Exclude<keyof BitbucketContext, 'cloneDir'>;
  variable: string;
}

/** The keys of `{{ bitbucket.<key> }}` (DESIGN §7.7). */
export const BITBUCKET_KEYS: Readonly<Record<string, BitbucketKey>> = {
  commit: { field: 'commit', variable: 'BITBUCKET_COMMIT' },
  branch: { field: 'branch', variable: 'BITBUCKET_BRANCH' },
  tag: { field: 'tag', variable: 'BITBUCKET_TAG' },
  repo: { field: 'repoFullName', variable: 'BITBUCKET_REPO_FULL_NAME' },
  repo_slug: { field: 'repoSlug', variable: 'BITBUCKET_REPO_SLUG' },
  workspace: { field: 'workspace', variable: 'BITBUCKET_WORKSPACE' },
  build_number: { field: 'buildNumber', variable: 'BITBUCKET_BUILD_NUMBER' },
  pipeline_uuid: { field: 'pipelineUuid', variable: 'BITBUCKET_PIPELINE_UUID' },
  step_uuid: { field: 'stepUuid', variable: 'BITBUCKET_STEP_UUID' },
  deployment_environment: {
    field: 'deploymentEnvironment',
    variable: 'BITBUCKET_DEPLOYMENT_ENVIRONMENT',
  },
  pr_id: { field: 'prId', variable: 'BITBUCKET_PR_ID' },
};

/**
 * Databricks' own dynamic value references (`{{job.run_id}}`, `{{tasks.train.values.auc}}`,
 * legacy `{{run_id}}`): they belong to the job run, so they pass through untouched.
 */
export const DATABRICKS_NAMESPACES: readonly string[] = [
  'job',
  'task',
  'tasks',
  'workspace',
  'backfill',
];
const DATABRICKS_LEGACY = [
  'job_id',
  'run_id',
  'parent_run_id',
  'start_date',
  'start_time',
  'task_retry_count',
  'task_key',
];

/** What a well-formed `{{ … }}` refers to. */
export type TemplateRef =
  | { kind: 'bitbucket'; key: string }
  | { kind: 'env'; name: string }
  | { kind: 'output'; id: string; output: string; field?: string }
  | { kind: 'databricks' };

/** One `{{ … }}` in a string: the reference it makes, or why it is malformed. */
export interface TemplateMatch {
  /** The template as written, braces included. */
  text: string;
  /** Offset of the template in the string. */
  index: number;
  ref?: TemplateRef;
  error?: string;
}

const TEMPLATE = /\{\{([^{}]*)\}\}/g;
const SEGMENT = /^[A-Za-z0-9_-]+$/;
const USAGE = 'use {{ bitbucket.<key> }}, {{ env.<NAME> }} or {{ <id>.<output> }}';

/** True when the string contains anything template-like (`{{`). */
export function hasTemplate(value: string): boolean {
  return value.includes('{{');
}

/** Returns every template in `value`, including malformed and unclosed ones. */
export function scanTemplates(value: string): TemplateMatch[] {
  const matches: TemplateMatch[] = [];
  for (const match of value.matchAll(TEMPLATE)) {
    matches.push({ text: match[0], index: match.index, ...parseExpression(match[1] ?? '') });
  }
  const rest = value.replace(TEMPLATE, (whole) => ' '.repeat(whole.length));
  const unclosed = rest.indexOf('{{');
  if (unclosed >= 0) {
    matches.push({
      text: '{{',
      index: unclosed,
      error: 'unclosed "{{": end the reference with "}}"',
    });
  }
  return matches;
}

/** Returns `value` with each well-formed template replaced by `replace(ref, text)`; the result is not re-scanned. */
export function replaceTemplates(
  value: string,
  replace: (ref: TemplateRef, text: string) => string,
): string {
  return value.replace(TEMPLATE, (whole, inner: string) => {
    const parsed = parseExpression(inner);
    if (!('ref' in parsed) || parsed.ref.kind === 'databricks') return whole;
    return replace(parsed.ref, whole);
  });
}

/** Returns the reference an expression (the text between the braces) makes, or the error. */
export function parseExpression(inner: string): { ref: TemplateRef } | { error: string } {
  const expression = inner.trim();
  if (expression === '') return { error: `empty template "{{${inner}}}"; ${USAGE}` };
  const segments = expression.split('.');
  const [head = '', second, third] = segments;
  if (
    DATABRICKS_NAMESPACES.includes(head) ||
    (segments.length === 1 && DATABRICKS_LEGACY.includes(head))
  ) {
    return { ref: { kind: 'databricks' } };
  }
  if (!segments.every((s) => SEGMENT.test(s)) || segments.length === 1 || second === undefined) {
    return { error: `"{{ ${expression} }}" is not a reference; ${USAGE}` };
  }
  if (head === 'bitbucket' || head === 'env') {
    if (segments.length !== 2)
      return {
        error: `"{{ ${expression} }}" has too many parts; use {{ ${head}.${head === 'env' ? '<NAME>' : '<key>'} }}`,
      };
    return head === 'env'
      ? { ref: { kind: 'env', name: second } }
      : { ref: { kind: 'bitbucket', key: second } };
  }
  if (segments.length > 3)
    return {
      error: `"{{ ${expression} }}" has too many parts; use {{ <id>.<output> }} or {{ <id>.task_outputs.<task_key> }}`,
    };
  const ref: TemplateRef = { kind: 'output', id: head, output: second };
  if (third !== undefined) ref.field = third;
  return { ref };
}

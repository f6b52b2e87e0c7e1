import { invalid } from './jobs-args.js';
import { sortByDependencies, dependencyKeys } from './jobs-factory.js';
import { TASK_TYPES, type TaskSettings } from './jobs-model.js';

/** Request validation for run-now and runs/submit, as strict as the Jobs service (reference §3.2–3.3). */

const MAX_IDEMPOTENCY_TOKEN_LENGTH = 64;
const MAX_LEGACY_PARAMS_BYTES = 10_000;
const TASK_KEY_PATTERN = /^[\w-]{1,100}$/;
const RUN_IF_VALUES = [
  'ALL_SUCCESS',
  'ALL_DONE',
  'NONE_FAILED',
  'AT_LEAST_ONE_SUCCESS',
  'ALL_FAILED',
  'AT_LEAST_ONE_FAILED',
];
/** `git_source.git_provider` values, matched case-insensitively (reference §3.3). */
export const GIT_PROVIDERS = [
  'gitHub',
  'bitbucketCloud',
  'azureDevOpsServices',
  'gitHubEnterprise',
  'bitbucketServer',
  'gitLab',
  'gitLabEnterpriseEdition',
  'awsCodeCommit',
];
/** Per-task parameters of run-now, deprecated in favour of job_parameters. */
export const LEGACY_PARAMS = [
  'notebook_params',
  'python_params',
  'python_named_params',
  'jar_params',
  'spark_submit_params',
  'sql_params',
  'dbt_commands',
] as const;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Returns the idempotency token when present.
 * @throws ApiError INVALID_PARAMETER_VALUE when it is not a string of at most 64 characters.
 */
export function checkIdempotencyToken(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw invalid('idempotency_token must be a string.');
  if (value.length > MAX_IDEMPOTENCY_TOKEN_LENGTH) {
    throw invalid(
      `idempotency_token must be at most ${MAX_IDEMPOTENCY_TOKEN_LENGTH} characters long, got ${value.length}.`,
    );
  }
  return value;
}

/** Returns a non-negative integer timeout in seconds (0 and absent mean none). */
export function checkTimeoutSeconds(value: unknown, field = 'timeout_seconds'): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw invalid(`${field} must be a non-negative integer.`);
  }
  return value === 0 ? undefined : value;
}

/** Returns the string map, refusing non-string values as proto3 JSON parsing does. */
export function checkStringMap(value: unknown, field: string): Record<string, string> | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isObject(value)) throw invalid(`${field} must be an object mapping names to strings.`);
  for (const [name, v] of Object.entries(value)) {
    if (typeof v !== 'string') throw invalid(`${field}.${name} must be a string.`);
  }
  return value as Record<string, string>;
}

/** Returns the legacy per-task parameters given, checked for type, size and combination. */
export function checkLegacyParams(body: Record<string, unknown>): Record<string, unknown> {
  const given: Record<string, unknown> = {};
  for (const name of LEGACY_PARAMS) {
    const value = body[name];
    if (value === undefined || value === null) continue;
    const isList =
      name.endsWith('_params') &&
      !['notebook_params', 'python_named_params', 'sql_params'].includes(name);
    if (isList || name === 'dbt_commands') {
      if (!Array.isArray(value) || value.some((v) => typeof v !== 'string'))
        throw invalid(`${name} must be a list of strings.`);
    } else {
      checkStringMap(value, name);
    }
    if (Buffer.byteLength(JSON.stringify(value)) > MAX_LEGACY_PARAMS_BYTES) {
      throw invalid(`${name} exceeds the maximum size of ${MAX_LEGACY_PARAMS_BYTES} bytes.`);
    }
    given[name] = value;
  }
  if (
    Array.isArray(given.python_params) &&
    given.python_params.some((p) => !/^[\x20-\x7e]*$/.test(String(p)))
  ) {
    throw invalid('python_params must contain only ASCII characters.');
  }
  if (given.jar_params && given.notebook_params)
    throw invalid('jar_params cannot be specified in conjunction with notebook_params.');
  return given;
}

/** Returns the `git_source`, checked: git_url, a known git_provider, exactly one reference. */
export function checkGitSource(value: unknown): Record<string, unknown> | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isObject(value)) throw invalid('git_source must be an object.');
  if (typeof value.git_url !== 'string' || value.git_url === '')
    throw invalid('git_source.git_url is required.');
  const provider = value.git_provider;
  if (typeof provider !== 'string' || provider === '')
    throw invalid('git_source.git_provider is required.');
  if (!GIT_PROVIDERS.some((p) => p.toLowerCase() === provider.toLowerCase())) {
    throw invalid(
      `Invalid git_provider: ${provider}. Supported values are ${GIT_PROVIDERS.join(', ')}.`,
    );
  }
  const refs = ['git_branch', 'git_tag', 'git_commit'].filter(
    (r) => value[r] !== undefined && value[r] !== null,
  );
  if (refs.length !== 1)
    throw invalid(
      'Exactly one of git_branch, git_tag or git_commit must be specified in git_source.',
    );
  const ref = refs[0] as string;
  if (typeof value[ref] !== 'string' || value[ref] === '')
    throw invalid(`git_source.${ref} must be a non-empty string.`);
  return value;
}

/**
 * Returns the tasks, each checked: a unique task_key, exactly one task type with its
 * required fields, known dependencies without cycles, a valid run_if.
 */
export function checkTasks(value: unknown, hasGitSource: boolean): TaskSettings[] {
  if (!Array.isArray(value) || value.length === 0)
    throw invalid('At least one task is required in tasks.');
  const keys = new Set<string>();
  const tasks = value.map((task, index) => checkTask(task, index, hasGitSource, keys));
  for (const task of tasks) {
    for (const dep of dependencyKeys(task)) {
      if (!keys.has(dep))
        throw invalid(`Task ${task.task_key} depends on ${dep}, which is not a task of this run.`);
      if (dep === task.task_key) throw invalid(`Task ${task.task_key} cannot depend on itself.`);
    }
  }
  if (!sortByDependencies(tasks)) throw invalid('The task dependencies contain a cycle.');
  return tasks;
}

function checkTask(
  task: unknown,
  index: number,
  hasGitSource: boolean,
  keys: Set<string>,
): TaskSettings {
  if (!isObject(task)) throw invalid(`tasks[${index}] must be an object.`);
  const key = task.task_key;
  if (typeof key !== 'string' || key === '') throw invalid(`tasks[${index}].task_key is required.`);
  if (!TASK_KEY_PATTERN.test(key))
    throw invalid(`Invalid task_key ${key}: use up to 100 letters, digits, '-' or '_'.`);
  if (keys.has(key)) throw invalid(`Duplicate task_key: ${key}.`);
  keys.add(key);
  const types = TASK_TYPES.filter((t) => task[t] !== undefined && task[t] !== null);
  if (types.length !== 1)
    throw invalid(`Task ${key} must specify exactly one task type, got ${types.length}.`);
  checkTaskType(key, types[0] as string, task[types[0] as string], hasGitSource);
  if (
    task.run_if !== undefined &&
    (typeof task.run_if !== 'string' || !RUN_IF_VALUES.includes(task.run_if))
  ) {
    throw invalid(`Task ${key} has an invalid run_if: ${JSON.stringify(task.run_if)}.`);
  }
  checkTimeoutSeconds(task.timeout_seconds, `tasks[${index}].timeout_seconds`);
  return task as TaskSettings;
}

const REQUIRED_FIELDS: Record<string, string[]> = {
  notebook_task: ['notebook_path'],
  spark_python_task: ['python_file'],
  python_wheel_task: ['package_name', 'entry_point'],
  spark_jar_task: ['main_class_name'],
  pipeline_task: ['pipeline_id'],
  run_job_task: ['job_id'],
};

function checkTaskType(key: string, type: string, spec: unknown, hasGitSource: boolean): void {
  if (!isObject(spec)) throw invalid(`Task ${key}: ${type} must be an object.`);
  for (const field of REQUIRED_FIELDS[type] ?? []) {
    if (spec[field] === undefined || spec[field] === '')
      throw invalid(`Task ${key}: ${type}.${field} is required.`);
  }
  if (spec.source !== undefined && spec.source !== 'GIT' && spec.source !== 'WORKSPACE') {
    throw invalid(`Task ${key}: ${type}.source must be GIT or WORKSPACE.`);
  }
  if (spec.source === 'GIT' && !hasGitSource) {
    throw invalid(`Task ${key} reads its source from Git, but git_source is not set.`);
  }
}

import { getMlflowRun } from './mlflow-store.js';
import type { EmulatorState } from './state.js';
import type { TaskCompletion, TaskHandler, TaskOutcome } from './types.js';
import { createUcModel, createUcVersion } from './uc-models.js';
import { canonicalUcName, isUcName, ucDenialMessage, ucState } from './uc-store.js';
import { findObject } from './workspace-store.js';

/**
 * The UC registration flow of DESIGN §3: the pipe uploads `register_model.py` and submits a
 * one-time run of it; when that task completes, this handler does what the script does in a
 * real workspace (`mlflow.register_model` against Unity Catalog) and prints the result line.
 */

export const REGISTER_SCRIPT = 'register_model.py';
/** The line the script prints last; the pipe reads the version from it in runs/get-output. */
export const RESULT_MARKER = 'DATABRICKS_ML_PIPE_RESULT';

interface RegistrationArgs {
  name: string;
  source: string;
  runId: string | undefined;
  tags: Record<string, string>;
}

/** Returns a failed outcome; with the script's path, a Python traceback as error_trace. */
function failed(error: string, scriptPath?: string): TaskOutcome {
  if (scriptPath === undefined) return { result: 'FAILED', error };
  const trace = [
    'Traceback (most recent call last):',
    `  File "${scriptPath}", line 1, in <module>`,
    error,
  ];
  return { result: 'FAILED', error, error_trace: trace.join('\n') };
}

function argValue(parameters: string[], flag: string): string | undefined {
  const i = parameters.indexOf(flag);
  return i >= 0 ? parameters[i + 1] : undefined;
}

/** Returns the script's arguments as argparse would read them, or its error text. */
function parseArguments(parameters: unknown): RegistrationArgs | string {
  const params = Array.isArray(parameters) ? parameters.map(String) : [];
  const name = argValue(params, '--name');
  const source = argValue(params, '--source');
  const missing = [
    name === undefined ? '--name' : '',
    source === undefined ? '--source' : '',
  ].filter(Boolean);
  if (name === undefined || source === undefined) {
    return `${REGISTER_SCRIPT}: error: the following arguments are required: ${missing.join(', ')}`;
  }
  const rawTags = argValue(params, '--tags') ?? '{}';
  let tags: unknown;
  try {
    tags = JSON.parse(rawTags);
  } catch {
    tags = undefined;
  }
  if (tags === null || typeof tags !== 'object' || Array.isArray(tags)) {
    return `${REGISTER_SCRIPT}: error: argument --tags: invalid loads value: '${rawTags}'`;
  }
  const stringTags = Object.fromEntries(Object.entries(tags).map(([k, v]) => [k, String(v)]));
  return { name, source, runId: argValue(params, '--run-id'), tags: stringTags };
}

/** Returns why MLflow could not read the model from `source`, if it could not. */
function sourceError(state: EmulatorState, source: string): string | undefined {
  const m = /^runs:\/([^/]+)\/?(.*)$/.exec(source);
  if (!m) return undefined;
  const [, runId = '', path = ''] = m;
  const run = getMlflowRun(state, runId);
  if (!run)
    return `mlflow.exceptions.RestException: RESOURCE_DOES_NOT_EXIST: Run with id=${runId} not found`;
  if (run.artifactPaths && !run.artifactPaths.includes(path.replace(/\/+$/, ''))) {
    return `mlflow.exceptions.MlflowException: Unable to find a logged model at '${source}'.`;
  }
  return undefined;
}

function register(
  state: EmulatorState,
  args: RegistrationArgs,
  principal: string | undefined,
  script: string,
): TaskOutcome {
  if (!isUcName(args.name)) {
    return failed(
      `mlflow.exceptions.MlflowException: '${args.name}' is not a three-level Unity Catalog model name.`,
      script,
    );
  }
  const fullName = canonicalUcName(args.name);
  const problem = sourceError(state, args.source);
  if (problem) return failed(problem, script);
  const existing = ucState(state).models.get(fullName);
  const denial =
    (existing ? undefined : ucDenialMessage(state, principal, 'create_model', fullName)) ??
    ucDenialMessage(state, principal, 'create_version', fullName);
  if (denial)
    return failed(`mlflow.exceptions.RestException: PERMISSION_DENIED: ${denial}`, script);
  const owner = principal ?? 'emulator-user@example.com';
  const model = existing ?? createUcModel(state, { full_name: fullName, owner });
  const mv = createUcVersion(state, model, {
    source: args.source,
    run_id: args.runId,
    tags: args.tags,
    created_by: owner,
    status: 'READY',
  });
  return { result: 'SUCCESS', logs: successLogs(fullName, mv.version, existing !== undefined) };
}

/** Returns what MLflow's `register_model` prints, then the result line the pipe parses. */
function successLogs(fullName: string, version: number, modelExisted: boolean): string {
  const result = JSON.stringify({ name: fullName, version: String(version) });
  return [
    modelExisted
      ? `Registered model '${fullName}' already exists. Creating a new version of this model...`
      : `Successfully registered model '${fullName}'.`,
    `Created version '${version}' of model '${fullName}'.`,
    `${RESULT_MARKER} ${result}`,
    '',
  ].join('\n');
}

function scriptOf(
  task: Record<string, unknown>,
): { path: string; parameters: unknown } | undefined {
  const python = task['spark_python_task'] as Record<string, unknown> | undefined;
  const path = python?.['python_file'];
  if (typeof path !== 'string' || !path.endsWith(`/${REGISTER_SCRIPT}`)) return undefined;
  if (python?.['source'] === 'GIT') return undefined; // a repo's own script, not the pipe's upload
  return { path, parameters: python?.['parameters'] };
}

/**
 * Returns the task handler for registration runs. It decides only tasks running a
 * workspace `register_model.py`, and decides each task run once: a run polled again (or a
 * handler consulted twice) gets the same outcome and creates no second version.
 */
export function ucRegistrationTaskHandler(state: EmulatorState): TaskHandler {
  return (completion: TaskCompletion) => {
    const script = scriptOf(completion.task);
    if (!script) return undefined;
    const done = ucState(state).registrations;
    const key = `${completion.runId}/${completion.taskRunId}`;
    const previous = done.get(key);
    if (previous) return previous;
    const file = findObject(state, script.path);
    let outcome: TaskOutcome;
    if (file?.object_type !== 'FILE') {
      outcome = failed(
        `Cannot read the python file ${script.path}. Please check driver logs for more details.`,
      );
    } else {
      const args = parseArguments(script.parameters);
      outcome =
        typeof args === 'string'
          ? failed(args, script.path)
          : register(state, args, completion.principal, script.path);
    }
    done.set(key, outcome);
    return outcome;
  };
}

const installed = new WeakSet<EmulatorState>();

/** Adds the registration handler to the workspace's task handlers (once per workspace). */
export function installUcRegistrationHandler(state: EmulatorState): void {
  if (installed.has(state)) return;
  installed.add(state);
  state.taskHandlers.push(ucRegistrationTaskHandler(state));
}

import { submitRun as submitRunCall, type SubmitRunRequest } from '../databricks/jobs.js';
import {
  countOf,
  durationSchema,
  exactlyOne,
  quoted,
  RUN_OUTPUTS,
  RUN_WAIT_OUTPUTS,
  WAIT_SCHEMA,
  waitPhrase,
} from '../plan/action-schema-parts.js';
import { specProblem } from '../plan/problems.js';
import {
  GIT_PROVIDERS,
  GIT_REFS,
  SUBMIT_BODY_PROPERTIES,
  type GitSource,
  type SubmitTask,
} from '../plan/submit-body-schema.js';
import { markedRunName, orphanMarker } from './jobs/orphan-marker.js';
import { submitRunSearch } from './jobs/orphans.js';
import { isSubmitPreparation, prepareSubmit } from './jobs/prepare-submit.js';
import { runAndWait } from './jobs/run-and-wait.js';
import type { ActionContext, ActionDefinition, ActionOutputs } from './types.js';

// ─── Schema (plan) ─────────────────────────────────────────────────────────────────────────
// The body of `submit_run:`: a jobs/runs/submit body (SUBMIT_BODY_PROPERTIES, shared with
// spec_file checks) plus wait, timeout, spec_file and `git_source: auto`.

/** A schema-valid `submit_run` body (defaults applied). */
export type SubmitRunSpec = {
  run_name?: string;
  tasks?: SubmitTask[];
  git_source?: 'auto' | GitSource;
  environments?: { environment_key: string }[];
  spec_file?: string;
  /** Defaulted to true by the schema. */
  wait: boolean;
  timeout?: string;
} & Record<string, unknown>;

/** JSON Schema of the `submit_run` body. */
export const SUBMIT_RUN_SCHEMA: Record<string, unknown> = {
  type: 'object',
  description: 'Submit a one-time run (jobs/runs/submit) from an inline spec or spec_file.',
  additionalProperties: false,
  properties: {
    ...SUBMIT_BODY_PROPERTIES,
    spec_file: {
      type: 'string',
      minLength: 1,
      description:
        'YAML or JSON file (relative to the clone dir) with the runs/submit body; fields set here override it.',
    },
    wait: WAIT_SCHEMA,
    // Accepted by the schema (deprecated: not listed as valid) only so that validate() can
    // explain that the pipe sets them.
    timeout_seconds: { deprecated: true, description: 'Not allowed: set from timeout.' },
    idempotency_token: { deprecated: true, description: 'Not allowed: set by the pipe.' },
    timeout: durationSchema(
      'Client-side wait and the server-side timeout_seconds (default WAIT_TIMEOUT).',
    ),
  },
};

function validateSubmitRun(spec: SubmitRunSpec): string[] {
  const problems = exactlyOne(spec, ['tasks', 'spec_file']);
  if (spec['timeout_seconds'] !== undefined) {
    problems.push(
      specProblem(
        '/timeout_seconds',
        'is set by the pipe from timeout; write e.g. "timeout: 30m" instead',
      ),
    );
  }
  if (spec['idempotency_token'] !== undefined) {
    problems.push(
      specProblem(
        '/idempotency_token',
        'is set by the pipe (from pipeline, step and action); remove it',
      ),
    );
  }
  const git = spec.git_source;
  if (typeof git === 'object' && git !== null && !Array.isArray(git)) {
    problems.push(...validateGitSource(git));
  }
  if (Array.isArray(spec.tasks)) problems.push(...validateTasks(spec.tasks, spec.environments));
  return problems;
}

function validateGitSource(git: GitSource): string[] {
  const problems: string[] = [];
  const provider =
    typeof git.git_provider === 'string' ? git.git_provider.toLowerCase() : undefined;
  const isKnown = (name: string): boolean => GIT_PROVIDERS.some((p) => p.toLowerCase() === name);
  if (provider !== undefined && !provider.includes('{{') && !isKnown(provider)) {
    problems.push(
      specProblem('/git_source/git_provider', `must be one of ${GIT_PROVIDERS.join(', ')}`),
    );
  }
  const refs = GIT_REFS.filter((r) => git[r] !== undefined);
  if (refs.length !== 1) {
    problems.push(
      specProblem(
        '/git_source',
        `set exactly one of ${GIT_REFS.join(', ')}${refs.length > 1 ? ` (found ${refs.join(' and ')})` : ''}`,
      ),
    );
  }
  return problems;
}

function validateTasks(tasks: SubmitTask[], environments: SubmitRunSpec['environments']): string[] {
  const problems: string[] = [];
  const keys = tasks.map((t) => (typeof t?.task_key === 'string' ? t.task_key : undefined));
  const envKeys = Array.isArray(environments) ? environments.map((e) => e?.environment_key) : [];
  tasks.forEach((task, i) => {
    const first = keys.indexOf(keys[i]);
    if (keys[i] !== undefined && first !== i) {
      problems.push(
        specProblem(
          `/tasks/${i}/task_key`,
          `duplicate task_key "${keys[i]}" (also tasks[${first}])`,
        ),
      );
    }
    (Array.isArray(task?.depends_on) ? task.depends_on : []).forEach((dep, j) => {
      if (typeof dep?.task_key === 'string' && !keys.includes(dep.task_key)) {
        problems.push(
          specProblem(
            `/tasks/${i}/depends_on/${j}/task_key`,
            `no task has task_key "${dep.task_key}" (tasks: ${[...new Set(keys)].join(', ')})`,
          ),
        );
      }
    });
    if (typeof task?.environment_key === 'string' && !envKeys.includes(task.environment_key)) {
      problems.push(
        specProblem(
          `/tasks/${i}/environment_key`,
          `no entry of environments has environment_key "${task.environment_key}"`,
        ),
      );
    }
  });
  return problems;
}

function describeSubmitRun(spec: SubmitRunSpec): string {
  const name = spec.run_name === undefined ? '' : ` ${quoted(spec.run_name)}`;
  const from = spec.spec_file === undefined ? '' : ` from ${spec.spec_file}`;
  const details: string[] = [];
  if (Array.isArray(spec.tasks)) details.push(countOf(spec.tasks.length, 'task'));
  if (spec.git_source === 'auto') details.push('this repo at the commit');
  else if (spec.git_source) details.push(`git ${spec.git_source.git_url}`);
  const detail = details.length > 0 ? ` (${details.join(', ')})` : '';
  return `submit one-time run${name}${from}${detail}${waitPhrase(spec.wait, spec.timeout)}`;
}

// ─── Run (jobs) ────────────────────────────────────────────────────────────────────────────

// The merged body (spec_file under inline fields) gets the same checks as an inline one.
const validateMergedBody = (body: Record<string, unknown>): string[] =>
  validateSubmitRun({ ...body, wait: true });

async function runSubmitRun(spec: SubmitRunSpec, ctx: ActionContext): Promise<ActionOutputs> {
  // The preflight prepared the body unless the spec depends on an earlier action's output.
  const prepared = isSubmitPreparation(ctx.resolved)
    ? ctx.resolved
    : await prepareSubmit(ctx, spec, validateMergedBody);
  const name = typeof prepared.body.run_name === 'string' ? prepared.body.run_name : 'Untitled';
  // The marker in the run name lets a re-run of this step find the run (ON_ORPHAN).
  const marker = orphanMarker(ctx.bitbucket, ctx.action);
  const body: SubmitRunRequest = {
    ...prepared.body,
    ...(marker === undefined ? {} : { run_name: markedRunName(name, marker) }),
    idempotency_token: ctx.idempotencyToken,
  };
  return runAndWait(ctx, {
    subject: `one-time run "${name}"`,
    trigger: {
      operation: 'jobs.runs.submit',
      target: `run-name:${name}`,
      request: auditedSubmit(body),
      send: async (signal, token) =>
        (await submitRunCall(ctx.api, { ...body, idempotency_token: token }, { signal })).run_id,
    },
    wait: spec.wait !== false,
    timeoutMs: prepared.timeoutMs,
    orphans: marker === undefined ? undefined : submitRunSearch(marker),
  });
}

// What was submitted, without the task bodies (parameters may hold anything).
function auditedSubmit(body: SubmitRunRequest): Record<string, unknown> {
  return {
    run_name: body.run_name,
    tasks: body.tasks.map((task) => task['task_key']),
    ...(body.git_source ? { git_source: body.git_source } : {}),
    timeout_seconds: body.timeout_seconds,
    idempotency_token: body.idempotency_token,
  };
}

/** `submit_run`: jobs/runs/submit of an inline spec or spec_file, then wait (DESIGN §3). */
export const submitRun: ActionDefinition<SubmitRunSpec> = {
  type: 'submit_run',
  schema: SUBMIT_RUN_SCHEMA,
  outputs: RUN_OUTPUTS,
  waitOutputs: RUN_WAIT_OUTPUTS,
  isNoWait: (spec) => spec.wait === false,
  validate: validateSubmitRun,
  describe: describeSubmitRun,
  preflight: (spec, ctx) => prepareSubmit(ctx, spec, validateMergedBody),
  run: runSubmitRun,
};

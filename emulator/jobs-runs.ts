import type { EmuRequest, EmuResponse, Router } from './router.js';
import type { EmulatorState } from './state.js';
import {
  bodyOf,
  boolQuery,
  intField,
  invalid,
  limitOf,
  offsetOf,
  pageToken,
  requireId,
  type JobsVersion,
} from './jobs-args.js';
import { advanceAllRuns, advanceRun, cancelRun } from './jobs-lifecycle.js';
import { isFinal, runPhase } from './jobs-phase.js';
import { jobsState, type EmuRun, type EmuTaskRun } from './jobs-model.js';
import { renderRun, renderTask } from './jobs-views.js';

/** jobs/runs/get, get-output, cancel and list (reference §3.4–3.6). */

const MAX_RUNS_LIMIT = 25;
const DEFAULT_RUNS_LIMIT = 20;
const TASKS_PAGE_SIZE = 100;
const MULTI_TASK_OUTPUT_REFUSAL =
  'Retrieving the output of runs with multiple tasks is not supported. Please retrieve the output of each individual task run instead.';
const PYTHON_TASK_TYPES = [
  'spark_python_task',
  'python_wheel_task',
  'spark_jar_task',
  'spark_submit_task',
];

/** Registers the runs routes of one API version. */
export function registerRunsRoutes(
  router: Router,
  state: EmulatorState,
  version: JobsVersion,
): void {
  const base = `/api/${version}/jobs/runs`;
  router.add('GET', `${base}/get`, (req) => getRun(state, req, version));
  router.add('GET', `${base}/get-output`, (req) => getOutput(state, req));
  router.add('POST', `${base}/cancel`, (req) => cancel(state, req));
  router.add('GET', `${base}/list`, (req) => listRuns(state, req));
}

interface Located {
  run: EmuRun;
  task?: EmuTaskRun;
}

/**
 * Returns the run (or task run) with this id, advanced to now.
 * @throws ApiError 400 INVALID_PARAMETER_VALUE "Run <id> does not exist."
 */
export function locateRun(state: EmulatorState, runId: number): Located {
  const jobs = jobsState(state);
  const run = jobs.runs.get(runId) ?? jobs.taskRuns.get(runId);
  if (!run) throw invalid(`Run ${runId} does not exist.`);
  advanceRun(state, run, state.clock.now());
  const task = run.run_id === runId ? undefined : run.tasks.find((t) => t.run_id === runId);
  return task ? { run, task } : { run };
}

function taskAsRun(
  state: EmulatorState,
  run: EmuRun,
  task: EmuTaskRun,
  now: number,
): Record<string, unknown> {
  return {
    job_id: run.job_id,
    run_name: run.run_name,
    run_type: run.run_type,
    ...renderTask(state, run, task, now),
  };
}

function getRun(state: EmulatorState, req: EmuRequest, version: JobsVersion): EmuResponse {
  const { run, task } = locateRun(state, requireId(req.query.get('run_id'), 'run_id'));
  const now = state.clock.now();
  if (task) return { status: 200, body: taskAsRun(state, run, task, now) };
  if (version === '2.1') return { status: 200, body: renderRun(state, run, now) };
  const offset = offsetOf(req.query.get('page_token'));
  const page = run.tasks.slice(offset, offset + TASKS_PAGE_SIZE);
  const body = renderRun(state, run, now, page);
  // Later pages carry only the next slice of each array (reference §3.1).
  if (offset > 0) delete body.job_parameters;
  const next = offset + TASKS_PAGE_SIZE;
  return {
    status: 200,
    body: { ...body, ...(next < run.tasks.length ? { next_page_token: pageToken(next) } : {}) },
  };
}

function getOutput(state: EmulatorState, req: EmuRequest): EmuResponse {
  const { run, task } = locateRun(state, requireId(req.query.get('run_id'), 'run_id'));
  if (!task) throw invalid(MULTI_TASK_OUTPUT_REFUSAL);
  const now = state.clock.now();
  const outcome = task.end?.outcome;
  const isPython = PYTHON_TASK_TYPES.some((t) => task.settings[t] !== undefined);
  const body: Record<string, unknown> = { metadata: taskAsRun(state, run, task, now) };
  if (task.settings.notebook_task !== undefined) {
    body.notebook_output =
      outcome?.notebook_result !== undefined
        ? { result: outcome.notebook_result, truncated: false }
        : {};
  }
  if (isPython && outcome?.logs !== undefined)
    Object.assign(body, { logs: outcome.logs, logs_truncated: false });
  if (task.end && task.end.result !== 'SUCCESS') {
    body.error = outcome?.error ?? defaultError(task);
    if (outcome?.error_trace !== undefined) body.error_trace = outcome.error_trace;
  }
  return { status: 200, body };
}

function defaultError(task: EmuTaskRun): string {
  switch (task.end?.how) {
    case 'user-cancel':
      return 'Run cancelled.';
    case 'run-timeout':
    case 'task-timeout':
      return 'Run timed out.';
    case 'not-run':
      return 'Upstream task(s) failed.';
    case 'skipped':
      return 'Run skipped: the job reached its maximum concurrent runs.';
    case 'completed':
    case undefined:
      return 'Workload failed, see run output for details';
  }
}

function cancel(state: EmulatorState, req: EmuRequest): EmuResponse {
  const { run } = locateRun(state, requireId(bodyOf(req).run_id, 'run_id'));
  cancelRun(state, run, state.clock.now());
  return { status: 200, body: {} };
}

function listRuns(state: EmulatorState, req: EmuRequest): EmuResponse {
  const activeOnly = boolQuery(req, 'active_only') ?? false;
  const completedOnly = boolQuery(req, 'completed_only') ?? false;
  if (activeOnly && completedOnly)
    throw invalid('active_only and completed_only cannot both be true.');
  const limit = limitOf(req, MAX_RUNS_LIMIT, DEFAULT_RUNS_LIMIT);
  const offset = offsetOf(req.query.get('page_token'));
  const jobId = intField(req.query.get('job_id'), 'job_id');
  const from = intField(req.query.get('start_time_from'), 'start_time_from');
  const to = intField(req.query.get('start_time_to'), 'start_time_to');
  const runType = req.query.get('run_type');
  const now = state.clock.now();
  advanceAllRuns(state, now);
  const matching = [...jobsState(state).runs.values()]
    .filter((r) => jobId === undefined || r.job_id === jobId)
    .filter((r) => !runType || r.run_type === runType)
    .filter(
      (r) => (from === undefined || r.createdAt >= from) && (to === undefined || r.createdAt <= to),
    )
    .filter((r) => {
      const isDone = isFinal(runPhase(r, now));
      return activeOnly ? !isDone : completedOnly ? isDone : true;
    })
    .sort((a, b) => b.createdAt - a.createdAt || b.run_id - a.run_id);
  const expandTasks = boolQuery(req, 'expand_tasks') ?? false;
  const page = matching.slice(offset, offset + limit);
  const hasMore = offset + limit < matching.length;
  return {
    status: 200,
    body: {
      ...(page.length
        ? { runs: page.map((r) => renderRun(state, r, now, expandTasks ? r.tasks : false)) }
        : {}),
      has_more: hasMore,
      ...(hasMore ? { next_page_token: pageToken(offset + limit) } : {}),
      ...(offset > 0 ? { prev_page_token: pageToken(Math.max(0, offset - limit)) } : {}),
    },
  };
}

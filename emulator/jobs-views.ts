import type { EmulatorState } from './state.js';
import { runPhase, taskPhase, workStartOf, type Phase } from './jobs-phase.js';
import type { EmuRun, EmuTaskRun, ResultState, TaskEnd } from './jobs-model.js';

/**
 * JSON renderings of runs and task runs exactly as Jobs 2.1/2.2 answer them: the legacy
 * `state` and the newer `status` side by side (reference §3.4).
 */

type Json = Record<string, unknown>;

const WORKLOAD_FAILED = 'Workload failed, see run output for details';

/** Returns `<workspace>/?o=<workspace-id>#job/<job_id>/run/<run_id>`. */
export function runPageUrl(state: EmulatorState, jobId: number, runId: number): string {
  return `${state.baseUrl}/?o=${state.workspaceId}#job/${jobId}/run/${runId}`;
}

interface Termination {
  code: string;
  type: 'SUCCESS' | 'CLIENT_ERROR' | 'INTERNAL_ERROR' | 'CLOUD_FAILURE';
  message: string;
}

function termination(result: ResultState, how: TaskEnd['how'], message: string): Termination {
  if (how === 'skipped')
    return { code: 'MAX_CONCURRENT_RUNS_EXCEEDED', type: 'CLIENT_ERROR', message };
  if (how === 'user-cancel') return { code: 'USER_CANCELED', type: 'SUCCESS', message };
  if (how === 'run-timeout' || how === 'task-timeout')
    return { code: 'CANCELED', type: 'CLIENT_ERROR', message };
  if (how === 'not-run')
    return { code: 'SKIPPED', type: result === 'EXCLUDED' ? 'SUCCESS' : 'CLIENT_ERROR', message };
  if (result === 'SUCCESS') return { code: 'SUCCESS', type: 'SUCCESS', message };
  if (result === 'SUCCESS_WITH_FAILURES')
    return { code: 'SUCCESS_WITH_FAILURES', type: 'SUCCESS', message };
  if (result === 'CANCELED') return { code: 'CANCELED', type: 'CLIENT_ERROR', message };
  return { code: 'RUN_EXECUTION_ERROR', type: 'CLIENT_ERROR', message };
}

const PHASE_MESSAGES: Record<'PENDING' | 'RUNNING' | 'TERMINATING', string> = {
  PENDING: 'Waiting for cluster',
  RUNNING: 'In run',
  TERMINATING: '',
};

type End = { result: ResultState; how: TaskEnd['how'] };

/** Returns `{state, status}` for a phase; terminal ones carry result and termination details. */
function stateAndStatus(
  phase: Phase,
  end: End | undefined,
  message: string,
  maxConcurrent: number,
): Json {
  if (phase === 'QUEUED') {
    const text = `Queued due to reaching maximum concurrent runs of ${maxConcurrent}.`;
    return {
      state: { life_cycle_state: 'QUEUED', state_message: text, user_cancelled_or_timedout: false },
      status: {
        state: 'QUEUED',
        queue_details: { code: 'MAX_CONCURRENT_RUNS_REACHED', message: text },
      },
    };
  }
  if ((phase !== 'TERMINATED' && phase !== 'SKIPPED') || !end) {
    const text = phase === 'TERMINATED' || phase === 'SKIPPED' ? '' : PHASE_MESSAGES[phase];
    return {
      state: { life_cycle_state: phase, state_message: text, user_cancelled_or_timedout: false },
      status: { state: phase },
    };
  }
  const stopped =
    end.how === 'user-cancel' || end.how === 'run-timeout' || end.how === 'task-timeout';
  return {
    state: {
      life_cycle_state: phase,
      result_state: end.result,
      state_message: message,
      user_cancelled_or_timedout: stopped,
    },
    status: { state: 'TERMINATED', termination_details: termination(end.result, end.how, message) },
  };
}

const SKIPPED_MESSAGE = (max: number): string =>
  `Skipping this run because the limit of ${max} maximum concurrent runs has been reached.`;

function taskMessage(run: EmuRun, task: EmuTaskRun): string {
  const end = task.end;
  if (!end) return '';
  switch (end.how) {
    case 'skipped':
      return SKIPPED_MESSAGE(run.maxConcurrentRuns);
    case 'completed':
      return end.result === 'SUCCESS' ? '' : WORKLOAD_FAILED;
    case 'task-timeout':
      return `Task ${task.task_key} timed out.`;
    case 'run-timeout':
      return 'Run timed out.';
    case 'user-cancel':
      return 'Run cancelled.';
    case 'not-run':
      return end.result === 'EXCLUDED'
        ? 'Task was excluded: its run_if condition was not met.'
        : 'Upstream task(s) failed.';
  }
}

function runMessage(run: EmuRun): string {
  if (run.how === 'skipped') return SKIPPED_MESSAGE(run.maxConcurrentRuns);
  if (run.how === 'user-cancel') return 'Run cancelled.';
  if (run.how === 'run-timeout') return 'Run timed out.';
  if (run.result === 'SUCCESS') return '';
  const failed = run.tasks.find(
    (t) => t.end && (t.end.result === 'FAILED' || t.end.result === 'TIMEDOUT'),
  );
  if (!failed) return '';
  return `Task ${failed.task_key} failed with message: ${taskMessage(run, failed)}. This caused all downstream tasks to get skipped.`;
}

/** Run timings in epoch ms / ms; a multi-task run reports its total as `run_duration`. */
function runTimings(run: EmuRun, isDone: boolean, now: number): Json {
  const workStart = workStartOf(run);
  const dequeuedAt = run.dequeuedAt ?? now;
  return {
    start_time: run.createdAt,
    end_time: isDone ? run.endAt : 0,
    queue_duration: Math.max(0, dequeuedAt - run.createdAt),
    setup_duration:
      run.dequeuedAt === undefined ? 0 : Math.min(run.pendingMs, Math.max(0, now - run.dequeuedAt)),
    execution_duration: run.workEndAt !== undefined ? Math.max(0, run.workEndAt - workStart) : 0,
    cleanup_duration:
      isDone && run.workEndAt !== undefined && run.endAt !== undefined
        ? run.endAt - run.workEndAt
        : 0,
    run_duration: isDone && run.endAt !== undefined ? run.endAt - run.createdAt : 0,
  };
}

/** Returns the `RunTask` object for one task of a run. */
export function renderTask(state: EmulatorState, run: EmuRun, task: EmuTaskRun, now: number): Json {
  const phase = taskPhase(run, task, now);
  const settings: Record<string, unknown> = { ...task.settings };
  delete settings.task_key;
  const started = task.startAt !== undefined && now >= task.startAt ? task.startAt : undefined;
  const isStopped =
    task.end !== undefined && task.end.how !== 'completed' && task.end.how !== 'task-timeout';
  const endAt = phase === 'TERMINATED' ? (isStopped ? run.endAt : task.endAt) : undefined;
  return {
    run_id: task.run_id,
    task_key: task.task_key,
    ...settings,
    ...stateAndStatus(phase, task.end, taskMessage(run, task), run.maxConcurrentRuns),
    run_page_url: runPageUrl(state, run.job_id, task.run_id),
    attempt_number: 0,
    start_time: started ?? 0,
    end_time: endAt ?? 0,
    setup_duration: 0,
    execution_duration:
      started !== undefined && task.endAt !== undefined ? task.endAt - started : 0,
    cleanup_duration: 0,
  };
}

/** Returns the `Run` object; `tasks` limits which task runs are included (all by default). */
export function renderRun(
  state: EmulatorState,
  run: EmuRun,
  now: number,
  tasks: EmuTaskRun[] | false = run.tasks,
): Json {
  const phase = runPhase(run, now);
  const end = run.result && run.how ? { result: run.result, how: run.how } : undefined;
  const isDone = phase === 'TERMINATED' || phase === 'SKIPPED';
  return {
    job_id: run.job_id,
    run_id: run.run_id,
    number_in_job: run.number_in_job,
    original_attempt_run_id: run.run_id,
    creator_user_name: run.creator,
    run_name: run.run_name,
    run_type: run.run_type,
    ...(run.run_type === 'JOB_RUN' ? { trigger: 'ONE_TIME' } : {}),
    ...stateAndStatus(phase, end, runMessage(run), run.maxConcurrentRuns),
    ...runTimings(run, isDone, now),
    run_page_url: runPageUrl(state, run.job_id, run.run_id),
    attempt_number: 0,
    format: 'MULTI_TASK',
    ...(tasks ? { tasks: tasks.map((t) => renderTask(state, run, t, now)) } : {}),
    ...pick(run.request, ['job_parameters', 'overriding_parameters', 'git_source']),
  };
}

function pick(source: Record<string, unknown>, keys: string[]): Json {
  const out: Json = {};
  for (const key of keys) if (source[key] !== undefined) out[key] = source[key];
  return out;
}

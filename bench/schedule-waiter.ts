/**
 * The pipe's waiting schedule driven by the benchmark itself, for as long as the pipe's
 * `run_job` cannot wait end to end: trigger with run-now, read the job's recent runs once
 * (runs/list) for the prediction, then look with runs/get at the gaps `nextPollDelayMs` gives.
 * Every figure it yields is labelled "pipe schedule, bench-driven" in the report.
 */
import type { Clock } from '../src/clock.js';
import {
  nextPollDelayMs,
  predictDuration,
  type DurationPrediction,
  type PastRun,
} from '../src/actions/jobs/poll-schedule.js';

export interface ScheduleWaitOptions {
  host: string;
  token: string;
  jobId: number;
  clock: Clock;
  /** Read the job's history for a prediction (the pipe does); false = plain backoff. */
  usePrediction: boolean;
  timeoutMs: number;
}

const TERMINAL = new Set(['TERMINATED', 'SKIPPED', 'INTERNAL_ERROR']);

/** Returns the run id once a runs/get shows the run ended. */
export async function waitWithSchedule(options: ScheduleWaitOptions): Promise<number> {
  const { clock } = options;
  const { run_id: runId } = (await call(options, 'POST', '/api/2.2/jobs/run-now', {
    job_id: options.jobId,
  })) as { run_id: number };
  const prediction = options.usePrediction ? await predictionFor(options) : undefined;
  const started = clock.now();
  for (;;) {
    const run = (await call(options, 'GET', `/api/2.2/jobs/runs/get?run_id=${runId}`)) as {
      state?: { life_cycle_state?: string };
    };
    if (TERMINAL.has(run.state?.life_cycle_state ?? '')) return runId;
    const elapsed = clock.now() - started;
    if (elapsed > options.timeoutMs) throw new Error(`run ${runId} still running after timeout`);
    await clock.sleep(nextPollDelayMs(elapsed, prediction));
  }
}

async function predictionFor(
  options: ScheduleWaitOptions,
): Promise<DurationPrediction | undefined> {
  const path = `/api/2.2/jobs/runs/list?job_id=${options.jobId}&completed_only=true&limit=25`;
  const { runs = [] } = (await call(options, 'GET', path)) as {
    runs?: Array<PastRun & { state?: { result_state?: string } }>;
  };
  // The schedule reads a flat result_state; the API nests it under `state`.
  return predictDuration(runs.map((run) => ({ ...run, result_state: run.state?.result_state })));
}

async function call(
  options: ScheduleWaitOptions,
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
): Promise<unknown> {
  const response = await fetch(`${options.host}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${options.token}`,
      'content-type': 'application/json',
      'user-agent': 'databricks-ml-pipe-bench/schedule',
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}`);
  return response.json();
}

/**
 * Benchmark 2, waiting side by side: the same emulated job waited on by the pipe and by the
 * official Databricks Python SDK; requests while waiting and notice delay, from the emulator's
 * request log. Real time where it fits, shared virtual time for both clients where it does not.
 */
import type { Emulator } from '../emulator/index.js';
import { systemClock } from '../src/clock.js';
import { predictDuration } from '../src/actions/jobs/poll-schedule.js';
import { addTimedJob, apiRunOf, runEndedAt, startBenchEmulator } from './bench-emulator.js';
import { runPipeInProcess, runPipeProcess, pipeEnv, tail } from './pipe-client.js';
import { startControlServer, waitWithSdk } from './sdk-client.js';
import { waitWithSchedule } from './schedule-waiter.js';
import { analyzeWait, type WaitFigures } from './wait-analysis.js';
import { modelPipe, modelSdk, type ModelSummary } from './wait-model.js';
import type { VirtualTime } from './virtual-time.js';

export type WaitClient = 'pipe' | 'pipe-no-history' | 'sdk';

/** How the pipe side is driven: the real pipe, or its schedule driven by the bench. */
export type PipeDriver = 'pipe' | 'schedule';

export interface WaitCase {
  label: string;
  durationMs: number;
  virtual: boolean;
  trials: number;
}

export interface WaitRow {
  case: WaitCase;
  client: WaitClient;
  driver: PipeDriver | 'sdk';
  trials: WaitFigures[];
  errors: string[];
  model: ModelSummary;
}

// Recent runs vary by a few percent; the trials land inside that spread.
const HISTORY_SHARES = [0.94, 0.97, 1, 1.03, 1.06];
const TRIAL_SHARES = [1, 0.98, 1.02, 0.96, 1.04, 0.99, 1.01, 0.97, 1.03];
const WAIT_TIMEOUT_S = 3 * 3600;
let jobCounter = 0;

interface Ctx {
  python: string | undefined;
  driver: PipeDriver;
}

/** Returns one row per client for the case. */
export async function benchWaitCase(c: WaitCase, ctx: Ctx): Promise<WaitRow[]> {
  const clients: WaitClient[] = ctx.python
    ? ['pipe', 'pipe-no-history', 'sdk']
    : ['pipe', 'pipe-no-history'];
  const history = HISTORY_SHARES.map((s) => Math.round(s * c.durationMs));
  const rows = clients.map((client) => newRow(c, client, ctx.driver, history));
  const jobs = rows.flatMap((row) =>
    Array.from({ length: c.trials }, (_, i) => ({
      row,
      totalMs: Math.round((TRIAL_SHARES[i % TRIAL_SHARES.length] ?? 1) * c.durationMs),
    })),
  );
  if (c.virtual) {
    for (const job of jobs) await oneTrial(job.row, job.totalMs, history, ctx);
  } else {
    const bench = await startBenchEmulator(false);
    try {
      await Promise.all(
        jobs.map((job) => oneTrial(job.row, job.totalMs, history, ctx, bench.emulator)),
      );
    } finally {
      await bench.close();
    }
  }
  return rows;
}

function newRow(c: WaitCase, client: WaitClient, driver: PipeDriver, history: number[]): WaitRow {
  const prediction = predictDuration(
    history.map((ms) => ({ result_state: 'SUCCESS', run_duration: ms })),
  );
  const model =
    client === 'sdk'
      ? modelSdk(c.durationMs)
      : modelPipe(c.durationMs, client === 'pipe' ? prediction : undefined);
  return {
    case: c,
    client,
    driver: client === 'sdk' ? 'sdk' : driver,
    trials: [],
    errors: [],
    model,
  };
}

async function oneTrial(
  row: WaitRow,
  totalMs: number,
  history: number[],
  ctx: Ctx,
  shared?: Emulator,
): Promise<void> {
  const bench = shared ? undefined : await startBenchEmulator(row.case.virtual);
  const emulator = shared ?? bench?.emulator;
  if (!emulator) return;
  try {
    const name = `bench-${row.client}-${++jobCounter}`;
    const jobId = addTimedJob(
      emulator,
      name,
      totalMs,
      row.client === 'pipe-no-history' ? [] : history,
    );
    const token = emulator.addPat();
    await runClient(row, emulator, jobId, token, ctx, bench?.time);
    const runId = apiRunOf(emulator, jobId);
    const endAt = runId === undefined ? undefined : runEndedAt(emulator, runId);
    const tokenId = emulator.tokenIdOf(token);
    if (runId === undefined || endAt === undefined || tokenId === undefined) {
      row.errors.push(`${row.client}: no ended run for job ${jobId}`);
      return;
    }
    const figures = analyzeWait(emulator.requests, { tokenId, runId, endAt });
    if (typeof figures === 'string') row.errors.push(figures);
    else row.trials.push(figures);
  } catch (error) {
    row.errors.push(`${row.client}: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    await bench?.close();
  }
}

async function runClient(
  row: WaitRow,
  emulator: Emulator,
  jobId: number,
  token: string,
  ctx: Ctx,
  time: VirtualTime | undefined,
): Promise<void> {
  if (row.client === 'sdk') {
    if (!ctx.python) throw new Error('no python SDK');
    const control = time ? await startControlServer(time) : undefined;
    try {
      const { python } = ctx;
      await waitWithSdk({
        python,
        host: emulator.url,
        token,
        jobId,
        timeoutS: WAIT_TIMEOUT_S,
        ...(control ? { controlUrl: control.url } : {}),
      });
    } finally {
      await control?.close();
    }
    return;
  }
  const clock = time?.clock() ?? systemClock();
  if (ctx.driver === 'schedule') {
    await waitWithSchedule({
      host: emulator.url,
      token,
      jobId,
      clock,
      usePrediction: row.client === 'pipe',
      timeoutMs: WAIT_TIMEOUT_S * 1000,
    });
    return;
  }
  const env = pipeEnv(emulator.url, token, `- run_job: { job: ${jobId}, timeout: 3h }\n`);
  const outcome = time ? await runPipeInProcess(env, clock) : await runPipeProcess(env);
  if (outcome.exitCode !== 0)
    throw new Error(`pipe exited ${outcome.exitCode}:\n${tail(outcome.output)}`);
}

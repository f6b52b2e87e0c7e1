/**
 * The wait loop: polls runs/get on the schedule of poll-schedule.ts until the run ends, the
 * client timeout passes or the action's signal aborts. It only watches and tells the story
 * (each state change once, a heartbeat every minute); cancelling is the caller's decision.
 */
import { formatDuration } from '../../config/parsers.js';
import type { Run } from '../../databricks/jobs.js';
import type { ActionContext } from '../types.js';
import { nextPollDelayMs, type DurationPrediction } from './poll-schedule.js';
import { isTerminal, isWaitingInLine, stateLabel, stateMessage } from './run-state.js';
import { runWatchFor, type RunWatch } from './run-watch.js';

/** A heartbeat per minute of wall time, whatever the polling does. */
export const HEARTBEAT_MS = 60_000;

export interface WaitOptions {
  runId: number;
  /** The run as last read (after the trigger). */
  run: Run;
  timeoutMs: number;
  prediction?: DurationPrediction | undefined;
}

/** How a wait ended; `run` is the last state read. */
export type WaitOutcome =
  { kind: 'ended'; run: Run } | { kind: 'timed-out'; run: Run } | { kind: 'aborted'; run: Run };

interface Loop {
  run: Run;
  startedAt: number;
  deadline: number;
  /** Where a prediction counts from: the wait's start, or when the run left the queue. */
  origin: number;
  nextHeartbeatAt: number;
  lastLabel: string | undefined;
  wasInLine: boolean;
  /** The delay before the latest poll: a poll that far apart accepts a sweep half as old. */
  pollDelayMs: number;
}

/**
 * Returns how the wait ended. Errors of runs/get other than a cancellation propagate.
 * @throws PipeError from the API client
 */
export async function waitForRun(ctx: ActionContext, options: WaitOptions): Promise<WaitOutcome> {
  // Runs of one job waited on together are read together (run-watch.ts).
  const watch = runWatchFor(ctx.api, ctx.clock);
  const release = watch.watch(options.run, ctx.clock.now());
  try {
    return await waitLoop(ctx, options, watch);
  } finally {
    release();
  }
}

async function waitLoop(
  ctx: ActionContext,
  options: WaitOptions,
  watch: RunWatch,
): Promise<WaitOutcome> {
  const now = ctx.clock.now();
  const loop: Loop = {
    run: options.run,
    startedAt: now,
    deadline: now + options.timeoutMs,
    origin: now,
    nextHeartbeatAt: now + HEARTBEAT_MS,
    lastLabel: undefined,
    wasInLine: false,
    pollDelayMs: 0,
  };
  for (;;) {
    report(ctx, options.runId, loop);
    if (isTerminal(loop.run)) return { kind: 'ended', run: loop.run };
    const isInLine = isWaitingInLine(loop.run);
    if (loop.wasInLine && !isInLine) loop.origin = leftQueueAt(loop, ctx.clock.now());
    loop.wasInLine = isInLine;
    const woke = await sleepUntilNextPoll(ctx, loop, options);
    if (woke === 'aborted') return { kind: 'aborted', run: loop.run };
    const polled = await poll(ctx, watch, options, loop);
    if (polled === 'aborted') return { kind: 'aborted', run: loop.run };
    if (woke === 'deadline' && !isTerminal(loop.run)) {
      report(ctx, options.runId, loop);
      return { kind: 'timed-out', run: loop.run };
    }
  }
}

/** Sleeps until the next poll is due (heartbeats on the way); 'deadline' when time is up. */
async function sleepUntilNextPoll(
  ctx: ActionContext,
  loop: Loop,
  options: WaitOptions,
): Promise<'poll' | 'deadline' | 'aborted'> {
  const { clock } = ctx;
  // While the run waits in line the prediction says nothing about when it ends; once it has
  // left, the prediction counts from then. Without one, the backoff counts from the start.
  const prediction = loop.wasInLine ? undefined : options.prediction;
  const since = prediction ? loop.origin : loop.startedAt;
  loop.pollDelayMs = nextPollDelayMs(clock.now() - since, prediction);
  const pollAt = clock.now() + loop.pollDelayMs;
  for (;;) {
    const wakeAt = Math.min(pollAt, loop.nextHeartbeatAt, loop.deadline);
    try {
      const ms = wakeAt - clock.now();
      if (ms > 0) await clock.sleep(ms, ctx.signal);
      else if (ctx.signal.aborted) return 'aborted';
    } catch {
      return 'aborted';
    }
    const now = clock.now();
    if (now >= loop.nextHeartbeatAt) heartbeat(ctx, options, loop, now);
    if (now >= loop.deadline) return 'deadline';
    if (now >= pollAt) return 'poll';
  }
}

/**
 * Returns when the run left the queue: the wait's start plus the run's `queue_duration` (a
 * server duration, so no clock skew enters), or now when the server gives none.
 */
function leftQueueAt(loop: Loop, now: number): number {
  const queued = loop.run.queue_duration;
  return queued !== undefined && queued > 0 ? Math.min(now, loop.startedAt + queued) : now;
}

async function poll(
  ctx: ActionContext,
  watch: RunWatch,
  options: WaitOptions,
  loop: Loop,
): Promise<'ok' | 'aborted'> {
  try {
    const jobId = loop.run.job_id ?? options.run.job_id;
    loop.run = await watch.read(options.runId, jobId, {
      signal: ctx.signal,
      maxAgeMs: loop.pollDelayMs / 2,
    });
    return 'ok';
  } catch (error) {
    if (ctx.signal.aborted) return 'aborted';
    throw error;
  }
}

function report(ctx: ActionContext, runId: number, loop: Loop): void {
  const label = stateLabel(loop.run);
  if (label === loop.lastLabel) return;
  loop.lastLabel = label;
  const message = stateMessage(loop.run);
  const elapsed = formatDuration(ctx.clock.now() - loop.startedAt);
  ctx.log.info(`run ${runId} is ${label}${message ? `: ${message}` : ''} (${elapsed})`);
}

function heartbeat(ctx: ActionContext, options: WaitOptions, loop: Loop, now: number): void {
  loop.nextHeartbeatAt = now + HEARTBEAT_MS;
  const elapsed = formatDuration(now - loop.startedAt);
  const { prediction } = options;
  const expected = !prediction
    ? ''
    : now - loop.origin > prediction.latestMs
      ? `; longer than recent runs (at most ${formatDuration(prediction.latestMs)})`
      : `; recent runs took about ${formatDuration(prediction.expectedMs)}`;
  ctx.log.info(`run ${options.runId} still ${stateLabel(loop.run)} after ${elapsed}${expected}`);
}

/**
 * Reading the states of many runs of one job at once (issue #9, fan-out). A `parallel` group
 * waiting on 100 runs of one job would ask runs/get 100 times a round: more than the rate limit
 * lets through (15/s), so each run would be looked at only every ~7 s and the last one noticed
 * late. Once BATCH_MIN or more runs of a job are being waited on, one runs/list sweep (the
 * job's runs since the earliest watched start, RUNS_PAGE to a request) reads them all, and a
 * poll within SWEEP_FRESH_MS of the last sweep is answered without a request. Sweeps ask for
 * the runs' tasks (expand_tasks), so a run the sweep shows ended is the whole run the action
 * reports; only when runs/list cut its arrays short (`has_more`) is it read again with runs/get.
 */
import type { ApiClient } from '../../databricks/types.js';
import { getRun, listRuns, type CallOptions, type Run } from '../../databricks/jobs.js';
import type { Clock } from '../../clock.js';
import { untilAborted } from '../../util/abort.js';
import { isTerminal } from './run-state.js';

/** Runs of one job waited on at once from which a sweep costs fewer requests than polls. */
export const BATCH_MIN = 3;
/**
 * How old a sweep may be and still answer a poll, at least: well under the shortest poll
 * interval (2 s). A waiter that polls rarely (far from the predicted end) accepts older ones.
 */
export const SWEEP_FRESH_MS = 1_000;
/** runs/list's largest page. */
export const RUNS_PAGE = 25;
/**
 * How far before a wait began its run may have started, when the run has no start_time yet:
 * our clock and the workspace's differ, and a sweep that starts too late misses the run.
 */
const START_MARGIN_MS = 5 * 60_000;

/** The runs this process waits on, and one reader of their states. */
export interface RunWatch {
  /** Registers a wait on `run` (of `run.job_id`); returns the function that ends it. */
  watch(run: Pick<Run, 'run_id' | 'job_id' | 'start_time'>, since: number): () => void;
  /**
   * Returns the run's current state: from a shared sweep when its job has BATCH_MIN watched
   * runs, else from runs/get. A run that has ended is always the full runs/get answer.
   * @throws PipeError from the API client
   */
  read(runId: number, jobId: number | undefined, options?: ReadOptions): Promise<Run>;
}

export interface ReadOptions extends CallOptions {
  /** The oldest sweep (ms) this read accepts; SWEEP_FRESH_MS at least. */
  maxAgeMs?: number;
}

interface JobGroup {
  /** Watched run id → earliest moment it can have started (epoch ms). */
  watched: Map<number, number>;
  latest?: { at: number; runs: Map<number, Run> };
  sweeping?: Promise<Map<number, Run>> | undefined;
}

const watches = new WeakMap<ApiClient, RunWatch>();

/** Returns the run watch of one API client (one per invocation), creating it on first use. */
export function runWatchFor(api: ApiClient, clock: Clock): RunWatch {
  let watch = watches.get(api);
  if (!watch) watches.set(api, (watch = createRunWatch(api, clock)));
  return watch;
}

/** Returns a new run watch reading through `api`. */
export function createRunWatch(api: ApiClient, clock: Clock): RunWatch {
  const groups = new Map<number, JobGroup>();

  const sweep = async (jobId: number, group: JobGroup): Promise<Map<number, Run>> => {
    const at = clock.now();
    const from = Math.min(...group.watched.values());
    const found = new Map<number, Run>();
    const wanted = new Set(group.watched.keys());
    let pageToken: string | undefined;
    // Pages run newest first; stop once every watched run is seen. The bound keeps a busy
    // job (other pipelines' runs in between) from turning one sweep into many requests.
    const maxPages = Math.ceil(wanted.size / RUNS_PAGE) + 2;
    for (let page = 0; page < maxPages; page++) {
      const res = await listRuns(api, {
        job_id: jobId,
        start_time_from: from,
        limit: RUNS_PAGE,
        expand_tasks: true,
        ...(pageToken ? { page_token: pageToken } : {}),
      });
      for (const run of res.runs ?? []) {
        found.set(run.run_id, run);
        wanted.delete(run.run_id);
      }
      pageToken = res.next_page_token;
      if (wanted.size === 0 || !pageToken || !res.has_more) break;
    }
    group.latest = { at, runs: found };
    return found;
  };

  const fromSweep = async (
    jobId: number,
    group: JobGroup,
    runId: number,
    maxAgeMs: number,
  ): Promise<Run | undefined> => {
    const latest = group.latest;
    if (latest && clock.now() - latest.at <= maxAgeMs && latest.runs.has(runId)) {
      return latest.runs.get(runId);
    }
    if (!group.sweeping) {
      group.sweeping = sweep(jobId, group).finally(() => {
        group.sweeping = undefined;
      });
    }
    return (await group.sweeping).get(runId);
  };

  return {
    watch(run, since) {
      const jobId = run.job_id;
      if (jobId === undefined) return () => undefined;
      const group = groups.get(jobId) ?? { watched: new Map<number, number>() };
      groups.set(jobId, group);
      group.watched.set(run.run_id, run.start_time ?? since - START_MARGIN_MS);
      return () => {
        group.watched.delete(run.run_id);
        if (group.watched.size === 0) groups.delete(jobId);
      };
    },
    async read(runId, jobId, options = {}) {
      const group = jobId === undefined ? undefined : groups.get(jobId);
      if (jobId === undefined || !group || group.watched.size < BATCH_MIN) {
        return getRun(api, runId, options);
      }
      let seen: Run | undefined;
      try {
        const maxAgeMs = Math.max(SWEEP_FRESH_MS, options.maxAgeMs ?? 0);
        // A sweep is shared: this waiter's cancellation stops only its own wait (untilAborted).
        seen = await untilAborted(fromSweep(jobId, group, runId, maxAgeMs), options.signal);
      } catch (error) {
        // A failed sweep is not this run's failure: runs/get answers for it (or fails for it).
        if (options.signal?.aborted) throw error;
      }
      return seen && (!isTerminal(seen) || isWhole(seen)) ? seen : getRun(api, runId, options);
    },
  };
}

/** True when a listed run carries everything runs/get would: its tasks, none cut off. */
function isWhole(run: Run): boolean {
  return Array.isArray(run.tasks) && (run as { has_more?: unknown }).has_more !== true;
}

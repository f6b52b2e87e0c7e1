/**
 * Emulators as the benchmarks use them: on real time, or on a {@link VirtualTime} that only
 * moves while no request is in flight, with the emulated job every waiting client shares.
 */
import { startEmulator, type Emulator, type HistoryRun } from '../emulator/index.js';
import { jobsState } from '../emulator/jobs-model.js';
import { VirtualTime } from './virtual-time.js';

/** An emulator, and the virtual time it runs on when it does. */
export interface BenchEmulator {
  emulator: Emulator;
  time?: VirtualTime;
  close(): Promise<void>;
}

/** Returns a started emulator; with `virtual`, on driven virtual time. */
export async function startBenchEmulator(virtual: boolean): Promise<BenchEmulator> {
  if (!virtual) {
    const emulator = await startEmulator({ issuer: false });
    return { emulator, close: () => emulator.close() };
  }
  let requests: Emulator['requests'] = [];
  let settled = 0;
  const isBusy = (): boolean => {
    while (settled < requests.length && requests[settled]?.status !== 0) settled++;
    return requests.slice(settled).some((r) => r.status === 0);
  };
  const time = new VirtualTime({ isBusy });
  const emulator = await startEmulator({ issuer: false, clock: { now: () => time.now() } });
  requests = emulator.requests;
  emulator.state.onTick.push(() => time.touch());
  const stop = time.drive();
  return {
    emulator,
    time,
    close: async () => {
      stop();
      await emulator.close();
    },
  };
}

// The emulated run life cycle around the work: PENDING before, TERMINATING after.
const PENDING_MS = 1_000;
const TERMINATING_MS = 500;

/**
 * A job whose runs take `totalMs` from trigger to TERMINATED, with past successful runs of
 * these durations; `maxConcurrentRuns` above 1 lets runs go at once instead of queueing.
 */
export function addTimedJob(
  emulator: Emulator,
  name: string,
  totalMs: number,
  history: readonly number[],
  maxConcurrentRuns = 1,
): number {
  const past: HistoryRun[] = history.map((durationMs) => ({ durationMs }));
  return emulator.addJob({
    name,
    pendingMs: PENDING_MS,
    durationMs: Math.max(1, totalMs - PENDING_MS - TERMINATING_MS),
    history: past,
    settings: { max_concurrent_runs: maxConcurrentRuns },
  });
}

/** Returns the emulator time the run became TERMINATED, if it has. */
export function runEndedAt(emulator: Emulator, runId: number): number | undefined {
  emulator.runs.get(runId); // advances the run to now
  return jobsState(emulator.state).runs.get(runId)?.endAt;
}

/** Returns the id of the run an API call started for the job (the newest). */
export function apiRunOf(emulator: Emulator, jobId: number): number | undefined {
  return emulator.runs.list({ jobId })[0]?.runId;
}

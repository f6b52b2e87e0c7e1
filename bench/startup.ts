/**
 * Benchmark 1, startup: `node dist/pipe.js` exiting on a validation error, and the time from
 * spawn to the pipe's first request reaching the emulator, each against `node -e 0` measured
 * in the same interleaved rounds.
 */
import { spawn } from 'node:child_process';
import { startEmulator, type Emulator } from '../emulator/index.js';
import { PIPE_BUNDLE, pipeEnv } from './pipe-client.js';
import { roundOrder, timeProcess, type Variant } from './spawn-timer.js';
import { median, ratio } from './stats.js';

export interface StartupFigures {
  runs: number;
  bareNodeMs: number[];
  validationFailureMs: number[];
  firstRequestMs: number[];
  /** A bare `node -e "fetch(...)"` to the same emulator: the floor for a first request. */
  bareFetchMs: number[];
  /** The pipe's first request (method and path), for the report. */
  firstRequest: string;
  validationRatio: number;
  firstRequestRatio: number;
}

const BARE: Variant = { name: 'node -e 0', command: process.execPath, args: ['-e', '0'] };
const VALIDATION: Variant = {
  name: 'pipe, no variables',
  command: process.execPath,
  args: [PIPE_BUNDLE],
  expectedExit: 2,
};

// Monotonic and sub-millisecond: the emulator stamps each request with it.
const preciseNow = (): number => performance.timeOrigin + performance.now();

/** Returns the startup figures from `runs` interleaved rounds (after 2 warm-up rounds). */
export async function benchStartup(runs: number): Promise<StartupFigures> {
  const emulator = await startEmulator({ issuer: false, clock: { now: preciseNow } });
  try {
    const jobId = emulator.addJob({ name: 'bench-startup', durationMs: 60_000 });
    const env = pipeEnv(emulator.url, emulator.addPat(), `- run_job: { job: bench-startup }\n`);
    const figures = {
      bare: [] as number[],
      validation: [] as number[],
      first: [] as number[],
      fetch: [] as number[],
    };
    let firstRequest = '';
    const steps: Array<(keep: boolean) => Promise<void>> = [
      async (keep) => keepIf(keep, figures.bare, await timeProcess(BARE)),
      async (keep) => keepIf(keep, figures.validation, await timeProcess(VALIDATION)),
      async (keep) => {
        const { ms, request } = await timeToFirstRequest(emulator, [PIPE_BUNDLE], env);
        firstRequest = request;
        keepIf(keep, figures.first, ms);
      },
      async (keep) => {
        const script = `fetch(${JSON.stringify(`${emulator.url}/api/2.2/jobs/get?job_id=${jobId}`)}).catch(()=>{})`;
        keepIf(keep, figures.fetch, (await timeToFirstRequest(emulator, ['-e', script], {})).ms);
      },
    ];
    for (let round = -2; round < runs; round++) {
      for (const index of roundOrder(steps.length, round + 2)) await steps[index]?.(round >= 0);
    }
    return {
      runs,
      bareNodeMs: figures.bare,
      validationFailureMs: figures.validation,
      firstRequestMs: figures.first,
      bareFetchMs: figures.fetch,
      firstRequest,
      validationRatio: ratio(median(figures.validation), median(figures.bare)),
      firstRequestRatio: ratio(median(figures.first), median(figures.bare)),
    };
  } finally {
    await emulator.close();
  }
}

function keepIf(keep: boolean, into: number[], value: number): void {
  if (keep) into.push(value);
}

/**
 * Returns ms from spawn to the first request the emulator logs from the child, then kills the
 * child (it would go on to run the plan).
 */
async function timeToFirstRequest(
  emulator: Emulator,
  args: string[],
  env: Record<string, string>,
): Promise<{ ms: number; request: string }> {
  const before = emulator.requests.length;
  const started = preciseNow();
  const child = spawn(process.execPath, args, {
    env: { PATH: process.env['PATH'] ?? '', ...env },
    stdio: 'ignore',
  });
  const exited = new Promise<void>((ok) => child.on('exit', () => ok()));
  const deadline = performance.now() + 30_000;
  while (emulator.requests.length === before && performance.now() < deadline) {
    await new Promise((ok) => setTimeout(ok, 1));
  }
  const first = emulator.requests[before];
  child.kill('SIGKILL');
  await exited;
  if (!first) throw new Error(`no request within 30 s from node ${args.join(' ')}`);
  return { ms: first.time - started, request: `${first.method} ${first.path}` };
}

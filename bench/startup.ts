/**
 * Benchmark 1, startup: `node dist/pipe.js` exiting on a validation error, and the time from
 * spawn to the pipe's first request reaching the emulator, each against `node -e 0` measured
 * in the same interleaved rounds.
 *
 * The validation failure runs as a Bitbucket step runs the pipe: in a clone directory of its
 * own (BITBUCKET_CLONE_DIR), where no results file exists yet. A second figure, without a
 * target, runs it where an earlier run left its results.json: replacing an existing file
 * through rename costs this machine's ext4 about 1–2 ms more, measured.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator, type Emulator } from '../emulator/index.js';
import { PIPE_BUNDLE, pipeEnv } from './pipe-client.js';
import { roundOrder, timeProcess, type Variant } from './spawn-timer.js';
import { pairedRatio } from './stats.js';

export interface StartupFigures {
  runs: number;
  bareNodeMs: number[];
  /** Each in a fresh clone directory, as a step. */
  validationFailureMs: number[];
  /** Each in the same directory, replacing the results.json of the run before. */
  validationRewriteMs: number[];
  firstRequestMs: number[];
  /** A bare `node -e "fetch(...)"` to the same emulator: the floor for a first request. */
  bareFetchMs: number[];
  /** The pipe's first request (method and path), for the report. */
  firstRequest: string;
  validationRatio: number;
  validationRewriteRatio: number;
  firstRequestRatio: number;
}

const BARE: Variant = { name: 'node -e 0', command: process.execPath, args: ['-e', '0'] };
/** The pipe with no variables (exit 2), in clone directory `cloneDir`. */
function validation(cloneDir: string): Variant {
  return {
    name: 'pipe, no variables',
    command: process.execPath,
    args: [PIPE_BUNDLE],
    env: { PATH: process.env['PATH'] ?? '', BITBUCKET_CLONE_DIR: cloneDir },
    expectedExit: 2,
  };
}

// Monotonic and sub-millisecond: the emulator stamps each request with it.
const preciseNow = (): number => performance.timeOrigin + performance.now();

/** Returns the startup figures from `runs` interleaved rounds (after 2 warm-up rounds). */
export async function benchStartup(runs: number): Promise<StartupFigures> {
  const emulator = await startEmulator({ issuer: false, clock: { now: preciseNow } });
  const clones = mkdtempSync(join(tmpdir(), 'dmp-bench-startup-'));
  const reused = join(clones, 'reused');
  mkdirSync(reused);
  try {
    const jobId = emulator.addJob({ name: 'bench-startup', durationMs: 60_000 });
    const env = pipeEnv(emulator.url, emulator.addPat(), `- run_job: { job: bench-startup }\n`);
    const figures = {
      bare: [] as number[],
      validation: [] as number[],
      rewrite: [] as number[],
      first: [] as number[],
      fetch: [] as number[],
    };
    let firstRequest = '';
    const steps: Array<(keep: boolean) => Promise<void>> = [
      async (keep) => keepIf(keep, figures.bare, await timeProcess(BARE)),
      async (keep) => {
        // Made before the clock starts, like the clone a step starts in.
        const fresh = mkdtempSync(join(clones, 'step-'));
        keepIf(keep, figures.validation, await timeProcess(validation(fresh)));
        rmSync(fresh, { recursive: true, force: true });
      },
      async (keep) => keepIf(keep, figures.rewrite, await timeProcess(validation(reused))),
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
      validationRewriteMs: figures.rewrite,
      firstRequestMs: figures.first,
      bareFetchMs: figures.fetch,
      firstRequest,
      validationRatio: pairedRatio(figures.validation, figures.bare),
      validationRewriteRatio: pairedRatio(figures.rewrite, figures.bare),
      firstRequestRatio: pairedRatio(figures.first, figures.bare),
    };
  } finally {
    await emulator.close();
    rmSync(clones, { recursive: true, force: true });
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

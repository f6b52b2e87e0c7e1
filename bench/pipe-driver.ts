/**
 * Whether the pipe's own `run_job` can wait end to end yet. If it can, the waiting benchmark
 * runs the pipe; if not, it drives the pipe's poll schedule itself and says so in every row.
 */
import { addTimedJob, startBenchEmulator } from './bench-emulator.js';
import { pipeEnv, runPipeProcess, tail } from './pipe-client.js';
import type { PipeDriver } from './waiting.js';

export interface DriverChoice {
  driver: PipeDriver;
  /** Why the schedule is driven by the bench, when it is. */
  reason?: string;
}

/** Returns 'pipe' when `node dist/pipe.js` triggers and waits for a short run successfully. */
export async function detectPipeDriver(): Promise<DriverChoice> {
  const bench = await startBenchEmulator(false);
  try {
    const jobId = addTimedJob(bench.emulator, 'bench-probe', 2_000, []);
    const env = pipeEnv(
      bench.emulator.url,
      bench.emulator.addPat(),
      `- run_job: { job: ${jobId} }\n`,
    );
    const outcome = await runPipeProcess(env);
    if (outcome.exitCode === 0) return { driver: 'pipe' };
    return {
      driver: 'schedule',
      reason: `run_job exited ${outcome.exitCode}: ${tail(outcome.output, 2)}`,
    };
  } finally {
    await bench.close();
  }
}

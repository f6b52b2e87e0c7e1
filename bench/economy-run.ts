/**
 * Benchmark 5, request economy: the README's example plan (train, register the best run of
 * this commit, set alias champion — scripts/demo.ts's plan) run by `node dist/pipe.js` with
 * Bitbucket OIDC against a workspace seeded as the demo seeds it; its requests by endpoint.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readmePipelineEnv, seedReadmeWorkspace } from '../emulator/demo-scenario.js';
import { startEmulator } from '../emulator/index.js';
import { analyzeEconomy, type EconomyFigures } from './economy.js';
import { runPipeProcess, tail } from './pipe-client.js';

export interface EconomyRun extends EconomyFigures {
  exitCode: number;
  /** The pipe's last log lines when it did not succeed. */
  failure?: string;
}

/** Returns the economy of one invocation of the README plan. */
export async function benchEconomy(): Promise<EconomyRun> {
  const emulator = await startEmulator();
  try {
    const commit = randomBytes(20).toString('hex');
    seedReadmeWorkspace(emulator, commit);
    const env = {
      PATH: process.env['PATH'] ?? '',
      ...(await readmePipelineEnv(
        emulator,
        commit,
        mkdtempSync(join(tmpdir(), 'databricks-ml-pipe-economy-')),
      )),
    };
    const outcome = await runPipeProcess(env);
    // The pipe's own requests: everything but the scenario's, which the emulator never logs.
    const figures = analyzeEconomy(emulator.requests);
    return {
      ...figures,
      exitCode: outcome.exitCode,
      ...(outcome.exitCode === 0 ? {} : { failure: tail(outcome.output, 12) }),
    };
  } finally {
    await emulator.close();
  }
}

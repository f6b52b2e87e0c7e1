/**
 * One chaos run: a fresh emulator and Bitbucket issuer on a virtual clock shared with the pipe,
 * the scenario's workspace seeded, canaries planted in every credential variable (the pipe
 * authenticates with an issuer-minted step token), the schedule's faults armed, then main()
 * in-process. Returns everything the invariants need, the emulator still open for inspection.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { authState } from '../../../emulator/auth.js';
import { startEmulator, type Emulator } from '../../../emulator/index.js';
import { plantCanaries, type Canaries } from '../../support/canary.js';
import { readEvidence, type Evidence } from '../../support/evidence-check.js';
import { runPipe, type PipeRun } from '../../support/run-pipe.js';
import { createVirtualClock } from '../../support/virtual-clock.js';
import type { FaultSchedule } from './schedule.js';
import type { Scenario, Seeded } from './scenarios.js';

/** Bitbucket's variables of the step every chaos run plays. */
export const CHAOS_STEP_ENV: Readonly<Record<string, string>> = {
  BITBUCKET_COMMIT: '7c0ffee5eed0000000000000000000000000c4a5',
  BITBUCKET_BRANCH: 'main',
  BITBUCKET_REPO_FULL_NAME: 'acme/churn',
  BITBUCKET_GIT_HTTP_ORIGIN: 'http://bitbucket.org/acme/churn',
  BITBUCKET_PIPELINE_UUID: '{c4a05000-0000-4000-8000-000000000001}',
  BITBUCKET_STEP_UUID: '{c4a05000-0000-4000-8000-000000000002}',
  BITBUCKET_BUILD_NUMBER: '7',
};
// Step tokens live an hour; chaos runs may pass hours of virtual time in retries and waits.
const STEP_TOKEN_LIFETIME_S = 12 * 3600;

/** What one chaos run leaves for the checks; call `close()` when done. */
export interface ChaosRun {
  emu: Emulator;
  run: PipeRun;
  evidence: Evidence;
  seeded: Seeded;
  canaries: Canaries;
  /** Every OAuth access token the emulator issued: secrets the pipe held. */
  issuedTokens: string[];
  close(): Promise<void>;
}

/** Runs `scenario` once under `schedule` (none: the fault-free baseline). */
export async function runChaos(scenario: Scenario, schedule?: FaultSchedule): Promise<ChaosRun> {
  const clock = createVirtualClock(schedule?.seed ?? 1);
  const emu = await startEmulator({
    clock,
    issuer: { tokenLifetimeSeconds: STEP_TOKEN_LIFETIME_S },
  });
  const root = await mkdtemp(join(tmpdir(), 'dmp-chaos-'));
  try {
    const seeded = scenario.seed(emu);
    const stepToken = await emu.issuer.mintStepToken({
      pipelineUuid: CHAOS_STEP_ENV['BITBUCKET_PIPELINE_UUID'],
      stepUuid: CHAOS_STEP_ENV['BITBUCKET_STEP_UUID'],
      branchName: 'main',
    });
    const canaries = plantCanaries({
      stepToken,
      authType: 'bitbucket-oidc',
      tag: `chaos${schedule?.seed ?? 0}`,
    });
    const start = clock.now();
    for (const rule of schedule?.rules ?? []) emu.faults.add(rule);
    for (const after of schedule?.expiriesAfterMs ?? [])
      clock.at(start + after, () => emu.expireAllTokens());
    const env = {
      ...CHAOS_STEP_ENV,
      ...canaries.env,
      DATABRICKS_HOST: emu.url,
      DATABRICKS_CLIENT_ID: emu.clientId,
      ACTIONS: scenario.plan,
      ...scenario.env,
    };
    const cloneDir = join(root, 'clone');
    await mkdir(cloneDir);
    const run = await runPipe({ env, cloneDir, clock });
    const evidence = await readEvidence(cloneDir, run.exitCode);
    const issuedTokens = [...authState(emu.state).tokens.keys()];
    for (const token of issuedTokens) canaries.addSecret('a Databricks access token', token);
    const close = async (): Promise<void> => {
      await emu.close();
      await rm(root, { recursive: true, force: true });
    };
    return { emu, run, evidence, seeded, canaries, issuedTokens, close };
  } catch (error) {
    await emu.close();
    await rm(root, { recursive: true, force: true });
    throw error;
  }
}

/** Returns the directory a run's files live under (for the canary file scan). */
export function rootOf(run: PipeRun): string {
  return join(run.cloneDir, '..');
}

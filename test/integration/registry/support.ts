/** A started emulator on a virtual clock shared with the pipe, and a harness bound to it. */
import { startEmulator, type Emulator } from '../../../emulator/index.js';
import { actionHarness, STEP_ENV, type ActionHarness } from '../../support/action-context.js';
import { createVirtualClock, type VirtualClock } from '../../support/virtual-clock.js';

export const COMMIT = STEP_ENV['BITBUCKET_COMMIT'] ?? '';
/** The principal the pipe acts as (its PAT's owner): UC denials name it. */
export const PIPE_PRINCIPAL = 'sp-databricks-ml-pipe';

export interface Workspace {
  emu: Emulator;
  clock: VirtualClock;
  token: string;
  harness(env?: Record<string, string>): Promise<ActionHarness>;
}

/** Returns a fresh emulated workspace; close `emu` after the test. */
export async function startWorkspace(seed = 6): Promise<Workspace> {
  const clock = createVirtualClock(seed);
  const emu = await startEmulator({ clock, issuer: false });
  const token = emu.addPat(undefined, PIPE_PRINCIPAL);
  return {
    emu,
    clock,
    token,
    harness: (env = {}) => actionHarness({ host: emu.url, token, clock, env }),
  };
}

/** Returns the id of a FINISHED run of `/Shared/churn` that logged a model, for this commit. */
export function seedTrainingRun(
  emu: Emulator,
  options: { auc?: number; commit?: string; tags?: Record<string, string> } = {},
): string {
  return emu.ml.addMlflowRun({
    experiment: '/Shared/churn',
    metrics: { auc: options.auc ?? 0.9 },
    tags: { 'mlflow.source.git.commit': options.commit ?? COMMIT, ...options.tags },
    artifact_paths: ['model'],
  }).info.run_id;
}

/** Returns the paths (method and path) the emulator served, in order. */
export function requestLines(emu: Emulator): string[] {
  return emu.requests.map((r) => `${r.method} ${r.path}`);
}

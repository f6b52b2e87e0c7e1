import { rmSync } from 'node:fs';
import { makeCloneDir, readTree } from './clone-dirs.js';
import { authState } from '../../../emulator/auth.js';
import {
  startEmulator,
  type Emulator,
  type RequestLogEntry,
  type StepTokenOverrides,
} from '../../../emulator/index.js';
import { STEP_DEFAULTS, pipeEnv } from './pipe-env.js';
import { BITBUCKET_CLONE_DIR, runInContainer, runOnHost, type PipeRun } from './run-pipe.js';

/** What a scenario's variables may refer to. */
export interface ScenarioContext {
  emulator: Emulator;
  /** A step token the emulator's issuer minted (a secret: never print it). */
  stepToken: string;
}

/** One way a pipeline can invoke the pipe. */
export interface Scenario {
  /** Also the golden file's base name. */
  name: string;
  exitCode: 0 | 1 | 2 | 3;
  /** Files to place in the clone dir, by relative path. */
  files?: Record<string, string>;
  /** Prepares the workspace (jobs, experiments, policies) before the pipe starts. */
  setup?: (emulator: Emulator) => void;
  /** Claims of the step token, when the default one would not do. */
  token?: StepTokenOverrides;
  /** The pipe's `variables:`; `undefined` values are left out. */
  variables: (context: ScenarioContext) => Record<string, string | undefined>;
  /** Fixed ids the scenario introduces, with the label golden output shows for each. */
  labels?: Readonly<Record<string, string>>;
}

/** Everything one invocation left behind, read before the emulator and clone dir are gone. */
export interface ScenarioOutcome {
  run: PipeRun;
  /** The clone dir on the host and the path the pipe saw it at (they differ in a container). */
  hostDir: string;
  pipeDir: string;
  /** Files the pipe wrote under the clone dir, by relative path (scenario files excluded). */
  written: Record<string, string>;
  requests: RequestLogEntry[];
  emulator: Emulator;
  /** Secrets that existed during the run: the step token and every token the workspace issued. */
  secrets: string[];
  /** Ids of this run (repository, service principal, …) → the labels golden output uses. */
  labels: Record<string, string>;
}

/**
 * Emulator time advances this much per request the workspace receives, and never by itself:
 * a run's life cycle (and a registration's) is seen through the same states on every run,
 * however slow or loaded the machine, so golden output is stable.
 */
export const EMULATOR_STEP_MS = 5_000;

export type Where = { kind: 'container'; image: string } | { kind: 'host' };

/**
 * Returns the outcome of one scenario run in the image or on the host: a fresh emulator
 * (so ids repeat run to run), a fresh clone dir, the step's default variables plus the
 * scenario's, as a Bitbucket step would pass them.
 */
export async function runScenario(scenario: Scenario, where: Where): Promise<ScenarioOutcome> {
  let requests: readonly unknown[] = [];
  const startedAt = Date.now();
  const emulator = await startEmulator({
    clock: { now: () => startedAt + requests.length * EMULATOR_STEP_MS },
    issuer: {
      workspaceSlug: STEP_DEFAULTS.BITBUCKET_WORKSPACE,
      repositoryUuid: STEP_DEFAULTS.BITBUCKET_REPO_UUID,
    },
  });
  requests = emulator.requests;
  const hostDir = makeCloneDir(scenario.files);
  try {
    scenario.setup?.(emulator);
    const stepToken = await emulator.issuer.mintStepToken({
      pipelineUuid: STEP_DEFAULTS.BITBUCKET_PIPELINE_UUID,
      stepUuid: STEP_DEFAULTS.BITBUCKET_STEP_UUID,
      ...scenario.token,
    });
    const pipeDir = where.kind === 'container' ? BITBUCKET_CLONE_DIR : hostDir;
    const env = pipeEnv(pipeDir, scenario.variables({ emulator, stepToken }));
    const run =
      where.kind === 'container'
        ? await runInContainer({ image: where.image, env, cloneDir: hostDir })
        : await runOnHost(env, hostDir);
    return {
      run,
      hostDir,
      pipeDir,
      written: readTree(hostDir, new Set(Object.keys(scenario.files ?? {}))),
      requests: [...emulator.requests],
      emulator,
      secrets: [stepToken, ...authTokens(emulator)],
      labels: knownIds(emulator, scenario.labels),
    };
  } finally {
    await emulator.close();
    rmSync(hostDir, { recursive: true, force: true });
  }
}

/** Returns every access token (OAuth and PAT) the emulated workspace knows. */
function authTokens(emulator: Emulator): string[] {
  return [...authState(emulator.state).tokens.keys()];
}

/** Returns the ids a run prints (braced and bare forms) mapped to readable labels. */
function knownIds(
  emulator: Emulator,
  extra: Readonly<Record<string, string>> = {},
): Record<string, string> {
  const ids: Record<string, string> = {
    [STEP_DEFAULTS.BITBUCKET_COMMIT]: '<commit>',
    [STEP_DEFAULTS.BITBUCKET_REPO_UUID]: '<repository-uuid>',
    [STEP_DEFAULTS.BITBUCKET_PIPELINE_UUID]: '<pipeline-uuid>',
    [STEP_DEFAULTS.BITBUCKET_STEP_UUID]: '<step-uuid>',
    [emulator.issuer.workspaceUuid]: '<bitbucket-workspace-uuid>',
    [emulator.clientId]: '<sp-client-id>',
    [emulator.accountId]: '<account-id>',
    ...extra,
  };
  const labels: Record<string, string> = {};
  for (const [id, label] of Object.entries(ids)) {
    if (id === '') continue;
    labels[id] = label;
    if (id.startsWith('{') && id.endsWith('}')) labels[id.slice(1, -1)] = label;
  }
  return labels;
}

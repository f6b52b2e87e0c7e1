import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator, type Emulator } from '../../../../emulator/index.js';
import { getAction } from '../../../../src/actions/registry.js';
import type { ActionOutputs } from '../../../../src/actions/types.js';
import { systemClock, type Clock } from '../../../../src/clock.js';
import { loadConfig } from '../../../../src/config/load-config.js';
import { PipeError, toPipeError } from '../../../../src/errors.js';
import { createLogger } from '../../../../src/log/logger.js';
import { Redactor } from '../../../../src/log/redactor.js';
import type { ActionType, PlannedAction } from '../../../../src/plan/types.js';
import { contextFactory } from '../../../../src/run/action-contexts.js';
import { connect, type Connection } from '../../../../src/run/connect.js';
import { ActiveRuns } from '../../../../src/runner/run-tracker.js';
import { CaptureStream } from '../../../support/capture.js';
import { recordingAudit, type RecordingAudit } from '../../../unit/actions/jobs/support/context.js';
import { virtualClock, type VirtualClock } from './virtual-clock.js';

export const COMMIT = '0123456789abcdef0123456789abcdef01234567';
export const ORIGIN = 'http://bitbucket.org/acme/churn';

/** One action's outcome as the runner would see it. */
export interface ActionOutcome {
  outputs?: ActionOutputs;
  error?: PipeError;
}

/** An emulator, a connection to it as the orchestrator builds one, and the action contexts. */
export interface JobsWorld {
  emu: Emulator;
  /** Virtual unless the world was started with `realTime`. */
  clock: VirtualClock | Clock;
  connection: Connection;
  audit: RecordingAudit;
  runs: ActiveRuns;
  cloneDir: string;
  /** Everything logged so far. */
  output(): Promise<string>;
  /** Runs an action as the orchestrator does: preflight (unless told not to), then run. */
  runAction(
    type: ActionType,
    spec: Record<string, unknown>,
    options?: RunOptions,
  ): Promise<ActionOutcome>;
  /** The idempotency token the next runAction's trigger will carry. */
  nextToken(): string;
  close(): Promise<void>;
}

export interface RunOptions {
  signal?: AbortSignal;
  /** Skip the preflight, as for an action whose spec references an earlier output. */
  noPreflight?: boolean;
}

export interface WorldOptions {
  realTime?: boolean;
  cloneDir?: string;
}

/**
 * Returns a world: an emulator (sharing the test clock), a PAT, a Config from the variables a
 * pipeline would pass, the real connect() and the orchestrator's contextFactory.
 */
export async function startJobsWorld(options: WorldOptions = {}): Promise<JobsWorld> {
  const virtual = options.realTime ? undefined : virtualClock();
  const clock: VirtualClock | Clock = virtual ?? systemClock();
  const emu = await startEmulator({ clock, issuer: false });
  const cloneDir = options.cloneDir ?? (await mkdtemp(join(tmpdir(), 'dmp-jobs-world-')));
  const env = {
    DATABRICKS_HOST: emu.url,
    DATABRICKS_TOKEN: emu.addPat(undefined, 'ci-bot@example.com'),
    ACTIONS: '- run_job: {job: placeholder}',
    BITBUCKET_CLONE_DIR: cloneDir,
    BITBUCKET_PIPELINE_UUID: '{7d3c1a8e-0000-4000-8000-000000000001}',
    BITBUCKET_STEP_UUID: '{7d3c1a8e-0000-4000-8000-000000000002}',
    BITBUCKET_COMMIT: COMMIT,
    BITBUCKET_GIT_HTTP_ORIGIN: ORIGIN,
    BITBUCKET_REPO_FULL_NAME: 'acme/churn',
  };
  const { config } = loadConfig(env, cloneDir, { redactor: new Redactor() });
  const stream = new CaptureStream();
  const log = createLogger({ stream, redactor: new Redactor() });
  const signal = new AbortController().signal;
  const connection = await connect({
    config,
    clock,
    log,
    signal,
    ...(virtual ? { transport: virtual.transport } : {}),
  });
  const audit = recordingAudit();
  const runs = new ActiveRuns();
  const make = contextFactory({ config, connection, clock, log, audit, runs });
  let index = 0;
  const runAction = async (
    type: ActionType,
    spec: Record<string, unknown>,
    runOptions: RunOptions = {},
  ): Promise<ActionOutcome> => {
    const action: PlannedAction = {
      index: ++index,
      type,
      spec: { wait: true, ...spec },
      position: { line: 1, col: 1 },
      dependsOn: [],
    };
    const definition = getAction(type);
    const actionSignal = runOptions.signal ?? signal;
    try {
      const resolved =
        runOptions.noPreflight || !definition.preflight
          ? undefined
          : await definition.preflight(action.spec, make(action, actionSignal));
      return { outputs: await definition.run(action.spec, make(action, actionSignal, resolved)) };
    } catch (error) {
      return { error: toPipeError(error) };
    }
  };
  return {
    emu,
    clock,
    connection,
    audit,
    runs,
    cloneDir,
    output: async () => {
      await new Promise((resolve) => setImmediate(resolve));
      return stream.text;
    },
    runAction,
    nextToken: () =>
      make(
        {
          index: index + 1,
          type: 'run_job',
          spec: {},
          position: { line: 1, col: 1 },
          dependsOn: [],
        },
        signal,
      ).idempotencyToken,
    close: () => emu.close(),
  };
}

/** Returns the emulator's runs/get-output requests' run ids. */
export function outputRequests(emu: Emulator): number[] {
  return emu.findRequests({ path: 'runs/get-output' }).map((r) => Number(r.query['run_id']));
}

export { PipeError };

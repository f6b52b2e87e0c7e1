/**
 * Drives action modules the way the orchestrator does, without the process around it: a
 * real Config (loadConfig), the real ApiClient over real sockets, contexts from the
 * orchestrator's own `contextFactory`, a plan validated by `buildPlan` (schema defaults
 * applied) and specs rendered by `renderActionSpec`. Audit events are kept in memory.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getAction } from '../../src/actions/registry.js';
import type { ActionContext, ActionOutputs } from '../../src/actions/types.js';
import type { TokenProvider } from '../../src/auth/types.js';
import { systemClock, type Clock } from '../../src/clock.js';
import { loadConfig } from '../../src/config/load-config.js';
import type { Config } from '../../src/config/types.js';
import { createApiClient } from '../../src/databricks/api-client.js';
import { createRateLimiter } from '../../src/databricks/rate-limiter.js';
import { createTransport } from '../../src/databricks/transport.js';
import type { ApiClient } from '../../src/databricks/types.js';
import type { AuditEvent, AuditSink } from '../../src/evidence/types.js';
import { createLogger } from '../../src/log/logger.js';
import { buildPlan } from '../../src/plan/build-plan.js';
import { renderActionSpec } from '../../src/plan/render-templates.js';
import type { Plan, PlannedAction } from '../../src/plan/types.js';
import { contextFactory } from '../../src/run/action-contexts.js';
import { ActiveRuns } from '../../src/runner/run-tracker.js';
import { CaptureStream } from './capture.js';

/** Bitbucket's default variables of a realistic deployment step. */
export const STEP_ENV: Readonly<Record<string, string>> = {
  BITBUCKET_COMMIT: '4f9c2e1d8b7a6c5e4f3a2b1c0d9e8f7a6b5c4d3e',
  BITBUCKET_BRANCH: 'main',
  BITBUCKET_REPO_FULL_NAME: 'acme/churn',
  BITBUCKET_GIT_HTTP_ORIGIN: 'http://bitbucket.org/acme/churn',
  BITBUCKET_PIPELINE_UUID: '{0b4d3c5e-1111-4a2b-9c8d-7e6f5a4b3c2d}',
  BITBUCKET_STEP_UUID: '{9a8b7c6d-2222-4e5f-8a9b-0c1d2e3f4a5b}',
  BITBUCKET_BUILD_NUMBER: '42',
  BITBUCKET_DEPLOYMENT_ENVIRONMENT: 'production',
};

export interface HarnessOptions {
  host: string;
  /** Bearer token the client sends (an emulator PAT; anything for a real MLflow server). */
  token: string;
  clock?: Clock;
  /** Pipe variables on top of STEP_ENV (DRY_RUN, PROVENANCE_TAGS, WAIT_TIMEOUT, BITBUCKET_*…). */
  env?: Record<string, string | undefined>;
}

export interface ActionHarness {
  readonly config: Config;
  readonly api: ApiClient;
  readonly audit: AuditEvent[];
  /** Everything the actions logged. */
  readonly output: CaptureStream;
  readonly runs: ActiveRuns;
  /** Returns the validated plan of this YAML text. */
  plan(yaml: string): Plan;
  /** Returns the context the orchestrator would give the action. */
  context(
    action: PlannedAction,
    options?: { signal?: AbortSignal; resolved?: unknown },
  ): ActionContext;
  /** Preflight, then run, each plan action in order (outputs feed later templates). */
  runPlan(yaml: string, options?: { signal?: AbortSignal }): Promise<Map<number, ActionOutputs>>;
  /** Preflight of each action without output dependencies, as DRY_RUN does; returns resolutions. */
  preflightPlan(yaml: string): Promise<Map<number, unknown>>;
}

function staticTokens(token: string): TokenProvider {
  return {
    getToken: () => Promise.resolve(token),
    invalidate: () => undefined,
    credentialDeadline: () => undefined,
    identity: { authType: 'pat' },
  };
}

/** Returns a harness for one workspace (or MLflow server) at `options.host`. */
export async function actionHarness(options: HarnessOptions): Promise<ActionHarness> {
  const cloneDir = await mkdtemp(join(tmpdir(), 'dmp-actions-'));
  const env = {
    ...STEP_ENV,
    DATABRICKS_HOST: options.host,
    DATABRICKS_TOKEN: options.token,
    ACTIONS: '[]',
    BITBUCKET_CLONE_DIR: cloneDir,
    ...options.env,
  };
  const { config } = loadConfig(env, cloneDir);
  const clock = options.clock ?? systemClock();
  const output = new CaptureStream();
  const log = createLogger({ stream: output });
  const tokens = staticTokens(options.token);
  const transport = createTransport({ network: config.network, logger: log.child('http') });
  const api = createApiClient({
    transport,
    host: config.host,
    tokens,
    clock,
    logger: log,
    rateLimiter: createRateLimiter({ clock }),
  });
  const audit: AuditEvent[] = [];
  const sink: AuditSink = {
    record: (event) => {
      audit.push(event);
      return Promise.resolve();
    },
  };
  const runs = new ActiveRuns();
  const make = contextFactory({
    config,
    connection: { api, tokens, defaultWaitMs: config.waitTimeoutMs },
    clock,
    log,
    audit: sink,
    runs,
  });
  const plan = (yaml: string): Plan =>
    buildPlan({ kind: 'inline', variable: 'ACTIONS', text: yaml }, yaml, {
      bitbucket: config.bitbucket,
      env: config.env,
    });
  const context: ActionHarness['context'] = (action, opts = {}) =>
    make(action, opts.signal ?? new AbortController().signal, opts.resolved);
  const render = (
    action: PlannedAction,
    outputs: ReadonlyMap<string, ActionOutputs>,
  ): Record<string, unknown> =>
    renderActionSpec(action, { bitbucket: config.bitbucket, env: config.env, outputs });
  const preflightPlan = async (yaml: string): Promise<Map<number, unknown>> => {
    const resolved = new Map<number, unknown>();
    for (const action of plan(yaml).actions) {
      const definition = getAction(action.type);
      if (!definition.preflight || action.dependsOn.length > 0) continue;
      resolved.set(
        action.index,
        await definition.preflight(render(action, new Map()), context(action)),
      );
    }
    return resolved;
  };
  const runPlan = async (
    yaml: string,
    opts: { signal?: AbortSignal } = {},
  ): Promise<Map<number, ActionOutputs>> => {
    const resolved = await preflightPlan(yaml);
    const byId = new Map<string, ActionOutputs>();
    const byIndex = new Map<number, ActionOutputs>();
    for (const action of plan(yaml).actions) {
      const ctx = context(action, { ...opts, resolved: resolved.get(action.index) });
      const outputs = await getAction(action.type).run(render(action, byId), ctx);
      byIndex.set(action.index, outputs);
      if (action.id) byId.set(action.id, outputs);
    }
    return byIndex;
  };
  return { config, api, audit, output, runs, plan, context, preflightPlan, runPlan };
}

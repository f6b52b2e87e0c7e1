/**
 * The orchestrator: reads like a table of contents. Configuration → plan → credentials →
 * preflight → actions → evidence; every outcome becomes an exit status in exactly one place.
 */
import { promises as fs } from 'node:fs';
import type { Clock } from './clock.js';
import type { Config } from './config/types.js';
import { loadConfig } from './config/load-config.js';
import type { HttpTransport } from './databricks/transport-types.js';
import { exitCodeFor, type ExitCode } from './errors.js';
import { createLogger, type Logger } from './log/logger.js';
import type { TextSink } from './log/stdout.js';
import type { Plan } from './plan/types.js';
import type { Verdict } from './run/report.js';
import { openEvidence, type Evidence } from './run/evidence.js';

// The stages after validation load on first use (issue #9): a run that stops at invalid
// variables never evaluates the plan parser, the actions, the auth modules or the HTTP client.
const loadPlan = lazy(async () => (await import('./plan/build-plan.js')).loadPlan);
const connect = lazy(async () => (await import('./run/connect.js')).connect);
const runDry = lazy(async () => (await import('./run/execute.js')).runDry);
const runForReal = lazy(async () => (await import('./run/execute.js')).runForReal);

export interface MainOptions {
  /** A snapshot of the environment; nothing else reads it. */
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
  /** Standard output (a Writable in tests). */
  stdout: TextSink;
  /** Aborts on SIGTERM/SIGINT. */
  signal: AbortSignal;
  clock: Clock;
  color: boolean;
  /** Test seams: the HTTP transport and the Entra authority (azure-oidc). */
  transport?: HttpTransport;
  azureAuthority?: string;
}

/** What one invocation ends with: the exit status and the verdict the edge prints last. */
export interface MainOutcome {
  exitCode: ExitCode;
  verdict: Verdict;
}

/** Runs the pipe once and returns its exit status and verdict. Never rejects. */
export async function main(options: MainOptions): Promise<MainOutcome> {
  const log = createLogger({ stream: options.stdout, debug: isDebugRequested(options.env), color: options.color });
  const evidence = openEvidence(options, log);
  let error: unknown;
  try {
    const config = readConfig(options, log);
    evidence.configured(config);
    const plan = await readPlan(config, log);
    await evidence.planned(plan, config.dryRun);
    const connection = await connect({ config, clock: options.clock, log, signal: options.signal, ...seams(options) });
    evidence.authenticated(connection.tokens.identity);
    const run = { config, plan, connection, evidence, clock: options.clock, log, signal: options.signal };
    error = config.dryRun ? await runDry(run) : await runForReal(run);
  } catch (thrown) {
    error = thrown;
  }
  const exitCode = exitCodeFor(error);
  const verdict = await evidence.finish(exitCode, error);
  return { exitCode, verdict };
}

function readConfig(options: MainOptions, log: Logger): Config {
  const { config, warnings, notices } = loadConfig(options.env, options.cwd);
  for (const line of warnings) log.warn(line);
  for (const line of notices) log.info(line);
  return config;
}

async function readPlan(config: Config, log: Logger): Promise<Plan> {
  const plan = await loadPlan(config.plan, {
    readFile: (path) => fs.readFile(path, 'utf8'),
    cloneDir: config.bitbucket.cloneDir,
    bitbucket: config.bitbucket,
    env: config.env,
    log,
  });
  const { getAction } = await import('./actions/registry.js');
  log.debug(`plan has ${plan.actions.length} action(s): ${plan.actions.map((a) => getAction(a.type).type).join(', ')}`);
  return plan;
}

function isDebugRequested(env: MainOptions['env']): boolean {
  return ['true', 'yes', '1'].includes(env['DEBUG']?.trim().toLowerCase() ?? '');
}

function seams(options: MainOptions): { transport?: HttpTransport; azureAuthority?: string } {
  return {
    ...(options.transport === undefined ? {} : { transport: options.transport }),
    ...(options.azureAuthority === undefined ? {} : { azureAuthority: options.azureAuthority }),
  };
}

/** Returns `load()`'s async function, imported when first called. */
function lazy<A extends unknown[], R>(
  load: () => Promise<(...args: A) => Promise<R>>,
): (...args: A) => Promise<R> {
  return async (...args) => (await load())(...args);
}

export type { Evidence };

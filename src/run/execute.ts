import { getAction } from '../actions/registry.js';
import { credentialLifetimeWarning } from '../auth/credential-lifetime.js';
import { describePolicy, formatPolicyDescription } from '../auth/describe-policy.js';
import type { Clock } from '../clock.js';
import { parseDuration } from '../config/parsers.js';
import type { Config } from '../config/types.js';
import { noopAuditLog } from '../evidence/audit-log.js';
import type { Logger } from '../log/logger.js';
import { formatPlan } from '../plan/format-plan.js';
import { renderActionSpec } from '../plan/render-templates.js';
import type { Plan, PlannedAction } from '../plan/types.js';
import { runPlan } from '../runner/run-plan.js';
import { ActiveRuns } from '../runner/run-tracker.js';
import { contextFactory } from './action-contexts.js';
import type { Connection } from './connect.js';
import type { Evidence } from './evidence.js';
import { preflight } from './preflight.js';

/** Everything one invocation has once it is authenticated. */
export interface RunState {
  config: Config;
  plan: Plan;
  connection: Connection;
  evidence: Evidence;
  clock: Clock;
  log: Logger;
  signal: AbortSignal;
}

/** DRY_RUN: prints the plan and a matching federation policy, resolves names; changes nothing. */
export async function runDry(run: RunState): Promise<unknown> {
  const { config, plan, log } = run;
  log.info(`dry run: ${plan.actions.length} action(s) from ${plan.source}; nothing will be changed`);
  for (const line of formatPlan(plan)) log.info(`  ${line}`);
  const identity = run.connection.tokens.identity;
  if (identity.authType === 'bitbucket-oidc' && identity.claims) {
    const policy = describePolicy(identity.claims, {
      ...(config.clientId ? { clientId: config.clientId } : {}),
      ...(config.bitbucket.repoFullName ? { repoFullName: config.bitbucket.repoFullName } : {}),
      ...(config.bitbucket.deploymentEnvironment ? { deploymentEnvironment: config.bitbucket.deploymentEnvironment } : {}),
    });
    for (const line of formatPolicyDescription(policy)) log.info(line);
  }
  const make = contextFactory({ ...run, audit: noopAuditLog(''), runs: new ActiveRuns() });
  await preflight(plan, config, (action) => make(action, run.signal));
  return undefined;
}

/** Runs the plan: preflight, then every action; returns the error that decides the exit status. */
export async function runForReal(run: RunState): Promise<unknown> {
  const { config, plan, log, evidence } = run;
  await evidence.prepareAudit();
  const runs = new ActiveRuns();
  const make = contextFactory({ ...run, audit: evidence.audit, runs });
  const resolved = await preflight(plan, config, (action) => make(action, run.signal));
  warnAboutCredentialLifetime(run, plan.actions);
  const outcome = await runPlan({
    plan,
    getAction,
    render: (action, outputs) => renderActionSpec(action, { bitbucket: config.bitbucket, env: config.env, outputs }),
    makeContext: (action, signal) => make(action, signal, resolved.get(action.index)),
    clock: run.clock,
    log,
    signal: run.signal,
    onResult: (result) => evidence.actionUpdated(result),
  });
  // Actions cancel their own runs on a stop; this catches any they could not reach.
  if (runs.size > 0 && run.signal.aborted) await runs.cancelAll(log);
  evidence.completed(outcome.results);
  return outcome.error;
}

function warnAboutCredentialLifetime(run: RunState, actions: readonly PlannedAction[]): void {
  const window = { deadlineMs: run.connection.tokens.credentialDeadline(), nowMs: run.clock.now() };
  for (const action of actions) {
    const timeout = action.spec['timeout'];
    if (typeof timeout !== 'string') continue;
    const parsed = parseDuration(timeout);
    if (!parsed.ok) continue;
    const warning = credentialLifetimeWarning(parsed.value, window, `action ${action.index} (${action.type}) timeout`);
    if (warning) run.log.warn(warning);
  }
}

import type { ActionContext, ActionSettings } from '../actions/types.js';
import type { Clock } from '../clock.js';
import type { Config } from '../config/types.js';
import type { AuditSink } from '../evidence/types.js';
import type { Logger } from '../log/logger.js';
import type { PlannedAction } from '../plan/types.js';
import { idempotencyTokens } from '../runner/idempotency.js';
import type { ActiveRuns } from '../runner/run-tracker.js';
import type { Connection } from './connect.js';

export interface ContextFactoryOptions {
  config: Config;
  connection: Connection;
  clock: Clock;
  log: Logger;
  audit: AuditSink;
  runs: ActiveRuns;
}

/** Returns a function building each action's context: its logger, token, clients and settings. */
export function contextFactory(
  options: ContextFactoryOptions,
): (action: PlannedAction, signal: AbortSignal, resolved?: unknown) => ActionContext {
  const { config, connection, clock, log } = options;
  const tokens = idempotencyTokens(config.bitbucket);
  if (tokens.warning && !config.dryRun) log.warn(tokens.warning);
  const settings: ActionSettings = Object.freeze({
    host: config.host,
    waitTimeoutMs: connection.defaultWaitMs,
    provenanceTags: config.provenanceTags,
    onOrphan: config.onOrphan,
    dryRun: config.dryRun,
    cloneDir: config.bitbucket.cloneDir,
  });
  return (action, signal, resolved) => {
    const context: ActionContext = {
      action,
      log: log.child(actionLabel(action)),
      clock,
      signal,
      api: connection.api,
      bitbucket: config.bitbucket,
      settings,
      idempotencyToken: tokens.tokenFor(action),
      audit: options.audit,
      runs: options.runs,
      credentialDeadline: () => connection.tokens.credentialDeadline(),
    };
    if (resolved !== undefined) context.resolved = resolved;
    return context;
  };
}

/** Returns the log prefix of an action, e.g. `2 run_job train`. */
export function actionLabel(action: PlannedAction): string {
  return `${action.index} ${action.type}${action.id === undefined ? '' : ` ${action.id}`}`;
}

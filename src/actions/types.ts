import type { Clock } from '../clock.js';
import type { BitbucketContext, OnOrphan } from '../config/types.js';
import type { ApiClient } from '../databricks/types.js';
import type { AuditSink } from '../evidence/types.js';
import type { Logger } from '../log/logger.js';
import type { ActionType, PlannedAction } from '../plan/types.js';

/** An action's outputs, referencable by later actions as `{{ <id>.<name> }}`. */
export type ActionOutputs = Record<string, unknown>;

/** Settings every action may need; never the raw environment. */
export interface ActionSettings {
  host: string;
  waitTimeoutMs: number;
  provenanceTags: boolean;
  onOrphan: OnOrphan;
  dryRun: boolean;
  cloneDir: string;
}

/** Runs this pipe started and has not yet seen end, so a stop can cancel them. */
export interface RunTracker {
  started(runId: number, cancel: () => Promise<void>): void;
  ended(runId: number): void;
}

/** Everything an action may use. Actions never read env, print, or exit. */
export interface ActionContext {
  action: PlannedAction;
  log: Logger;
  clock: Clock;
  /** Aborts on SIGTERM/SIGINT or a fail-fast sibling failure. */
  signal: AbortSignal;
  api: ApiClient;
  bitbucket: BitbucketContext;
  settings: ActionSettings;
  /** SHA-256 hex of pipeline UUID, step UUID and the action's id or position (DESIGN §7.5). */
  idempotencyToken: string;
  audit: AuditSink;
  runs: RunTracker;
  /** Latest moment a Databricks credential can still be obtained (epoch ms), if bounded. */
  credentialDeadline(): number | undefined;
  /** What `preflight` returned for this action, when it ran. */
  resolved?: unknown;
}

/** A plan action type: its schema, outputs, one-line description, preflight and run. */
export interface ActionDefinition<Spec = Record<string, unknown>> {
  type: ActionType;
  /** JSON Schema of the action's body (the value under its key). */
  schema: Record<string, unknown>;
  /** Output names, for template reference checks. */
  outputs: readonly string[];
  /** Outputs that exist only after waiting: referencing them from a `wait: false` action is an error. */
  waitOutputs?: readonly string[];
  /** Plan-time checks the schema cannot express; returns problems as `path: message`. */
  validate?(spec: Spec): string[];
  /** One line for dry run and logs, e.g. `run job churn-training and wait (timeout 2h)`. */
  describe(spec: Spec): string;
  /** Whether the spec asks not to wait (for §7.7 reference checks). */
  isNoWait?(spec: Spec): boolean;
  /** Read-only resolution of names and selectors, before anything changes (DESIGN §7.2). */
  preflight?(spec: Spec, ctx: ActionContext): Promise<unknown>;
  run(spec: Spec, ctx: ActionContext): Promise<ActionOutputs>;
}

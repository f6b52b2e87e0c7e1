import type { IdentitySummary } from '../auth/types.js';
import type { Clock } from '../clock.js';
import type { Config } from '../config/types.js';
import type { ExitCode } from '../errors.js';
import type { AuditLog } from '../evidence/audit-log.js';
import { noopAuditLog } from '../evidence/noop-audit-log.js';
import { runStatusFor } from '../evidence/results-document.js';
import {
  createResultsWriter,
  pendingResults,
  resultsPathsFromEnv,
  type ResultsWriter,
} from '../evidence/results-file.js';
import { formatDuration, formatSummary } from '../evidence/summary.js';
import type { Logger } from '../log/logger.js';
import type { Plan } from '../plan/types.js';
import type { ActionResult } from '../runner/types.js';
import { failureVerdict, successVerdict, type Verdict } from './report.js';

/** What the orchestrator tells the evidence as the run goes; `finish` writes and prints. */
export interface Evidence {
  configured(config: Config): void;
  /** Async only because the action registry loads on first use (after validation, issue #9). */
  planned(plan: Plan, dryRun: boolean): Promise<void>;
  authenticated(identity: IdentitySummary): void;
  /** The audit sink (a no-op one until `prepareAudit`, and for DRY_RUN). */
  readonly audit: AuditLog;
  /** Opens the audit file, so an unusable AUDIT_FILE stops the pipe before any change. */
  prepareAudit(): Promise<void>;
  actionUpdated(result: ActionResult): void;
  completed(results: readonly ActionResult[]): void;
  /** Writes results, outputs and Code Insights, prints the summary; returns the ✔/✖ verdict. */
  finish(exitCode: ExitCode, error: unknown): Promise<Verdict>;
}

interface EvidenceOptions {
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
  clock: Clock;
}

/** Returns the run's evidence recorder; results go to RESULTS_FILE even if the config is invalid. */
export function openEvidence(options: EvidenceOptions, log: Logger): Evidence {
  const startedAt = options.clock.now();
  const results: ResultsWriter = createResultsWriter({
    ...resultsPathsFromEnv(options.env, options.cwd),
    startedAt,
    clock: options.clock,
    log,
  });
  let config: Config | undefined;
  let plan: Plan | undefined;
  let actions: readonly ActionResult[] = [];
  let audit: AuditLog = noopAuditLog('');
  let identity: IdentitySummary | undefined;
  let ran = false;
  return {
    get audit() {
      return audit;
    },
    configured(value) {
      config = value;
      results.set({ workspace: value.host, dryRun: value.dryRun, ...(value.bitbucket.commit ? { commit: value.bitbucket.commit } : {}) });
    },
    async planned(value, dryRun) {
      plan = value;
      const { getAction } = await import('../actions/registry.js');
      actions = pendingResults(value.actions, dryRun ? 'planned' : 'skipped', (a) => getAction(a.type).describe(a.spec));
      results.setActions(actions);
    },
    authenticated(value) {
      identity = value;
      results.set({ identity: value });
      audit.setIdentity(value);
    },
    async prepareAudit() {
      if (!config) return;
      // The real audit log loads here, once the run is about to change something (issue #9).
      const { createAuditLog } = await import('../evidence/audit-log.js');
      audit = createAuditLog(config.auditFile, { host: config.host, bitbucket: config.bitbucket, dryRun: config.dryRun }, { clock: options.clock });
      if (identity) audit.setIdentity(identity);
      const head = await audit.prepare();
      if (head) results.set({ audit: head });
    },
    actionUpdated(result) {
      void results.update(result);
    },
    completed(final) {
      actions = final;
      ran = true;
      results.setActions(final);
    },
    async finish(exitCode, error) {
      await audit.flush();
      const head = audit.head();
      if (head) results.set({ audit: head });
      if (ran || config?.dryRun) for (const line of formatSummary(actions)) log.info(line);
      const finishedAt = options.clock.now();
      const written = await results.finish(error === undefined ? { exitCode } : { exitCode, error });
      if (written.written) log.info(`results written to ${written.path}`);
      if (config && ran && !config.dryRun) {
        const { writeOutputs } = await import('../evidence/output-variables.js');
        await writeOutputs({
          results: actions,
          enabled: config.outputVariables,
          variablesPath: config.bitbucket.pipelinesVariablesPath,
          sharedStorageDir: config.bitbucket.pipeSharedStorageDir,
          commit: config.bitbucket.commit,
          stepUuid: config.bitbucket.stepUuid,
          clock: options.clock,
          log,
        });
        if (config.codeInsights) {
          const { publishCodeInsights } = await import('../evidence/code-insights.js');
          const { sha256Hex } = await import('../util/node-crypto.js');
          await publishCodeInsights(
            {
              results: actions,
              status: runStatusFor(exitCode, error),
              startedAt,
              finishedAt,
              host: config.host,
              bitbucket: config.bitbucket,
              auditHead: audit.head(),
              invocationKey: sha256Hex(invocationSourceOf(config)).slice(0, 16),
              ...(plan && config.plan.kind === 'file' ? { planFile: config.plan.displayPath, actionLines: new Map(plan.actions.map((a) => [a.index, a.position.line])) } : {}),
            },
            { log },
          );
        }
      }
      if (error !== undefined) return failureVerdict(log, error);
      const elapsed = formatDuration(finishedAt - startedAt);
      const count = `${actions.length} action${actions.length === 1 ? '' : 's'}`;
      return successVerdict(config?.dryRun ? `dry run passed: ${count} validated and resolved, nothing was changed` : `${count} succeeded in ${elapsed}`);
    },
  };
}

/**
 * Returns what tells apart two invocations in one step (two plans), so that their Code
 * Insights reports differ: the plan file's path, or the inline plan.
 */
function invocationSourceOf(config: Config): string {
  return config.plan.kind === 'file' ? config.plan.displayPath : config.plan.text;
}

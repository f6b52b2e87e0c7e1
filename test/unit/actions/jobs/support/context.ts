import type { ActionContext, ActionSettings } from '../../../../../src/actions/types.js';
import type { Clock } from '../../../../../src/clock.js';
import type { ApiClient } from '../../../../../src/databricks/types.js';
import type { AuditEvent, AuditSink } from '../../../../../src/evidence/types.js';
import { createLogger } from '../../../../../src/log/logger.js';
import { Redactor } from '../../../../../src/log/redactor.js';
import type { ActionType } from '../../../../../src/plan/types.js';
import { ActiveRuns } from '../../../../../src/runner/run-tracker.js';
import { CaptureStream } from '../../../../support/capture.js';

/** An audit sink that keeps what it is given. */
export interface RecordingAudit extends AuditSink {
  readonly events: AuditEvent[];
}

export function recordingAudit(): RecordingAudit {
  const events: AuditEvent[] = [];
  return {
    events,
    record: (event) => {
      events.push(event);
      return Promise.resolve();
    },
  };
}

export interface TestContext {
  ctx: ActionContext;
  audit: RecordingAudit;
  runs: ActiveRuns;
  /** Log lines written so far (after letting the logger drain). */
  lines(): Promise<string[]>;
}

export interface TestContextOptions {
  api: ApiClient;
  clock: Clock;
  type?: ActionType;
  signal?: AbortSignal;
  settings?: Partial<ActionSettings>;
  bitbucket?: ActionContext['bitbucket'];
  resolved?: unknown;
}

/** Returns an ActionContext over injected parts, with a captured info-level log. */
export function testContext(options: TestContextOptions): TestContext {
  const stream = new CaptureStream();
  const log = createLogger({ stream, redactor: new Redactor() }).child('1 run_job');
  const audit = recordingAudit();
  const runs = new ActiveRuns();
  const ctx: ActionContext = {
    action: {
      index: 1,
      type: options.type ?? 'run_job',
      spec: {},
      position: { line: 1, col: 1 },
      dependsOn: [],
    },
    log,
    clock: options.clock,
    signal: options.signal ?? new AbortController().signal,
    api: options.api,
    bitbucket: options.bitbucket ?? { cloneDir: '/tmp' },
    settings: {
      host: 'https://dbc-test.cloud.databricks.com',
      waitTimeoutMs: 3_600_000,
      provenanceTags: true,
      onOrphan: 'reconnect',
      dryRun: false,
      cloneDir: '/tmp',
      ...options.settings,
    },
    idempotencyToken: 'a'.repeat(64),
    audit,
    runs,
    credentialDeadline: () => undefined,
  };
  if (options.resolved !== undefined) ctx.resolved = options.resolved;
  return {
    ctx,
    audit,
    runs,
    lines: async () => {
      await new Promise((resolve) => setImmediate(resolve));
      return stream.lines;
    },
  };
}

/** Unit-test doubles for the registry actions: a context and an MLflow API that fail loudly. */
import type { ActionContext } from '../../../../src/actions/types.js';
import type { BitbucketContext } from '../../../../src/config/types.js';
import type { MlflowApi } from '../../../../src/databricks/mlflow.js';
import type { AuditEvent } from '../../../../src/evidence/types.js';
import { createLogger } from '../../../../src/log/logger.js';
import { ActiveRuns } from '../../../../src/runner/run-tracker.js';
import { CaptureStream } from '../../../support/capture.js';
import { createVirtualClock, type VirtualClock } from '../../../support/virtual-clock.js';

export const BITBUCKET: BitbucketContext = {
  commit: 'c0ffee0000000000000000000000000000000001',
  branch: 'main',
  repoFullName: 'acme/churn',
  gitHttpOrigin: 'https://bitbucket.org/acme/churn',
  pipelineUuid: '{pipeline}',
  stepUuid: '{step}',
  buildNumber: '7',
  deploymentEnvironment: 'production',
  cloneDir: '/tmp',
};

export interface TestContext extends ActionContext {
  readonly events: AuditEvent[];
  readonly output: CaptureStream;
  readonly clock: VirtualClock;
}

/** Returns a context whose API client refuses every call (unit tests inject API doubles). */
export function testContext(
  options: {
    bitbucket?: BitbucketContext;
    provenanceTags?: boolean;
    dryRun?: boolean;
    signal?: AbortSignal;
    /** Also capture debug lines. */
    debug?: boolean;
  } = {},
): TestContext {
  const output = new CaptureStream();
  const events: AuditEvent[] = [];
  return {
    action: {
      index: 1,
      id: 'register',
      type: 'register_model',
      spec: {},
      position: { line: 1, col: 1 },
      dependsOn: [],
    },
    log: createLogger({ stream: output, debug: options.debug ?? false }),
    clock: createVirtualClock(1),
    signal: options.signal ?? new AbortController().signal,
    api: {
      request: (req) => Promise.reject(new Error(`unexpected request ${req.method} ${req.path}`)),
      requestCount: 0,
    },
    bitbucket: options.bitbucket ?? BITBUCKET,
    settings: {
      host: 'https://dbc.example',
      waitTimeoutMs: 60_000,
      provenanceTags: options.provenanceTags ?? true,
      onOrphan: 'reconnect',
      dryRun: options.dryRun ?? false,
      cloneDir: '/tmp',
    },
    idempotencyToken: 'a'.repeat(64),
    audit: {
      record: (event) => {
        events.push(event);
        return Promise.resolve();
      },
    },
    runs: new ActiveRuns(),
    credentialDeadline: () => undefined,
    events,
    output,
  };
}

/** Returns an MlflowApi whose unspecified calls fail the test. */
export function fakeMlflow(calls: Partial<MlflowApi>): MlflowApi {
  return new Proxy(calls as MlflowApi, {
    get(target, name: string) {
      const call = (target as unknown as Record<string, unknown>)[name];
      if (call !== undefined) return call;
      return () => Promise.reject(new Error(`unexpected MLflow call ${name}`));
    },
  });
}

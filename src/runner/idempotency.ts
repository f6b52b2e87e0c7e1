import { createHash, randomBytes } from 'node:crypto';
import type { BitbucketContext } from '../config/types.js';
import type { PlannedAction } from '../plan/types.js';

/** Returns a function deriving each action's idempotency token, and a warning when it is random. */
export function idempotencyTokens(bitbucket: BitbucketContext): {
  tokenFor(action: PlannedAction): string;
  warning?: string;
} {
  const { pipelineUuid, stepUuid, stepRunNumber } = bitbucket;
  // A re-run of a step may keep its step UUID: without the attempt number its token would hand
  // back the previous attempt's (perhaps failed) run instead of running the job again. First
  // attempts keep the plain pipeline + step derivation of DESIGN §7.5.
  const attempt = stepRunNumber !== undefined && stepRunNumber !== '1' ? `\nattempt:${stepRunNumber}` : '';
  // Without a pipeline UUID (a local run) a retried process must not reuse another's runs.
  const scope =
    pipelineUuid === undefined
      ? `local:${randomBytes(16).toString('hex')}`
      : `${pipelineUuid}\n${stepUuid ?? ''}${attempt}`;
  const tokenFor = (action: PlannedAction): string =>
    createHash('sha256')
      .update(`${scope}\n${action.id ?? `#${action.index}`}`)
      .digest('hex');
  return pipelineUuid === undefined
    ? {
        tokenFor,
        warning:
          'BITBUCKET_PIPELINE_UUID is not set (a local run?): idempotency tokens are random, ' +
          'so re-running this process starts new runs',
      }
    : { tokenFor };
}

import type { BitbucketContext } from '../../../src/config/types.js';
import type { PlannedAction } from '../../../src/plan/types.js';
import { idempotencyTokens } from '../../../src/runner/idempotency.js';

const ACTION: PlannedAction = {
  index: 2,
  id: 'train',
  type: 'run_job',
  spec: {},
  position: { line: 1, col: 1 },
  dependsOn: [],
};
const STEP: BitbucketContext = { cloneDir: '/c', pipelineUuid: '{p}', stepUuid: '{s}' };

describe('idempotencyTokens', () => {
  it('is 64 hex characters, stable for the same pipeline, step and action', () => {
    const a = idempotencyTokens(STEP).tokenFor(ACTION);
    const b = idempotencyTokens({ ...STEP }).tokenFor({ ...ACTION });
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(b).toBe(a);
    expect(idempotencyTokens(STEP).warning).toBeUndefined();
  });

  it.each([
    { name: 'another pipeline', change: { pipelineUuid: '{p2}' }, action: ACTION },
    { name: 'another step', change: { stepUuid: '{s2}' }, action: ACTION },
    { name: 'a re-run of the step', change: { stepRunNumber: '2' }, action: ACTION },
    { name: 'another action id', change: {}, action: { ...ACTION, id: 'evaluate' } },
  ])('differs for $name', ({ change, action }) => {
    const base = idempotencyTokens(STEP).tokenFor(ACTION);
    expect(idempotencyTokens({ ...STEP, ...change }).tokenFor(action)).not.toBe(base);
  });

  it('treats a first attempt like an unnumbered one', () => {
    expect(idempotencyTokens({ ...STEP, stepRunNumber: '1' }).tokenFor(ACTION)).toBe(
      idempotencyTokens(STEP).tokenFor(ACTION),
    );
  });

  it('uses the position when the action has no id', () => {
    const { id: _id, ...anonymous } = ACTION;
    const first = idempotencyTokens(STEP).tokenFor(anonymous);
    expect(idempotencyTokens(STEP).tokenFor({ ...anonymous, index: 3 })).not.toBe(first);
  });

  it('is random, with a warning, outside a pipeline', () => {
    const local: BitbucketContext = { cloneDir: '/c' };
    const one = idempotencyTokens(local);
    expect(one.warning).toMatch(/BITBUCKET_PIPELINE_UUID/);
    expect(one.tokenFor(ACTION)).not.toBe(idempotencyTokens(local).tokenFor(ACTION));
  });
});

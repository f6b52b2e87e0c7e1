import { waitForRun } from '../../../../src/actions/jobs/wait-for-run.js';
import type { Run } from '../../../../src/databricks/jobs.js';
import { PipeError } from '../../../../src/errors.js';
import {
  virtualClock,
  type VirtualClock,
} from '../../../integration/jobs/support/virtual-clock.js';
import { testContext } from './support/context.js';
import { fakeApi } from './support/fake-api.js';

const S = 1000;
const MIN = 60 * S;

/** A run whose phase follows the clock: phases in order, each starting at its time (ms). */
function scriptedRun(clock: VirtualClock, phases: Array<{ at: number; run: Partial<Run> }>) {
  const start = clock.now();
  return (): Run => {
    const elapsed = clock.now() - start;
    const current = [...phases].reverse().find((p) => elapsed >= p.at) ?? phases[0];
    return { run_id: 7, ...current?.run };
  };
}

const running = { state: { life_cycle_state: 'RUNNING' } };
const queued = {
  state: { life_cycle_state: 'QUEUED' },
  status: { state: 'QUEUED', queue_details: { message: 'waiting for a slot' } },
};
const done = { state: { life_cycle_state: 'TERMINATED', result_state: 'SUCCESS' } };

describe('waitForRun', () => {
  it('logs each state change once and a heartbeat per minute, not per poll', async () => {
    const clock = virtualClock();
    const current = scriptedRun(clock, [
      { at: 0, run: queued },
      { at: 30 * S, run: running },
      { at: 3.5 * MIN, run: done },
    ]);
    const api = fakeApi({ 'GET /api/2.2/jobs/runs/get': current });
    const { ctx, lines } = testContext({ api, clock });
    const outcome = await waitForRun(ctx, { runId: 7, run: current(), timeoutMs: 10 * MIN });
    expect(outcome.kind).toBe('ended');
    const log = await lines();
    expect(log.filter((l) => l.includes('is QUEUED'))).toHaveLength(1);
    expect(log.filter((l) => l.includes('is RUNNING'))).toHaveLength(1);
    expect(log.filter((l) => l.includes('is TERMINATED SUCCESS'))).toHaveLength(1);
    expect(log.find((l) => l.includes('is QUEUED'))).toContain('waiting for a slot');
    const heartbeats = log.filter((l) => l.includes('still RUNNING after'));
    expect(heartbeats.map((l) => /after (\S+)/.exec(l)?.[1])).toEqual(['1m', '2m', '3m']);
    // Far fewer looks than a 5 s poll (42) over three and a half minutes.
    expect(api.calls('runs/get').length).toBeLessThanOrEqual(30);
  });

  it('follows the prediction: quiet while far, close near the end', async () => {
    const clock = virtualClock();
    const current = scriptedRun(clock, [
      { at: 0, run: running },
      { at: 10 * MIN, run: done },
    ]);
    const api = fakeApi({ 'GET /api/2.2/jobs/runs/get': current });
    const { ctx } = testContext({ api, clock });
    const started = clock.now();
    const prediction = {
      expectedMs: 10 * MIN,
      earliestMs: 10 * MIN,
      latestMs: 10 * MIN,
      samples: 5,
    };
    const outcome = await waitForRun(ctx, {
      runId: 7,
      run: current(),
      timeoutMs: 20 * MIN,
      prediction,
    });
    expect(outcome.kind).toBe('ended');
    expect(api.calls('runs/get').length).toBeLessThanOrEqual(16);
    // Still sooner than the official SDKs' median (about 5 s at this length).
    expect(clock.now() - started - 10 * MIN).toBeLessThanOrEqual(4 * S);
  });

  it('restarts the schedule when the run leaves the queue, so the prediction counts from there', async () => {
    const clock = virtualClock();
    const current = scriptedRun(clock, [
      { at: 0, run: queued },
      { at: 5 * MIN, run: { ...running, queue_duration: 5 * MIN } },
      { at: 6 * MIN, run: { ...done, queue_duration: 5 * MIN } },
    ]);
    const api = fakeApi({ 'GET /api/2.2/jobs/runs/get': current });
    const { ctx } = testContext({ api, clock });
    const started = clock.now();
    const prediction = { expectedMs: MIN, earliestMs: MIN, latestMs: MIN, samples: 3 };
    await waitForRun(ctx, { runId: 7, run: current(), timeoutMs: 20 * MIN, prediction });
    // The end (6 min) is noticed closely although the prediction alone says 1 min.
    expect(clock.now() - started - 6 * MIN).toBeLessThanOrEqual(6 * S);
  });

  it('times out at the deadline after one last look', async () => {
    const clock = virtualClock();
    const api = fakeApi({ 'GET /api/2.2/jobs/runs/get': [{ run_id: 7, ...running }] });
    const { ctx } = testContext({ api, clock });
    const started = clock.now();
    const outcome = await waitForRun(ctx, {
      runId: 7,
      run: { run_id: 7, ...running },
      timeoutMs: 3 * S,
    });
    expect(outcome.kind).toBe('timed-out');
    expect(clock.now() - started).toBe(3 * S);
  });

  it('a run that ends just before the deadline counts as ended', async () => {
    const clock = virtualClock();
    const current = scriptedRun(clock, [
      { at: 0, run: running },
      { at: 2_900, run: done },
    ]);
    const api = fakeApi({ 'GET /api/2.2/jobs/runs/get': current });
    const { ctx } = testContext({ api, clock });
    const outcome = await waitForRun(ctx, { runId: 7, run: current(), timeoutMs: 3 * S });
    expect(outcome.kind).toBe('ended');
  });

  it('stops at once when the signal aborts during a sleep', async () => {
    const clock = virtualClock();
    const controller = new AbortController();
    clock.onSleep = (_ms, now) => {
      if (now - start > 20 * S)
        controller.abort(new PipeError('ERR_CANCELLED', 'received SIGTERM'));
    };
    const start = clock.now();
    const api = fakeApi({ 'GET /api/2.2/jobs/runs/get': [{ run_id: 7, ...running }] });
    const { ctx } = testContext({ api, clock, signal: controller.signal });
    const outcome = await waitForRun(ctx, {
      runId: 7,
      run: { run_id: 7, ...running },
      timeoutMs: 10 * MIN,
    });
    expect(outcome.kind).toBe('aborted');
    expect(clock.now() - start).toBeLessThan(40 * S);
  });

  it('passes on an API error that is not a cancellation', async () => {
    const clock = virtualClock();
    const api = fakeApi({
      'GET /api/2.2/jobs/runs/get': [new PipeError('ERR_PERMISSION_DENIED', 'no access')],
    });
    const { ctx } = testContext({ api, clock });
    await expect(
      waitForRun(ctx, { runId: 7, run: { run_id: 7, ...running }, timeoutMs: MIN }),
    ).rejects.toMatchObject({ code: 'ERR_PERMISSION_DENIED' });
  });
});

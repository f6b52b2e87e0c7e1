import { cancelAndSettle } from '../../../../src/actions/jobs/cancel-run.js';
import { collectTaskOutputs } from '../../../../src/actions/jobs/task-outputs.js';
import { triggerRun } from '../../../../src/actions/jobs/trigger.js';
import type { Run } from '../../../../src/databricks/jobs.js';
import { PipeError } from '../../../../src/errors.js';
import { virtualClock } from '../../../integration/jobs/support/virtual-clock.js';
import { testContext } from './support/context.js';
import { fakeApi } from './support/fake-api.js';

const call = { operation: 'jobs.run-now', target: 'job:5', request: { job_id: 5 } };
const terminated = {
  run_id: 9,
  state: { life_cycle_state: 'TERMINATED', result_state: 'CANCELED' },
};

describe('triggerRun', () => {
  it('records a started run and hands it to the tracker', async () => {
    const api = fakeApi({ 'POST /api/2.2/jobs/runs/cancel': [{}] });
    const { ctx, audit, runs } = testContext({ api, clock: virtualClock() });
    await expect(triggerRun(ctx, { ...call, send: () => Promise.resolve(9) })).resolves.toBe(9);
    expect(audit.events).toEqual([
      expect.objectContaining({
        action: { index: 1, type: 'run_job' },
        operation: 'jobs.run-now',
        target: 'job:5',
        result: 'succeeded',
        response: { run_id: 9 },
      }),
    ]);
    expect(runs.size).toBe(1);
  });

  it('records a failed trigger with its error code and passes the error on', async () => {
    const { ctx, audit, runs } = testContext({ api: fakeApi({}), clock: virtualClock() });
    const failure = new PipeError('ERR_PERMISSION_DENIED', 'no CAN_MANAGE_RUN');
    await expect(triggerRun(ctx, { ...call, send: () => Promise.reject(failure) })).rejects.toBe(
      failure,
    );
    expect(audit.events[0]).toMatchObject({
      result: 'failed',
      error: { code: 'ERR_PERMISSION_DENIED', message: 'no CAN_MANAGE_RUN' },
    });
    expect(runs.size).toBe(0);
  });

  it('cancels a run the audit trail cannot record: nothing changes unrecorded', async () => {
    const api = fakeApi({ 'POST /api/2.2/jobs/runs/cancel': [{}] });
    const { ctx } = testContext({ api, clock: virtualClock() });
    let records = 0;
    ctx.audit = {
      record: () =>
        ++records === 1
          ? Promise.reject(new PipeError('ERR_INTERNAL', 'disk full'))
          : Promise.resolve(),
    };
    await expect(
      triggerRun(ctx, { ...call, send: () => Promise.resolve(9) }),
    ).rejects.toMatchObject({
      code: 'ERR_INTERNAL',
    });
    expect(api.calls('runs/cancel')[0]?.body).toEqual({ run_id: 9 });
  });

  it("the tracker's cancel fails loudly when runs/cancel is refused", async () => {
    const api = fakeApi({
      'POST /api/2.2/jobs/runs/cancel': [new PipeError('ERR_PERMISSION_DENIED', 'no')],
    });
    const { ctx, runs, lines } = testContext({ api, clock: virtualClock() });
    await triggerRun(ctx, { ...call, send: () => Promise.resolve(9) });
    await runs.cancelAll(ctx.log);
    expect((await lines()).join('\n')).toMatch(/could not cancel run 9/);
  });
});

describe('cancelAndSettle', () => {
  it('cancels without the (aborted) action signal and watches until the run ends', async () => {
    const controller = new AbortController();
    controller.abort(new PipeError('ERR_CANCELLED', 'received SIGTERM'));
    const running = { run_id: 9, state: { life_cycle_state: 'TERMINATING' } };
    const api = fakeApi({
      'POST /api/2.2/jobs/runs/cancel': [{}],
      'GET /api/2.2/jobs/runs/get': [running, terminated],
    });
    const { ctx, audit } = testContext({ api, clock: virtualClock(), signal: controller.signal });
    const outcome = await cancelAndSettle(ctx, 9, 'received SIGTERM');
    expect(outcome).toEqual({ isAccepted: true, run: terminated });
    expect(api.calls('runs/cancel')[0]).toMatchObject({ idempotent: true });
    expect(api.calls('runs/cancel')[0]?.signal).toBeUndefined();
    expect(audit.events.map((e) => `${e.operation} ${e.target} ${e.result}`)).toEqual([
      'jobs.runs.cancel run:9 succeeded',
    ]);
  });

  it('gives up watching after 15 s, never hangs', async () => {
    const clock = virtualClock();
    const api = fakeApi({
      'POST /api/2.2/jobs/runs/cancel': [{}],
      'GET /api/2.2/jobs/runs/get': [{ run_id: 9, state: { life_cycle_state: 'RUNNING' } }],
    });
    const { ctx } = testContext({ api, clock });
    const started = clock.now();
    const outcome = await cancelAndSettle(ctx, 9, 'timeout');
    expect(outcome.isAccepted).toBe(true);
    expect(clock.now() - started).toBe(15_000);
  });

  it('a refused cancel is recorded as failed and reported, not thrown', async () => {
    const api = fakeApi({ 'POST /api/2.2/jobs/runs/cancel': [new PipeError('ERR_API', 'down')] });
    const { ctx, audit, runs } = testContext({ api, clock: virtualClock() });
    runs.started(9, () => Promise.resolve());
    await expect(cancelAndSettle(ctx, 9, 'timeout')).resolves.toEqual({ isAccepted: false });
    expect(audit.events[0]).toMatchObject({ result: 'failed', error: { code: 'ERR_API' } });
    // Left with the tracker, so the orchestrator's last sweep tries again.
    expect(runs.size).toBe(1);
  });
});

describe('collectTaskOutputs', () => {
  it('asks notebook tasks (and tasks of unknown type) only, successful ones only', async () => {
    const task = (
      runId: number,
      key: string,
      extra: Record<string, unknown>,
      result = 'SUCCESS',
    ) => ({
      run_id: runId,
      task_key: key,
      state: { life_cycle_state: 'TERMINATED', result_state: result },
      ...extra,
    });
    const run: Run = {
      run_id: 1,
      tasks: [
        task(2, 'nb', { notebook_task: { notebook_path: '/a' } }),
        task(3, 'py', { spark_python_task: { python_file: 'x.py' } }),
        task(4, 'new', { shiny_new_thing: {} }),
        task(5, 'excluded', { notebook_task: {} }, 'EXCLUDED'),
        task(6, 'silent', { notebook_task: {} }),
      ],
    };
    const api = fakeApi({
      'GET /api/2.2/jobs/runs/get-output': (req) =>
        ({
          2: { notebook_output: { result: 'a' } },
          4: { notebook_output: { result: 'b', truncated: true } },
          6: {},
        })[req.query?.['run_id'] as number],
    });
    const { ctx, lines } = testContext({ api, clock: virtualClock() });
    await expect(collectTaskOutputs(ctx, run)).resolves.toEqual({ nb: 'a', new: 'b' });
    expect(api.requests.map((r) => r.query?.['run_id'])).toEqual([2, 4, 6]);
    expect((await lines()).join('\n')).toContain('task new: its notebook exit value was truncated');
  });
});

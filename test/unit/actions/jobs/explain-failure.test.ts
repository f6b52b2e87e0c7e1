import { explainFailure, tail } from '../../../../src/actions/jobs/explain-failure.js';
import type { Run } from '../../../../src/databricks/jobs.js';
import { PipeError } from '../../../../src/errors.js';
import { virtualClock } from '../../../integration/jobs/support/virtual-clock.js';
import { testContext } from './support/context.js';
import { fakeApi } from './support/fake-api.js';

describe('tail', () => {
  const lines = (n: number): string =>
    Array.from({ length: n }, (_, i) => `line ${i + 1}`).join('\n');
  it.each([
    { name: 'empty trace', trace: '', want: [] },
    {
      name: 'short trace kept whole, trailing blanks dropped',
      trace: 'a\nb\n\n  \n',
      want: ['a', 'b'],
    },
    {
      name: 'long trace: the last 15 lines and a count of the rest',
      trace: lines(40),
      want: ['… 25 earlier lines', ...Array.from({ length: 15 }, (_, i) => `line ${i + 26}`)],
    },
    { name: 'CRLF', trace: 'a\r\nb\r\n', want: ['a', 'b'] },
  ])('$name', ({ trace, want }) => {
    expect(tail(trace)).toEqual(want);
  });

  it('clips very long lines', () => {
    const [line] = tail('x'.repeat(1000));
    expect(line).toHaveLength(301);
  });
});

describe('explainFailure', () => {
  const failedRun: Run = {
    run_id: 10,
    state: {
      life_cycle_state: 'TERMINATED',
      result_state: 'FAILED',
      state_message: 'Task train failed',
    },
    tasks: [
      {
        run_id: 11,
        task_key: 'prepare',
        state: { life_cycle_state: 'TERMINATED', result_state: 'SUCCESS' },
      },
      {
        run_id: 12,
        task_key: 'train',
        state: { life_cycle_state: 'TERMINATED', result_state: 'FAILED' },
      },
      {
        run_id: 13,
        task_key: 'report',
        state: { life_cycle_state: 'TERMINATED', result_state: 'UPSTREAM_FAILED' },
      },
    ],
  };

  it('reads the failed TASK run, never the parent, and names task, error and trace', async () => {
    const api = fakeApi({
      'GET /api/2.2/jobs/runs/get-output': (req) => {
        expect(req.query?.['run_id']).toBe(12);
        return {
          error: 'ZeroDivisionError: division by zero',
          error_trace: 'Traceback\n  File "x"\nZeroDivisionError',
        };
      },
    });
    const { ctx, lines } = testContext({ api, clock: virtualClock() });
    const error = await explainFailure(ctx, 'job "train" (1)', failedRun, {
      run_id: 10,
      run_page_url: 'https://x/run/10',
    });
    expect(error).toBeInstanceOf(PipeError);
    expect(error.code).toBe('ERR_RUN_FAILED');
    expect(error.outputs).toEqual({
      run_id: 10,
      run_page_url: 'https://x/run/10',
      result_state: 'FAILED',
    });
    expect(error.details).toEqual([
      'task train FAILED: ZeroDivisionError: division by zero',
      'not run because an upstream task failed: report',
    ]);
    expect(error.hint).toContain('https://x/run/10');
    expect(api.calls('get-output')).toHaveLength(1);
    const log = (await lines()).join('\n');
    expect(log).toContain('task train FAILED: ZeroDivisionError');
    expect(log).toContain('| Traceback');
  });

  it('still explains when get-output fails, from the task state message', async () => {
    const api = fakeApi({
      'GET /api/2.2/jobs/runs/get-output': [new PipeError('ERR_API', 'boom')],
    });
    const { ctx } = testContext({ api, clock: virtualClock() });
    const run: Run = {
      ...failedRun,
      tasks: [
        {
          run_id: 12,
          task_key: 'train',
          state: {
            life_cycle_state: 'TERMINATED',
            result_state: 'FAILED',
            state_message: 'Workload failed',
          },
        },
      ],
    };
    const error = await explainFailure(ctx, 'job "train" (1)', run, { run_id: 10 });
    expect(error.details).toEqual(['task train FAILED: Workload failed']);
  });

  it('a skipped run without failed tasks says why, from the run state message', async () => {
    const api = fakeApi({});
    const { ctx } = testContext({ api, clock: virtualClock() });
    const run: Run = {
      run_id: 10,
      state: { life_cycle_state: 'SKIPPED', state_message: 'Skipping this run: concurrency limit' },
      tasks: [],
    };
    const error = await explainFailure(ctx, 'job "train" (1)', run, { run_id: 10 });
    expect(error.message).toBe('job "train" (1): run 10 ended SKIPPED');
    expect(error.details).toEqual(['Skipping this run: concurrency limit']);
    expect(api.requests).toHaveLength(0);
  });
});

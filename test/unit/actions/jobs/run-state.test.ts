import {
  failedTasks,
  isSuccess,
  isTerminal,
  isWaitingInLine,
  resultStateOf,
  stateLabel,
  stateMessage,
} from '../../../../src/actions/jobs/run-state.js';
import type { Run, RunTask } from '../../../../src/databricks/jobs.js';

type StateOnly = Pick<Run, 'state' | 'status'>;

describe('run state', () => {
  it.each<{ name: string; run: StateOnly; terminal: boolean; success: boolean; label: string }>([
    {
      name: 'running',
      run: { state: { life_cycle_state: 'RUNNING' }, status: { state: 'RUNNING' } },
      terminal: false,
      success: false,
      label: 'RUNNING',
    },
    {
      name: 'TERMINATING is not terminal',
      run: { state: { life_cycle_state: 'TERMINATING' } },
      terminal: false,
      success: false,
      label: 'TERMINATING',
    },
    {
      name: 'terminated with SUCCESS',
      run: { state: { life_cycle_state: 'TERMINATED', result_state: 'SUCCESS' } },
      terminal: true,
      success: true,
      label: 'TERMINATED SUCCESS',
    },
    {
      name: 'SUCCESS_WITH_FAILURES is not success',
      run: { state: { life_cycle_state: 'TERMINATED', result_state: 'SUCCESS_WITH_FAILURES' } },
      terminal: true,
      success: false,
      label: 'TERMINATED SUCCESS_WITH_FAILURES',
    },
    {
      name: 'SKIPPED is terminal, not success',
      run: { state: { life_cycle_state: 'SKIPPED' } },
      terminal: true,
      success: false,
      label: 'SKIPPED SKIPPED',
    },
    {
      name: 'INTERNAL_ERROR is terminal',
      run: { state: { life_cycle_state: 'INTERNAL_ERROR', result_state: 'FAILED' } },
      terminal: true,
      success: false,
      label: 'INTERNAL_ERROR FAILED',
    },
    {
      name: 'status only: TERMINATED with code SUCCESS',
      run: {
        status: { state: 'TERMINATED', termination_details: { code: 'SUCCESS', type: 'SUCCESS' } },
      },
      terminal: true,
      success: true,
      label: 'TERMINATED SUCCESS',
    },
    {
      name: 'status only: user cancel has type SUCCESS but is no success',
      run: {
        status: {
          state: 'TERMINATED',
          termination_details: { code: 'USER_CANCELED', type: 'SUCCESS' },
        },
      },
      terminal: true,
      success: false,
      label: 'TERMINATED USER_CANCELED',
    },
  ])('$name', ({ run, terminal, success, label }) => {
    expect(isTerminal(run)).toBe(terminal);
    expect(isSuccess(run)).toBe(success);
    expect(stateLabel(run)).toBe(label);
  });

  it.each([
    { name: 'queued', run: { state: { life_cycle_state: 'QUEUED' } }, want: true },
    { name: 'blocked (status)', run: { status: { state: 'BLOCKED' } }, want: true },
    { name: 'pending', run: { state: { life_cycle_state: 'PENDING' } }, want: false },
  ])('isWaitingInLine: $name', ({ run, want }) => {
    expect(isWaitingInLine(run)).toBe(want);
  });

  it.each([
    {
      name: 'queue reason first',
      run: {
        state: { life_cycle_state: 'QUEUED', state_message: 'Queued' },
        status: { state: 'QUEUED', queue_details: { message: 'max concurrent runs reached' } },
      },
      want: 'max concurrent runs reached',
    },
    { name: 'blank message is none', run: { state: { state_message: '  ' } }, want: undefined },
    {
      name: 'termination message',
      run: { status: { termination_details: { message: 'boom' } } },
      want: 'boom',
    },
  ])('stateMessage: $name', ({ run, want }) => {
    expect(stateMessage(run)).toBe(want);
  });

  it('resultStateOf falls back from result_state to termination code to phase', () => {
    expect(resultStateOf({ state: { result_state: 'FAILED' } })).toBe('FAILED');
    expect(resultStateOf({ status: { termination_details: { code: 'DRIVER_ERROR' } } })).toBe(
      'DRIVER_ERROR',
    );
    expect(resultStateOf({ state: { life_cycle_state: 'INTERNAL_ERROR' } })).toBe('INTERNAL_ERROR');
    expect(resultStateOf({})).toBe('UNKNOWN');
  });

  it('failedTasks: own failures only, not upstream consequences or successes', () => {
    const task = (key: string, life: string, result?: string): RunTask => ({
      run_id: key.length,
      task_key: key,
      state: { life_cycle_state: life, ...(result ? { result_state: result } : {}) },
    });
    const run = {
      tasks: [
        task('ok', 'TERMINATED', 'SUCCESS'),
        task('boom', 'TERMINATED', 'FAILED'),
        task('slow', 'TERMINATED', 'TIMEDOUT'),
        task('after', 'TERMINATED', 'UPSTREAM_FAILED'),
        task('skipped', 'TERMINATED', 'EXCLUDED'),
        task('crashed', 'INTERNAL_ERROR'),
        task('running', 'RUNNING'),
      ],
    };
    expect(failedTasks(run).map((t) => t.task_key)).toEqual(['boom', 'slow', 'crashed']);
  });
});

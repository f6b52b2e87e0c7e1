import {
  auditedRunNow,
  runNowBody,
  timeoutMsOf,
} from '../../../../src/actions/jobs/run-now-body.js';
import type { RunJobSpec } from '../../../../src/actions/run-job.js';

const TOKEN = 'f'.repeat(64);

describe('runNowBody', () => {
  it.each<{ name: string; spec: RunJobSpec; want: Record<string, unknown> }>([
    {
      name: 'job parameters',
      spec: { job: 'x', wait: true, job_parameters: { commit: 'abc' } },
      want: { job_id: 7, idempotency_token: TOKEN, job_parameters: { commit: 'abc' } },
    },
    {
      name: 'legacy maps, only, queue, performance target',
      spec: {
        job: 'x',
        wait: true,
        notebook_params: { a: '1' },
        python_params: ['--x'],
        only: ['train'],
        queue: { enabled: false },
        performance_target: 'STANDARD',
      },
      want: {
        job_id: 7,
        idempotency_token: TOKEN,
        notebook_params: { a: '1' },
        python_params: ['--x'],
        only: ['train'],
        queue: { enabled: false },
        performance_target: 'STANDARD',
      },
    },
    {
      name: 'wait and timeout are the pipe’s, not sent',
      spec: { job: 'x', wait: false, timeout: '5m' },
      want: { job_id: 7, idempotency_token: TOKEN },
    },
  ])('$name', ({ spec, want }) => {
    expect(runNowBody(spec, 7, TOKEN)).toEqual(want);
  });

  it('audits parameter names, never values', () => {
    const audited = auditedRunNow(
      runNowBody(
        {
          job: 'x',
          wait: true,
          job_parameters: { password: 'hunter2' },
          python_params: ['s3cr3t'],
        },
        7,
        TOKEN,
      ),
    );
    expect(audited).toEqual({
      job_id: 7,
      idempotency_token: TOKEN,
      job_parameters: ['password'],
      python_params: '1 value',
    });
    expect(JSON.stringify(audited)).not.toMatch(/hunter2|s3cr3t/);
  });
});

describe('timeoutMsOf', () => {
  it.each([
    { name: 'own timeout', timeout: '3s', want: 3000 },
    { name: 'default', timeout: undefined, want: 60_000 },
    { name: 'unparseable falls back', timeout: 'soon', want: 60_000 },
  ])('$name', ({ timeout, want }) => {
    expect(timeoutMsOf(timeout, 60_000)).toBe(want);
  });
});

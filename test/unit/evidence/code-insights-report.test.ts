import {
  MAX_REPORT_DATA_FIELDS,
  buildAnnotations,
  buildReport,
  reportIdFor,
  type CodeInsightsInput,
} from '../../../src/evidence/code-insights-report.js';
import { BITBUCKET, HOST, T0, result } from './support.js';

const input = (overrides: Partial<CodeInsightsInput> = {}): CodeInsightsInput => ({
  results: [
    result({
      index: 1,
      id: 'train',
      duration_ms: 60_000,
      outputs: { run_page_url: 'https://h/run/1' },
    }),
    result({
      index: 2,
      type: 'register_model',
      status: 'failed',
      duration_ms: 2_000,
      error: { code: 'ERR_REGISTRATION_FAILED', message: 'version 4 failed', hint: 'see the run' },
    }),
    result({ index: 3, type: 'set_alias', status: 'skipped' }),
  ],
  status: 'failed',
  startedAt: T0,
  finishedAt: T0 + 62_000,
  host: HOST,
  bitbucket: BITBUCKET,
  ...overrides,
});

describe('reportIdFor', () => {
  it('is stable for one step, distinct across steps and invocations, and at most 50 characters', () => {
    const id = reportIdFor(BITBUCKET);
    expect(id).toMatch(/^databricks-ml-pipe-[0-9a-f]{16}$/);
    expect(id.length).toBeLessThanOrEqual(50);
    expect(reportIdFor({ ...BITBUCKET })).toBe(id);
    expect(reportIdFor({ ...BITBUCKET, stepUuid: '{other}' })).not.toBe(id);
    expect(reportIdFor(BITBUCKET, 'ACTIONS_FILE .databricks/promote.yml')).not.toBe(id);
  });
});

describe('buildReport', () => {
  it.each([
    { name: 'success', status: 'succeeded', expected: 'PASSED' },
    { name: 'dry run', status: 'dry_run', expected: 'PASSED' },
    { name: 'failure', status: 'failed', expected: 'FAILED' },
    { name: 'timeout', status: 'timed_out', expected: 'FAILED' },
    { name: 'cancelled', status: 'cancelled', expected: 'FAILED' },
  ] as const)('$name → $expected', ({ status, expected }) => {
    expect(buildReport(input({ status })).result).toBe(expected);
  });

  it('describes the run and links the pipeline step', () => {
    const report = buildReport(input());
    expect(report).toMatchObject({
      title: 'Databricks ML (production)',
      report_type: 'TEST',
      reporter: 'databricks-ml-pipe',
      link: 'https://bitbucket.org/acme/churn/pipelines/results/42/steps/%7B66666666-7777-8888-9999-000000000000%7D',
    });
    expect(report.details).toContain('1 of 3 action(s) succeeded');
    expect(report.details).toContain('2 register_model: version 4 failed');
    expect(report.data).toContainEqual({
      title: '1 run_job train',
      type: 'LINK',
      value: { text: 'succeeded in 1m 00s', href: 'https://h/run/1' },
    });
    expect(report.data).toContainEqual({
      title: '2 register_model',
      type: 'TEXT',
      value: 'failed in 2.0s',
    });
    expect(report.data).toContainEqual({ title: 'Duration', type: 'DURATION', value: 62_000 });
  });

  it('carries the audit chain head as an anchor outside the artifacts', () => {
    const report = buildReport(
      input({ auditHead: { file: 'a', seq: 7, sha256: 'f'.repeat(64), appended: 2 } }),
    );
    expect(report.data).toContainEqual({
      title: 'Audit chain head',
      type: 'TEXT',
      value: `seq 7 sha256 ${'f'.repeat(64)}`,
    });
  });

  it.each([3, 7, 8, 30])('keeps at most 10 data fields with %i actions', (count) => {
    const results = Array.from({ length: count }, (_, i) => result({ index: i + 1 }));
    const report = buildReport(
      input({ results, auditHead: { file: 'a', seq: 1, sha256: 'a'.repeat(64), appended: 1 } }),
    );
    expect(report.data.length).toBeLessThanOrEqual(MAX_REPORT_DATA_FIELDS);
    const actionFields = report.data.filter((f) => /^\d+ /.test(f.title)).length;
    const more = report.data.find((f) => f.title === 'More actions');
    const hidden = more?.type === 'TEXT' ? Number(more.value.split(' ')[0]) : 0;
    expect(actionFields + hidden).toBe(count);
  });

  it('falls back to the workspace link outside a pipeline', () => {
    const bitbucket = { cloneDir: '/b', commit: 'abc', repoFullName: 'acme/churn' };
    expect(buildReport(input({ bitbucket })).link).toBe(HOST);
  });
});

describe('buildAnnotations', () => {
  it('annotates failed actions only, pinned to the plan line when known', () => {
    const annotations = buildAnnotations(
      input({ planFile: '.databricks/release.yml', actionLines: new Map([[2, 14]]) }),
      'databricks-ml-pipe-0123',
    );
    expect(annotations).toEqual([
      {
        external_id: 'databricks-ml-pipe-0123-2',
        title: '2 register_model failed',
        annotation_type: 'BUG',
        result: 'FAILED',
        severity: 'HIGH',
        summary: 'version 4 failed',
        details: 'see the run',
        path: '.databricks/release.yml',
        line: 14,
      },
    ]);
  });

  it('truncates long messages and rates cancellations lower', () => {
    const long = 'x'.repeat(2_000);
    const [annotation] = buildAnnotations(
      input({
        results: [
          result({
            index: 1,
            status: 'cancelled',
            error: { code: 'ERR_CANCELLED', message: long },
          }),
        ],
      }),
      'r',
    );
    expect(annotation?.summary.length).toBe(450);
    expect(annotation?.severity).toBe('MEDIUM');
  });
});

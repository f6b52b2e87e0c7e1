/**
 * Code Insights through a fake of the pipelines proxy: the report arrives well-formed (the fake
 * validates it as Bitbucket Cloud documents), and every way of failing is one warning saying why.
 */
import { createServer, type Server } from 'node:http';
import { startBitbucketApiFake, type BitbucketApiFake } from '../../../emulator/bitbucket-api.js';
import { closeServer, listen } from '../../../emulator/net.js';
import { publishCodeInsights } from '../../../src/evidence/code-insights.js';
import type { CodeInsightsInput } from '../../../src/evidence/code-insights-report.js';
import { BITBUCKET, HOST, T0, captureLogger, result } from '../../unit/evidence/support.js';

const input = (overrides: Partial<CodeInsightsInput> = {}): CodeInsightsInput => ({
  results: [
    result({
      index: 1,
      id: 'train',
      duration_ms: 90_000,
      outputs: { run_id: 5, run_page_url: `${HOST}/#job/1/run/5` },
    }),
    result({
      index: 2,
      id: 'register',
      type: 'register_model',
      status: 'failed',
      duration_ms: 3_000,
      error: {
        code: 'ERR_REGISTRATION_FAILED',
        message: 'model version 4 ended FAILED_REGISTRATION',
      },
    }),
  ],
  status: 'failed',
  startedAt: T0,
  finishedAt: T0 + 95_000,
  host: HOST,
  bitbucket: BITBUCKET,
  auditHead: { file: 'audit.jsonl', seq: 3, sha256: 'c'.repeat(64), appended: 3 },
  planFile: '.databricks/release.yml',
  actionLines: new Map([[2, 9]]),
  ...overrides,
});

describe('publishCodeInsights', () => {
  let fake: BitbucketApiFake;
  beforeEach(async () => {
    fake = await startBitbucketApiFake();
  });
  afterEach(async () => {
    await fake.close();
  });

  const publish = (
    overrides: Partial<CodeInsightsInput> = {},
    proxyUrls = [fake.url],
    timeoutMs = 2_000,
  ) => {
    const { log, out } = captureLogger();
    return publishCodeInsights(input(overrides), { log, proxyUrls, timeoutMs }).then((outcome) => ({
      outcome,
      out,
    }));
  };

  it('PUTs a well-formed report and POSTs annotations through the proxy, without credentials', async () => {
    const { outcome, out } = await publish();
    expect(outcome).toEqual({
      published: true,
      reportId: expect.stringMatching(/^databricks-ml-pipe-[0-9a-f]{16}$/) as string,
      annotations: 1,
    });
    expect(fake.requests.map((r) => [r.method, r.status])).toEqual([
      ['PUT', 200],
      ['POST', 200],
    ]);
    const [put, post] = fake.requests;
    const reportId = outcome.published ? outcome.reportId : '';
    expect(put?.url).toBe(
      `http://api.bitbucket.org/2.0/repositories/acme/churn/commit/${BITBUCKET.commit}/reports/${reportId}`,
    );
    expect(post?.url).toBe(`${put?.url}/annotations`);
    for (const request of fake.requests) {
      expect(request.viaProxy).toBe(true);
      expect(request.headers.host).toBe('api.bitbucket.org');
      expect(request.headers.authorization).toBeUndefined();
    }
    const stored = fake.reports.get(`acme/churn/${BITBUCKET.commit}/${reportId}`);
    expect(stored?.report).toMatchObject({
      report_type: 'TEST',
      result: 'FAILED',
      reporter: 'databricks-ml-pipe',
    });
    expect([...(stored?.annotations.values() ?? [])]).toEqual([
      expect.objectContaining({
        summary: 'model version 4 ended FAILED_REGISTRATION',
        path: '.databricks/release.yml',
        line: 9,
      }),
    ]);
    expect(out.text).toMatch(
      /Code Insights report databricks-ml-pipe-\w+ published with 1 annotation/,
    );
  });

  it('replaces its own report when sent again for the same step (stable id)', async () => {
    await publish({ status: 'failed' });
    await publish({ status: 'succeeded', results: [] });
    expect(fake.reports.size).toBe(1);
    expect([...fake.reports.values()][0]?.report).toMatchObject({ result: 'PASSED' });
  });

  it('uses the next proxy when the first cannot be reached', async () => {
    const dead = await deadPort();
    const { outcome } = await publish({}, [`http://127.0.0.1:${dead}`, fake.url]);
    expect(outcome.published).toBe(true);
  });

  it.each([
    {
      name: 'proxy down (connection reset)',
      arrange: (f: BitbucketApiFake) => f.setDown(true),
      reason: /pipelines proxy http:\/\/127\.0\.0\.1:\d+ unreachable \(connection reset\)/,
    },
    {
      name: 'Bitbucket refuses the report (4xx with a message)',
      arrange: (f: BitbucketApiFake) =>
        f.failNext(404, { type: 'error', error: { message: 'Commit not found' } }),
      reason: /Bitbucket answered 404 to the report: Commit not found/,
    },
    {
      name: 'the proxy refuses (non-JSON 403)',
      arrange: (f: BitbucketApiFake) => f.failNext(403, 'Forbidden'),
      reason: /Bitbucket answered 403 to the report: Forbidden/,
    },
  ])('warns and carries on when $name', async ({ arrange, reason }) => {
    arrange(fake);
    const { outcome, out } = await publish();
    expect(outcome).toEqual({ published: false, reason: expect.stringMatching(reason) as string });
    expect(
      out.lines.filter((l) => l.startsWith('WARNING: Code Insights report not published: ')),
    ).toHaveLength(1);
    expect(out.text).toMatch(reason);
  });

  it('warns when no proxy listens at all', async () => {
    const dead = await deadPort();
    const { outcome, out } = await publish({}, [`http://127.0.0.1:${dead}`]);
    expect(outcome).toMatchObject({
      published: false,
      reason: expect.stringContaining('connection refused') as string,
    });
    expect(out.text).toMatch(/WARNING: Code Insights report not published: .*connection refused/);
  });

  it('gives up on a proxy that never answers, within the timeout', async () => {
    const silent: Server = createServer(() => undefined);
    const port = await listen(silent);
    try {
      const { outcome } = await publish({}, [`http://127.0.0.1:${port}`], 100);
      expect(outcome).toMatchObject({
        published: false,
        reason: expect.stringContaining('no answer within 100ms') as string,
      });
    } finally {
      await closeServer(silent);
    }
  });

  it('still counts the report as published when only the annotations are refused', async () => {
    fake.failNext(400, { type: 'error', error: { message: 'too many annotations' } }, 'POST');
    const { outcome, out } = await publish();
    expect(outcome).toMatchObject({ published: true, annotations: 0 });
    expect(out.text).toMatch(
      /WARNING: Code Insights annotations not posted: Bitbucket answered 400 to the annotations: too many annotations/,
    );
  });

  it('skips, saying why, outside Bitbucket Pipelines', async () => {
    const { outcome } = await publish({ bitbucket: { cloneDir: '/b' } });
    expect(outcome).toMatchObject({
      published: false,
      reason: expect.stringContaining('BITBUCKET_COMMIT') as string,
    });
    expect(fake.requests).toHaveLength(0);
  });

  it('the fake itself refuses a malformed report (so acceptance above means well-formed)', async () => {
    const { sendThroughProxy } = await import('../../../src/evidence/code-insights-http.js');
    const url = `http://api.bitbucket.org/2.0/repositories/acme/churn/commit/abc/reports/x`;
    const answer = await sendThroughProxy(
      fake.url,
      {
        method: 'PUT',
        url,
        body: {
          title: 't',
          report_type: 'DEPLOYMENT',
          data: [{ title: 'd', type: 'LINK', value: 'x' }],
        },
      },
      2_000,
    );
    expect(answer.status).toBe(400);
    expect(
      Object.keys((JSON.parse(answer.body) as { error: { fields: object } }).error.fields),
    ).toEqual(['/report_type', '/data/0/value']);
  });
});

/** Returns a loopback port nothing listens on. */
async function deadPort(): Promise<number> {
  const server = createServer();
  const port = await listen(server);
  await closeServer(server);
  return port;
}

import { analyzeWait, type LoggedRequest } from '../../../bench/wait-analysis.js';

const get = (time: number, runId = 7, tokenId = 'pat-1'): LoggedRequest => ({
  time,
  method: 'GET',
  path: '/api/2.2/jobs/runs/get',
  query: { run_id: String(runId) },
  tokenId,
});
const runNow = (time: number, tokenId = 'pat-1'): LoggedRequest => ({
  time,
  method: 'POST',
  path: '/api/2.2/jobs/run-now',
  query: {},
  tokenId,
});
const list = (time: number): LoggedRequest => ({
  time,
  method: 'GET',
  path: '/api/2.2/jobs/runs/list',
  query: { job_id: '3' },
  tokenId: 'pat-1',
});

describe('analyzeWait', () => {
  it.each([
    {
      name: 'counts looks up to the first one after the end',
      log: [runNow(0), get(1), get(3000), get(9000), get(9500)],
      expected: { polls: 3, requestsWhileWaiting: 3, noticeDelayMs: 1000, noticedAt: 9000 },
    },
    {
      name: 'counts other requests while waiting, not those before the trigger',
      log: [list(0), runNow(0), list(0), get(0), get(12_000)],
      expected: { polls: 2, requestsWhileWaiting: 3, noticeDelayMs: 4000, noticedAt: 12_000 },
    },
    {
      name: 'ignores other clients and other runs',
      log: [
        runNow(0),
        runNow(0, 'pat-2'),
        get(1, 7, 'pat-2'),
        get(8100, 7, 'pat-2'),
        get(2, 9),
        get(8200),
      ],
      expected: { polls: 1, requestsWhileWaiting: 2, noticeDelayMs: 200, noticedAt: 8200 },
    },
    {
      name: 'a look at the very instant of the end notices it',
      log: [runNow(0), get(8000)],
      expected: { polls: 1, requestsWhileWaiting: 1, noticeDelayMs: 0, noticedAt: 8000 },
    },
  ])('$name', ({ log, expected }) => {
    expect(analyzeWait(log, { tokenId: 'pat-1', runId: 7, endAt: 8000 })).toMatchObject(expected);
  });

  it('uses arrival order, so requests at the trigger instant but before it are not counted', () => {
    const figures = analyzeWait([list(5), runNow(5), get(5), get(8000)], {
      tokenId: 'pat-1',
      runId: 7,
      endAt: 8000,
    });
    expect(figures).toMatchObject({
      requestsWhileWaiting: 2,
      byEndpoint: { 'GET /api/2.2/jobs/runs/get': 2 },
    });
  });

  it.each([
    { name: 'no trigger', log: [get(9000)], error: /no run-now/ },
    { name: 'never looked after the end', log: [runNow(0), get(10)], error: /never looked/ },
  ])('reports $name', ({ log, error }) => {
    expect(analyzeWait(log, { tokenId: 'pat-1', runId: 7, endAt: 8000 })).toMatch(error);
  });
});

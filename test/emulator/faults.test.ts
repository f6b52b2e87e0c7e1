import { call, startHarness, type Harness } from './emu-helpers.js';

describe('fault injection', () => {
  let h: Harness;
  let jobId: number;

  beforeEach(async () => {
    h = await startHarness();
    jobId = h.emu.addJob({ name: 'train' });
  });
  afterEach(() => h.emu.close());

  it('answers the next 2 run-now calls with 429 + Retry-After, then lets the third through', async () => {
    const rule = h.emu.faults.add({
      method: 'POST',
      path: 'jobs/run-now',
      times: 2,
      respond: { status: 429, headers: { 'retry-after': '1' } },
    });
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await h.post('/api/2.2/jobs/run-now', { job_id: jobId });
      statuses.push(res.status);
      if (res.status === 429) {
        expect(res.headers.get('retry-after')).toBe('1');
        expect(res.body.error_code).toBe('REQUEST_LIMIT_EXCEEDED');
      }
    }
    expect(statuses).toEqual([429, 429, 200]);
    expect(rule.fired).toBe(2);
    expect(rule.exhausted).toBe(true);
    expect(h.emu.runs.countForJob(jobId)).toBe(1);
    expect(h.emu.requests.filter((r) => r.faultId === rule.id)).toHaveLength(2);
  });

  it.each([
    { status: 502, contentType: 'text/html' },
    { status: 503, contentType: 'application/json' },
    { status: 504, contentType: 'text/html' },
    { status: 500, contentType: 'application/json' },
  ])(
    'answers $status with what a gateway or Databricks would send ($contentType)',
    async ({ status, contentType }) => {
      h.emu.faults.add({ path: /\/jobs\/list$/, respond: { status } });
      const res = await h.get('/api/2.1/jobs/list');
      expect(res.status).toBe(status);
      expect(res.headers.get('content-type')).toBe(contentType);
    },
  );

  it('matches on method and path, leaving other requests alone', async () => {
    const rule = h.emu.faults.add({
      method: 'POST',
      path: 'jobs/run-now',
      respond: { status: 503 },
    });
    expect((await h.get('/api/2.2/jobs/list')).status).toBe(200);
    expect(rule.matched).toBe(0);
  });

  it('resets the connection without an answer', async () => {
    const rule = h.emu.faults.add({ path: 'jobs/runs/get', reset: true });
    await expect(
      fetch(`${h.emu.url}/api/2.2/jobs/runs/get?run_id=1`, {
        headers: { authorization: `Bearer ${h.token}` },
      }),
    ).rejects.toThrow();
    expect(rule.fired).toBe(1);
    expect(h.emu.requests.at(-1)?.status).toBe(0);
  });

  it('delays a request and then handles it normally', async () => {
    h.emu.faults.add({ path: 'jobs/list', delayMs: 150 });
    const started = Date.now();
    const res = await h.get('/api/2.2/jobs/list');
    expect(res.status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });

  it('starts firing after `after` matching requests and applies before authentication', async () => {
    const rule = h.emu.faults.add({
      path: 'jobs/list',
      after: 1,
      times: Infinity,
      respond: { status: 503, body: { error_code: 'TEMPORARILY_UNAVAILABLE', message: 'x' } },
    });
    expect((await h.get('/api/2.2/jobs/list')).status).toBe(200);
    expect((await h.get('/api/2.2/jobs/list')).status).toBe(503);
    expect((await call(`${h.emu.url}/api/2.2/jobs/list`)).status).toBe(503);
    expect(rule).toMatchObject({ matched: 3, fired: 2, exhausted: false });
    expect(h.emu.faults.firedCount()).toBe(2);
  });

  it('faults the token endpoint too', async () => {
    h.emu.faults.add({ path: '/oidc/v1/token', respond: { status: 503 } });
    const res = await call(`${h.emu.url}/oidc/v1/token`, { method: 'POST' });
    expect(res.status).toBe(503);
  });

  it('refuses a rule that does nothing', () => {
    expect(() => h.emu.faults.add({ path: 'x' })).toThrow();
  });
});

import { jobIdOf, resolveJob } from '../../../../src/actions/jobs/resolve-job.js';
import { PipeError } from '../../../../src/errors.js';
import { fakeApi } from './support/fake-api.js';

const job = (id: number, name: string, extra: Record<string, unknown> = {}) => ({
  job_id: id,
  creator_user_name: 'ana@example.com',
  created_time: Date.UTC(2026, 0, 2),
  settings: { name, ...extra },
});

describe('jobIdOf', () => {
  it.each([
    { name: 'a number', job: 123, want: 123 },
    { name: 'digits', job: '123', want: 123 },
    { name: 'digits with spaces', job: ' 42 ', want: 42 },
    { name: 'a name', job: 'churn-training', want: undefined },
    { name: 'a name with digits', job: 'job 7', want: undefined },
  ])('$name', ({ job: ref, want }) => {
    expect(jobIdOf(ref)).toBe(want);
  });
});

describe('resolveJob', () => {
  it('by id: jobs/get, with the job timeout', async () => {
    const api = fakeApi({
      'GET /api/2.2/jobs/get': [
        { ...job(5, 'train'), settings: { name: 'train', timeout_seconds: 600 } },
      ],
    });
    await expect(resolveJob(api, '5')).resolves.toEqual({
      jobId: 5,
      name: 'train',
      timeoutSeconds: 600,
    });
    expect(api.requests[0]?.query).toEqual({ job_id: 5 });
  });

  it('by id: not found says so', async () => {
    const api = fakeApi({
      'GET /api/2.2/jobs/get': [new PipeError('ERR_NOT_FOUND', 'Job 5 does not exist.')],
    });
    await expect(resolveJob(api, 5)).rejects.toMatchObject({ code: 'ERR_NOT_FOUND' });
  });

  it('by name: one exact match, from jobs/list alone', async () => {
    const api = fakeApi({ 'GET /api/2.2/jobs/list': [{ jobs: [job(9, 'Churn-Training')] }] });
    await expect(resolveJob(api, 'churn-training')).resolves.toEqual({
      jobId: 9,
      name: 'Churn-Training',
      timeoutSeconds: undefined,
    });
    expect(api.requests).toHaveLength(1);
    expect(api.requests[0]?.query).toMatchObject({ name: 'churn-training', limit: 100 });
  });

  it('by name: no match → ERR_NOT_FOUND', async () => {
    const api = fakeApi({ 'GET /api/2.2/jobs/list': [{ has_more: false }] });
    const error = await resolveJob(api, 'nope').catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ERR_NOT_FOUND' });
    expect((error as PipeError).message).toContain('"nope"');
  });

  it('by name: several matches → ERR_PLAN_UNRESOLVED listing each id, across pages', async () => {
    const api = fakeApi({
      'GET /api/2.2/jobs/list': [
        { jobs: [job(3, 'etl'), job(4, 'ETL')], has_more: true, next_page_token: 'p2' },
        { jobs: [job(8, 'etl')], has_more: false },
      ],
    });
    const error = (await resolveJob(api, 'etl').catch((e: unknown) => e)) as PipeError;
    expect(error.code).toBe('ERR_PLAN_UNRESOLVED');
    expect(error.message).toMatch(
      /^3 jobs are named "etl": 3 \(by ana@example.com, created 2026-01-02\), 4 .*, 8 /,
    );
    expect(api.requests[1]?.query).toMatchObject({ page_token: 'p2' });
  });
});

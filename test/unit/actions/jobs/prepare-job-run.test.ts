import { prepareJobRun } from '../../../../src/actions/jobs/prepare-job-run.js';
import type { ApiRequest } from '../../../../src/databricks/types.js';
import { virtualClock } from '../../../integration/jobs/support/virtual-clock.js';
import { testContext } from './support/context.js';
import { fakeApi } from './support/fake-api.js';

const COMMIT = 'c'.repeat(40);
const PIPELINE = { cloneDir: '/tmp', pipelineUuid: '{pipeline}', commit: COMMIT };
const success = (runId: number) => ({
  run_id: runId,
  state: { life_cycle_state: 'TERMINATED', result_state: 'SUCCESS' },
  run_duration: 120_000,
});

describe('prepareJobRun: where the duration prediction comes from', () => {
  it.each([
    {
      name: 'a first attempt: the history now',
      bitbucket: { ...PIPELINE, stepRunNumber: '1' },
      spec: { job: 5, wait: true, job_parameters: { git_commit: COMMIT } },
      history: true,
    },
    {
      name: 'a re-run that will look for its predecessor: left to that look-up',
      bitbucket: { ...PIPELINE, stepRunNumber: '2' },
      spec: { job: 5, wait: true, job_parameters: { git_commit: COMMIT } },
      history: false,
    },
    {
      name: 'a re-run whose parameters identify nothing (no look-up): the history now',
      bitbucket: { ...PIPELINE, stepRunNumber: '2' },
      spec: { job: 5, wait: true, job_parameters: { epochs: '3' } },
      history: true,
    },
    {
      name: 'outside a pipeline (no look-up): the history now',
      bitbucket: { cloneDir: '/tmp', commit: COMMIT },
      spec: { job: 5, wait: true, job_parameters: { git_commit: COMMIT } },
      history: true,
    },
    {
      name: 'a dry run of a re-run (no trigger follows): the history now',
      bitbucket: { ...PIPELINE, stepRunNumber: '2' },
      spec: { job: 5, wait: true, job_parameters: { git_commit: COMMIT } },
      dryRun: true,
      history: true,
    },
    {
      name: 'wait: false: no history at all',
      bitbucket: { ...PIPELINE, stepRunNumber: '1' },
      spec: { job: 5, wait: false },
      history: false,
    },
  ])('$name', async ({ bitbucket, spec, dryRun = false, history }) => {
    const api = fakeApi({
      'GET /api/2.2/jobs/get': [{ job_id: 5, settings: { name: 'train', timeout_seconds: 60 } }],
      'GET /api/2.2/jobs/runs/list': [{ runs: [success(1), success(2)] }],
    });
    const { ctx } = testContext({ api, clock: virtualClock(), bitbucket, settings: { dryRun } });
    const prepared = await prepareJobRun(ctx, spec);
    const lists = api.calls('runs/list').map((r: ApiRequest) => r.query);
    expect(lists).toEqual(history ? [{ job_id: 5, completed_only: true, limit: 5 }] : []);
    expect(prepared.prediction?.samples).toBe(history ? 2 : undefined);
  });
});

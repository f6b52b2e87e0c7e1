import {
  carriesPipelineIdentity,
  isMarkedSubmitRun,
  isSameJobRun,
  markedRunName,
  orphanMarker,
} from '../../../../src/actions/jobs/orphan-marker.js';
import type { BitbucketContext } from '../../../../src/config/types.js';
import type { Run, RunNowRequest } from '../../../../src/databricks/jobs.js';

const COMMIT = '0123456789abcdef0123456789abcdef01234567';
const PIPELINE = '{7d3c1a8e-0000-4000-8000-000000000001}';
const STEP_1 = '{7d3c1a8e-0000-4000-8000-0000000000a1}';
const BB: BitbucketContext = {
  cloneDir: '/tmp',
  pipelineUuid: PIPELINE,
  stepUuid: STEP_1,
  commit: COMMIT,
};
const TRAIN = { id: 'train', index: 1 };

describe('orphanMarker', () => {
  const base = orphanMarker(BB, TRAIN);

  it('is dmp- and 16 hex characters', () => {
    expect(base).toMatch(/^dmp-[0-9a-f]{16}$/);
  });

  it.each([
    { name: 'another step UUID (a re-run of the step)', bb: { stepUuid: '{other}' }, same: true },
    { name: 'no step UUID', bb: { stepUuid: undefined }, same: true },
    { name: 'another build number', bb: { buildNumber: '43' }, same: true },
    { name: 'another pipeline', bb: { pipelineUuid: '{another-pipeline}' }, same: false },
    { name: 'another commit', bb: { commit: 'f'.repeat(40) }, same: false },
    { name: 'a deployment environment', bb: { deploymentEnvironment: 'production' }, same: false },
  ])('$name → same marker: $same', ({ bb, same }) => {
    const marker = orphanMarker({ ...BB, ...bb } as BitbucketContext, TRAIN);
    expect(marker === base).toBe(same);
  });

  it.each([
    { name: 'another id', action: { id: 'evaluate', index: 1 }, same: false },
    { name: 'same id, another position', action: { id: 'train', index: 7 }, same: true },
    { name: 'no id: the position counts', action: { index: 1 }, same: false },
  ])('$name → same marker: $same', ({ action, same }) => {
    expect(orphanMarker(BB, action) === base).toBe(same);
  });

  it('positions without ids give different markers', () => {
    expect(orphanMarker(BB, { index: 1 })).not.toBe(orphanMarker(BB, { index: 2 }));
  });

  it('is undefined outside a pipeline (no BITBUCKET_PIPELINE_UUID)', () => {
    expect(orphanMarker({ cloneDir: '/tmp', commit: COMMIT }, TRAIN)).toBeUndefined();
  });
});

describe('isMarkedSubmitRun', () => {
  const marker = 'dmp-0123456789abcdef';
  it.each([
    { name: 'the marked name', run: { run_name: markedRunName('evaluate abc', marker) }, is: true },
    {
      name: 'the marked name of a SUBMIT_RUN',
      run: { run_name: `Untitled [${marker}]`, run_type: 'SUBMIT_RUN' },
      is: true,
    },
    { name: 'another marker', run: { run_name: 'evaluate [dmp-fedcba9876543210]' }, is: false },
    { name: 'the bare name', run: { run_name: 'evaluate abc' }, is: false },
    { name: 'the marker not at the end', run: { run_name: `x [${marker}] y` }, is: false },
    { name: 'no run name', run: {}, is: false },
    {
      name: 'a job run with the name',
      run: { run_name: `x [${marker}]`, run_type: 'JOB_RUN' },
      is: false,
    },
  ])('$name → $is', ({ run, is }) => {
    expect(isMarkedSubmitRun({ run_id: 1, ...run }, marker)).toBe(is);
  });
});

describe('carriesPipelineIdentity', () => {
  it.each([
    { name: 'a job parameter equal to the commit', body: { job_parameters: { sha: COMMIT } } },
    {
      name: 'a job parameter containing the pipeline UUID',
      body: { job_parameters: { note: `pipeline ${PIPELINE}` } },
    },
    { name: 'legacy notebook_params', body: { notebook_params: { commit: COMMIT } } },
    { name: 'legacy python_params', body: { python_params: ['--commit', COMMIT] } },
  ])('$name → true', ({ body }) => {
    expect(carriesPipelineIdentity({ job_id: 1, ...body }, BB)).toBe(true);
  });

  it.each([
    { name: 'no parameters', body: {}, bb: BB },
    { name: 'parameters without the commit', body: { job_parameters: { epochs: '3' } }, bb: BB },
    {
      name: 'a commit too short to identify anything',
      body: { job_parameters: { sha: 'abc' } },
      bb: { cloneDir: '/tmp', commit: 'abc' },
    },
    {
      name: 'no commit and no pipeline known',
      body: { job_parameters: { sha: COMMIT } },
      bb: { cloneDir: '/tmp' },
    },
  ])('$name → false', ({ body, bb }) => {
    expect(carriesPipelineIdentity({ job_id: 1, ...body }, bb)).toBe(false);
  });
});

describe('isSameJobRun', () => {
  const body: RunNowRequest = { job_id: 5, job_parameters: { git_commit: COMMIT, epochs: '3' } };
  const run: Run = {
    run_id: 9,
    job_id: 5,
    run_type: 'JOB_RUN',
    trigger: 'ONE_TIME',
    job_parameters: [
      { name: 'git_commit', default: '', value: COMMIT },
      { name: 'epochs', default: '1', value: '3' },
      { name: 'region', default: 'eu', value: 'eu' },
    ],
  };

  it.each([
    { name: 'the same parameters (the job default of another one aside)', over: {}, is: true },
    {
      name: 'parameters without defaults, as runs/list may give them',
      over: {
        job_parameters: [
          { name: 'git_commit', value: COMMIT },
          { name: 'epochs', value: '3' },
        ],
      },
      is: true,
    },
    {
      name: 'fields the server leaves out',
      over: { run_type: undefined, trigger: undefined },
      is: true,
    },
    {
      name: 'another value',
      over: {
        job_parameters: [
          { name: 'git_commit', value: COMMIT },
          { name: 'epochs', value: '4' },
        ],
      },
      is: false,
    },
    {
      name: 'a parameter missing',
      over: { job_parameters: [{ name: 'git_commit', value: COMMIT }] },
      is: false,
    },
    { name: 'another job', over: { job_id: 6 }, is: false },
    { name: 'a scheduled run', over: { trigger: 'PERIODIC' }, is: false },
    { name: 'a one-time submitted run', over: { run_type: 'SUBMIT_RUN' }, is: false },
  ])('$name → $is', ({ over, is }) => {
    expect(isSameJobRun({ ...run, ...over } as Run, body)).toBe(is);
  });

  it.each([
    {
      name: 'equal legacy parameters',
      overriding: { notebook_params: { commit: COMMIT } },
      is: true,
    },
    {
      name: 'other legacy values',
      overriding: { notebook_params: { commit: 'f'.repeat(40) } },
      is: false,
    },
    { name: 'no overriding parameters', overriding: undefined, is: false },
  ])('legacy: $name → $is', ({ overriding, is }) => {
    const legacy: RunNowRequest = { job_id: 5, notebook_params: { commit: COMMIT } };
    const candidate: Run = { run_id: 9, job_id: 5, overriding_parameters: overriding };
    expect(isSameJobRun(candidate, legacy)).toBe(is);
  });
});

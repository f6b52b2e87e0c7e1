import {
  jobRunSearch,
  startOrReconnect,
  submitRunSearch,
  willLookForJobRun,
} from '../../../../src/actions/jobs/orphans.js';
import { markedRunName } from '../../../../src/actions/jobs/orphan-marker.js';
import { triggerRun, type TriggerRequest } from '../../../../src/actions/jobs/trigger.js';
import type { OnOrphan } from '../../../../src/config/types.js';
import type { ApiRequest } from '../../../../src/databricks/types.js';
import { PipeError } from '../../../../src/errors.js';
import { virtualClock } from '../../../integration/jobs/support/virtual-clock.js';
import { testContext } from './support/context.js';
import { fakeApi, type Handler } from './support/fake-api.js';

const MARKER = 'dmp-0123456789abcdef';
const LIST = 'GET /api/2.2/jobs/runs/list';
const CANCEL = 'POST /api/2.2/jobs/runs/cancel';
const GET = 'GET /api/2.2/jobs/runs/get';
const BB = { cloneDir: '/tmp', pipelineUuid: '{pipeline}', commit: 'c'.repeat(40) };
const MIN = 60_000;

const running = (runId: number, startedMinAgo: number, name = `evaluate [${MARKER}]`) => ({
  run_id: runId,
  run_name: name,
  run_type: 'SUBMIT_RUN',
  start_time: Date.UTC(2026, 0, 15, 9, 0, 0) - startedMinAgo * MIN,
  creator_user_name: 'sp-1',
  state: { life_cycle_state: 'RUNNING' },
});
const terminated = (runId: number) => ({
  run_id: runId,
  state: { life_cycle_state: 'TERMINATED', result_state: 'CANCELED' },
});

interface Setup {
  onOrphan?: OnOrphan;
  listed?: unknown[] | Error;
  routes?: Record<string, Handler | unknown[]>;
}

function setup({ onOrphan = 'reconnect', listed = [], routes = {} }: Setup) {
  const api = fakeApi({
    [LIST]: listed instanceof Error ? [listed] : [{ runs: listed, has_more: false }],
    ...routes,
  });
  const test = testContext({
    api,
    clock: virtualClock(),
    type: 'submit_run',
    bitbucket: BB,
    settings: { onOrphan },
  });
  const tokens: string[] = [];
  const trigger: TriggerRequest = {
    operation: 'jobs.runs.submit',
    target: 'run-name:evaluate',
    request: { run_name: `evaluate [${MARKER}]`, idempotency_token: test.ctx.idempotencyToken },
    send: (_signal, token) => {
      tokens.push(token);
      return Promise.resolve(100);
    },
  };
  return { ...test, api, trigger, tokens };
}

describe('startOrReconnect', () => {
  it('with nothing left running, lists once (active runs, one page) and triggers', async () => {
    const { ctx, api, trigger, tokens } = setup({
      listed: [running(7, 3, 'evaluate [dmp-other]')],
    });
    await expect(startOrReconnect(ctx, trigger, submitRunSearch(MARKER))).resolves.toEqual({
      runId: 100,
      isReconnected: false,
    });
    expect(api.requests.map((r: ApiRequest) => r.query)).toEqual([
      { run_type: 'SUBMIT_RUN', active_only: true, limit: 25 },
    ]);
    expect(tokens).toEqual([ctx.idempotencyToken]);
  });

  it('without a search (no pipeline, or parameters that identify nothing) sends no request', async () => {
    const { ctx, api, trigger } = setup({});
    await startOrReconnect(ctx, trigger, undefined);
    expect(api.calls('runs/list')).toHaveLength(0);
  });

  it('reconnect: adopts the newest matching run, records it, and triggers nothing', async () => {
    const { ctx, trigger, tokens, audit, runs, lines } = setup({
      listed: [running(7, 20), running(8, 12), running(9, 1, 'other')],
    });
    await expect(startOrReconnect(ctx, trigger, submitRunSearch(MARKER))).resolves.toEqual({
      runId: 8,
      isReconnected: true,
    });
    expect(tokens).toEqual([]);
    expect(audit.events).toEqual([
      expect.objectContaining({
        operation: 'jobs.runs.reconnect',
        target: 'run:8',
        result: 'succeeded',
        // Who started it and when: the record's own step did not.
        response: { run_id: 8, start_time: '2026-01-15T08:48:00.000Z', creator_user_name: 'sp-1' },
      }),
    ]);
    // Tracked as the pipe's own: a stop or a timeout now cancels it.
    expect(runs.size).toBe(1);
    const text = (await lines()).join('\n');
    expect(text).toMatch(
      /run 8, started for this action by an earlier attempt of this step 12m ago, is RUNNING: reconnecting/,
    );
    expect(text).toMatch(/WARNING: \[1 run_job\] run 7 was also started for this action/);
  });

  it('cancel: cancels the run, waits for it to stop, then triggers with a fresh token', async () => {
    const { ctx, api, trigger, tokens, audit } = setup({
      onOrphan: 'cancel',
      listed: [running(8, 12)],
      routes: { [CANCEL]: [{}], [GET]: [terminated(8)] },
    });
    await expect(startOrReconnect(ctx, trigger, submitRunSearch(MARKER))).resolves.toEqual({
      runId: 100,
      isReconnected: false,
    });
    expect(api.calls('runs/cancel')[0]?.body).toEqual({ run_id: 8 });
    // Not the action's own token: a re-run that kept its step UUID would get run 8 back.
    expect(tokens).toEqual([expect.stringMatching(/^[0-9a-f]{64}$/)]);
    expect(tokens[0]).not.toBe(ctx.idempotencyToken);
    expect(audit.events.map((e) => [e.operation, e.target])).toEqual([
      ['jobs.runs.cancel', 'run:8'],
      ['jobs.runs.submit', 'run-name:evaluate'],
    ]);
    expect(audit.events[1]?.request).toMatchObject({ idempotency_token: tokens[0] });
  });

  it('cancel: the replacement token is the same on every attempt (a retried trigger starts one run)', async () => {
    const first = setup({
      onOrphan: 'cancel',
      listed: [running(8, 12)],
      routes: { [CANCEL]: [{}], [GET]: [terminated(8)] },
    });
    const second = setup({
      onOrphan: 'cancel',
      listed: [running(8, 12)],
      routes: { [CANCEL]: [{}], [GET]: [terminated(8)] },
    });
    await startOrReconnect(first.ctx, first.trigger, submitRunSearch(MARKER));
    await startOrReconnect(second.ctx, second.trigger, submitRunSearch(MARKER));
    expect(first.tokens).toEqual(second.tokens);
  });

  it('cancel: a run that cannot be cancelled fails the action, and nothing is started', async () => {
    const { ctx, trigger, tokens } = setup({
      onOrphan: 'cancel',
      listed: [running(8, 12)],
      routes: { [CANCEL]: [new PipeError('ERR_PERMISSION_DENIED', 'no CAN_MANAGE_RUN')] },
    });
    await expect(startOrReconnect(ctx, trigger, submitRunSearch(MARKER))).rejects.toMatchObject({
      code: 'ERR_API',
    });
    expect(tokens).toEqual([]);
  });

  it('ignore: warns and triggers as usual', async () => {
    const { ctx, trigger, tokens, lines } = setup({ onOrphan: 'ignore', listed: [running(8, 12)] });
    await expect(startOrReconnect(ctx, trigger, submitRunSearch(MARKER))).resolves.toEqual({
      runId: 100,
      isReconnected: false,
    });
    expect(tokens).toEqual([ctx.idempotencyToken]);
    expect((await lines()).join('\n')).toMatch(
      /WARNING: \[1 run_job\] run 8, .* is still active; ON_ORPHAN=ignore: starting another run/,
    );
  });

  it('a failed look-up is a warning, not a failure: the action goes on', async () => {
    const { ctx, trigger, tokens, lines } = setup({
      listed: new PipeError('ERR_RETRIES_EXHAUSTED', '503 three times'),
    });
    await expect(startOrReconnect(ctx, trigger, submitRunSearch(MARKER))).resolves.toMatchObject({
      runId: 100,
    });
    expect(tokens).toHaveLength(1);
    expect((await lines()).join('\n')).toMatch(
      /WARNING: \[1 run_job\] could not look for a run .*503 three times/,
    );
  });

  it('a stop during the look-up ends the action', async () => {
    const { ctx, trigger, tokens } = setup({
      listed: new PipeError('ERR_CANCELLED', 'received SIGTERM'),
    });
    await expect(startOrReconnect(ctx, trigger, submitRunSearch(MARKER))).rejects.toMatchObject({
      code: 'ERR_CANCELLED',
    });
    expect(tokens).toEqual([]);
  });

  it("never mistakes a run this invocation started for a predecessor's", async () => {
    const { ctx, trigger, tokens } = setup({ listed: [running(100, 0)] });
    await triggerRun(ctx, trigger);
    await expect(startOrReconnect(ctx, trigger, submitRunSearch(MARKER))).resolves.toEqual({
      runId: 100,
      isReconnected: false,
    });
    expect(tokens).toHaveLength(2);
  });
});

describe('startOrReconnect with the history (run_job on a re-run)', () => {
  const PARAMS = { job_id: 5, job_parameters: { git_commit: BB.commit } };
  const ofJob = (run: ReturnType<typeof running>) => ({
    ...run,
    run_type: 'JOB_RUN',
    job_id: 5,
    job_parameters: [{ name: 'git_commit', value: BB.commit }],
  });
  const ended = (runId: number) => ({ ...ofJob(running(runId, 90)), ...terminated(runId) });

  function jobSetup(listed: unknown[] | Error, stepRunNumber?: string) {
    const api = fakeApi({
      [LIST]: listed instanceof Error ? [listed] : [{ runs: listed, has_more: false }],
    });
    const bitbucket = { ...BB, ...(stepRunNumber ? { stepRunNumber } : {}) };
    const test = testContext({ api, clock: virtualClock(), bitbucket });
    const trigger: TriggerRequest = {
      operation: 'jobs.run-now',
      target: 'job:5',
      request: {},
      send: () => Promise.resolve(100),
    };
    return { ...test, api, trigger };
  }

  it('lists the job once, unfiltered: adopts the active match, returns every run listed', async () => {
    const page = [ended(6), ofJob(running(7, 3))];
    const { ctx, api, trigger } = jobSetup(page);
    const search = jobRunSearch(ctx, PARAMS);
    await expect(startOrReconnect(ctx, trigger, search, { withHistory: true })).resolves.toEqual({
      runId: 7,
      isReconnected: true,
      listed: page,
    });
    expect(api.requests.map((r: ApiRequest) => r.query)).toEqual([{ job_id: 5, limit: 25 }]);
  });

  it('never adopts a matching run that has ended: it is history', async () => {
    const { ctx, trigger } = jobSetup([ended(6)]);
    const started = await startOrReconnect(ctx, trigger, jobRunSearch(ctx, PARAMS), {
      withHistory: true,
    });
    expect(started).toMatchObject({ runId: 100, isReconnected: false });
    expect(started.listed?.map((r) => r.run_id)).toEqual([6]);
  });

  it.each([
    {
      name: 'without the history: active runs only, as before',
      withHistory: false,
      search: 'job',
      stepRunNumber: undefined,
      queries: [{ job_id: 5, active_only: true, limit: 25 }],
    },
    {
      name: 'one-time runs: active only, never history',
      withHistory: true,
      search: 'submit',
      stepRunNumber: undefined,
      queries: [{ run_type: 'SUBMIT_RUN', active_only: true, limit: 25 }],
    },
    {
      name: 'a first attempt: no request at all',
      withHistory: true,
      search: 'job',
      stepRunNumber: '1',
      queries: [],
    },
  ])('$name', async ({ withHistory, search, stepRunNumber, queries }) => {
    const { ctx, api, trigger } = jobSetup([], stepRunNumber);
    const orphans = search === 'job' ? jobRunSearch(ctx, PARAMS) : submitRunSearch(MARKER);
    const started = await startOrReconnect(ctx, trigger, orphans, { withHistory });
    expect(started).not.toHaveProperty('listed');
    expect(api.requests.map((r: ApiRequest) => r.query)).toEqual(queries);
  });

  it('a failed look-up costs the history too, not the action', async () => {
    const { ctx, trigger } = jobSetup(new PipeError('ERR_RETRIES_EXHAUSTED', '503'));
    const started = await startOrReconnect(ctx, trigger, jobRunSearch(ctx, PARAMS), {
      withHistory: true,
    });
    expect(started).toEqual({ runId: 100, isReconnected: false });
  });
});

describe('willLookForJobRun', () => {
  const body = { job_id: 5, job_parameters: { git_commit: BB.commit } };
  it.each([
    {
      name: 'a re-run with the commit in its parameters',
      bb: { ...BB, stepRunNumber: '2' },
      given: body,
      will: true,
    },
    { name: 'no run number (taken as a re-run)', bb: BB, given: body, will: true },
    { name: 'a first attempt', bb: { ...BB, stepRunNumber: '1' }, given: body, will: false },
    {
      name: 'parameters without the commit',
      bb: BB,
      given: { job_id: 5, job_parameters: { e: '1' } },
      will: false,
    },
    {
      name: 'outside a pipeline',
      bb: { cloneDir: '/tmp', commit: BB.commit },
      given: body,
      will: false,
    },
  ])('$name → $will', ({ bb, given, will }) => {
    const { ctx } = testContext({ api: fakeApi({}), clock: virtualClock(), bitbucket: bb });
    expect(willLookForJobRun(ctx, given)).toBe(will);
  });
});

describe('jobRunSearch', () => {
  const body = { job_id: 5, job_parameters: { git_commit: BB.commit } };
  it.each([
    { name: 'parameters carrying the commit', bb: BB, given: body, query: { job_id: 5 } },
    {
      name: 'parameters without it',
      bb: BB,
      given: { job_id: 5, job_parameters: { e: '1' } },
      query: undefined,
    },
    {
      name: 'outside a pipeline',
      bb: { cloneDir: '/tmp', commit: BB.commit },
      given: body,
      query: undefined,
    },
  ])('$name → query $query', ({ bb, given, query }) => {
    const { ctx } = testContext({ api: fakeApi({}), clock: virtualClock(), bitbucket: bb });
    expect(jobRunSearch(ctx, given)?.query).toEqual(query);
  });

  it('matches a run-now run of the job with the same parameters only', () => {
    const { ctx } = testContext({ api: fakeApi({}), clock: virtualClock(), bitbucket: BB });
    const search = jobRunSearch(ctx, body);
    const params = (commit: string) => [{ name: 'git_commit', value: commit }];
    expect(search?.isMatch({ run_id: 1, job_id: 5, job_parameters: params(BB.commit) })).toBe(true);
    expect(search?.isMatch({ run_id: 1, job_id: 5, job_parameters: params('d'.repeat(40)) })).toBe(
      false,
    );
  });
});

describe('markedRunName', () => {
  it('appends the marker in brackets', () => {
    expect(markedRunName('evaluate abc', MARKER)).toBe(`evaluate abc [${MARKER}]`);
  });
});

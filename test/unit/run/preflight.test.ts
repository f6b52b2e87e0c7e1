import { preflightSelectionOf } from '../../../src/actions/registry/preflight-selection.js';
import { loadConfig } from '../../../src/config/load-config.js';
import { buildPlan } from '../../../src/plan/build-plan.js';
import { preflight } from '../../../src/run/preflight.js';
import { virtualClock } from '../../integration/jobs/support/virtual-clock.js';
import { testContext } from '../actions/jobs/support/context.js';
import { fakeApi } from '../actions/jobs/support/fake-api.js';

const REGISTER = `
- register_model:
    name: churn
    from_run: { experiment: /Shared/churn, order_by: "metrics.auc DESC" }
`;
const TRAIN = '- run_job: { job: 7 }\n';
const EVALUATE =
  '- submit_run: { run_name: e, tasks: [{ task_key: e, notebook_task: { notebook_path: nb } }] }\n';
const TAG = '- tag_run: { run_id: abc }\n';
const SET_ALIAS = '- set_alias: { name: churn, version: "1", alias: champion }\n';

const run = (id: string) => ({ info: { run_id: id, experiment_id: '7' } });

/** Returns the preflight's resolutions of `yaml`, against a fake workspace that has it all. */
async function preflightOf(yaml: string): Promise<Map<number, unknown>> {
  const { config } = loadConfig(
    {
      DATABRICKS_HOST: 'https://dbc-test.cloud.databricks.com',
      DATABRICKS_TOKEN: 'dapi-test',
      ACTIONS: yaml,
      BITBUCKET_COMMIT: 'c'.repeat(40),
    },
    '/tmp',
  );
  const plan = buildPlan({ kind: 'inline', variable: 'ACTIONS', text: yaml }, yaml, config);
  const api = fakeApi({
    'GET /api/2.2/jobs/get': [{ job_id: 7, settings: { name: 'train', timeout_seconds: 60 } }],
    'GET /api/2.2/jobs/runs/list': [{ runs: [] }],
    'GET /api/2.0/mlflow/experiments/get-by-name': [{ experiment: { experiment_id: '7' } }],
    'POST /api/2.0/mlflow/runs/search': [{ runs: [run('best')] }],
    'GET /api/2.0/mlflow/runs/get': [{ run: run('abc') }],
    'GET /api/2.0/mlflow/registered-models/get': [{ registered_model: { name: 'churn' } }],
  });
  const clock = virtualClock();
  return preflight(plan, config, (action) => ({ ...testContext({ api, clock }).ctx, action }));
}

describe('preflight: which MLflow selections the actions may reuse', () => {
  it.each([
    { name: 'the first action', plan: REGISTER, index: 1, isFinal: true },
    {
      name: 'after set_alias (changes no run)',
      plan: SET_ALIAS + REGISTER,
      index: 2,
      isFinal: true,
    },
    {
      name: 'before run_job (later actions do not count)',
      plan: REGISTER + TRAIN,
      index: 1,
      isFinal: true,
    },
    { name: 'after run_job (it may log runs)', plan: TRAIN + REGISTER, index: 2, isFinal: false },
    {
      name: 'after submit_run (it may log runs)',
      plan: EVALUATE + REGISTER,
      index: 2,
      isFinal: false,
    },
    {
      name: 'after tag_run (a filter may test its tags)',
      plan: TAG + REGISTER,
      index: 2,
      isFinal: false,
    },
    {
      name: 'after register_model (it tags its run)',
      plan: REGISTER + TAG,
      index: 2,
      isFinal: false,
    },
    { name: 'tag_run first', plan: TAG, index: 1, isFinal: true },
  ])('$name → final: $isFinal', async ({ plan, index, isFinal }) => {
    const selection = preflightSelectionOf((await preflightOf(plan)).get(index));
    expect(selection?.isFinal).toBe(isFinal);
  });

  it('leaves resolutions that are not selections as they are', async () => {
    const resolved = await preflightOf(REGISTER + TRAIN);
    expect(resolved.get(2)).toMatchObject({ kind: 'run_job', job: { jobId: 7 } });
  });
});

/**
 * register_model and set_alias on Unity Catalog against the emulator: the version is created
 * by a submitted serverless run of the shipped script (DESIGN §3), read back from the run's
 * output, and an alias moved; missing privileges are named.
 */
import {
  REGISTER_ENVIRONMENT,
  REGISTER_SCRIPT,
  SHARED_REGISTER_SCRIPT_PATH,
  registerScriptPath,
} from '../../../src/actions/registry/register-script.js';
import { isPipeError, type PipeError } from '../../../src/errors.js';
import { STEP_ENV } from '../../support/action-context.js';
import {
  COMMIT,
  PIPE_PRINCIPAL,
  seedTrainingRun,
  startWorkspace,
  type Workspace,
} from './support.js';

const MODEL = 'ml_prod.churn.classifier';
// The identity's own home folder: nobody else (admins aside) can swap the script it runs.
const SCRIPT_PATH = registerScriptPath(PIPE_PRINCIPAL);
const PLAN = `
- id: register
  register_model:
    name: ${MODEL}
    from_run:
      experiment: /Shared/churn
      filter: "tags.\`mlflow.source.git.commit\` = '{{ bitbucket.commit }}'"
      order_by: "metrics.auc DESC"
- id: promote
  set_alias: { name: ${MODEL}, version: "{{ register.version }}", alias: champion }
`;
const REGISTER_ONLY = PLAN.split('- id: promote')[0] ?? '';

function failure(promise: Promise<unknown>): Promise<PipeError> {
  return promise.then(
    () => {
      throw new Error('expected the plan to fail');
    },
    (error: unknown) => {
      if (!isPipeError(error)) throw error;
      return error;
    },
  );
}

describe('Unity Catalog registration through a submitted run', () => {
  let ws: Workspace;
  let best: string;
  beforeEach(async () => {
    ws = await startWorkspace();
    seedTrainingRun(ws.emu, { auc: 0.8 });
    best = seedTrainingRun(ws.emu, { auc: 0.93 });
    ws.emu.ml.addUcModel({
      full_name: MODEL,
      versions: [{ source: 'runs:/old/model', aliases: ['champion'] }],
    });
  });
  afterEach(() => ws.emu.close());

  it('registers the best run of this commit via the script and moves champion to it', async () => {
    const h = await ws.harness();
    const outputs = await h.runPlan(PLAN);
    expect(outputs.get(1)).toEqual({ version: '2', run_id: best, source: `runs:/${best}/model` });
    expect(outputs.get(2)).toEqual({ previous_version: '1' });
    const model = ws.emu.ml.getUcModel(MODEL);
    expect(model?.aliases.get('champion')).toBe(2);
    expect(model?.versions[1]).toMatchObject({
      run_id: best,
      status: 'READY',
      created_by: PIPE_PRINCIPAL,
    });
    expect(model?.versions[1]?.tags).toMatchObject({
      'mlflow.source.git.commit': COMMIT,
      'bitbucket.pipeline_uuid': STEP_ENV['BITBUCKET_PIPELINE_UUID'],
      'bitbucket.action': 'register',
    });
    expect(SCRIPT_PATH).toMatch(new RegExp(`^/Workspace/Users/${PIPE_PRINCIPAL}/\\.databricks-ml-pipe/`));
    expect(ws.emu.ml.readWorkspaceFile(SCRIPT_PATH)).toEqual({
      object_type: 'FILE',
      content: REGISTER_SCRIPT,
    });
    const [submit] = ws.emu.findRequests({ method: 'POST', path: 'jobs/runs/submit' });
    const register = h.plan(PLAN).actions[0];
    expect(submit?.body).toMatchObject({
      idempotency_token: register ? h.context(register).idempotencyToken : 'missing',
      environments: [REGISTER_ENVIRONMENT],
      tasks: [
        {
          environment_key: 'default',
          spark_python_task: {
            python_file: SCRIPT_PATH,
            parameters: expect.arrayContaining([
              '--name',
              MODEL,
              '--source',
              `runs:/${best}/model`,
              '--run-id',
              best,
            ]),
          },
        },
      ],
    });
    expect((submit?.body as { timeout_seconds?: number }).timeout_seconds).toBeGreaterThan(0);
    expect(h.audit.map((e) => `${e.operation} ${e.result}`)).toEqual([
      'mlflow.runs.log-batch succeeded',
      'workspace.import succeeded',
      'jobs.runs.submit succeeded',
      'unity-catalog.models.aliases.set succeeded',
    ]);
  });

  it('reuses the same run and version when the step runs the plan again', async () => {
    await (await ws.harness()).runPlan(PLAN);
    const again = await (await ws.harness()).runPlan(PLAN);
    expect(again.get(1)).toMatchObject({ version: '2' });
    expect(again.get(2)).toEqual({ previous_version: '2' });
    expect(ws.emu.ml.getUcModel(MODEL)?.versions).toHaveLength(2);
    expect(ws.emu.runs.list()).toHaveLength(1);
  });

  it('finds the version by run id when the run output has no result line', async () => {
    ws.emu.faults.add({
      method: 'GET',
      path: 'jobs/runs/get-output',
      respond: { status: 200, body: { logs: 'output truncated', logs_truncated: true } },
    });
    const h = await ws.harness();
    const outputs = await h.runPlan(REGISTER_ONLY);
    expect(outputs.get(1)).toMatchObject({ version: '2', run_id: best });
    expect(h.output.text).toContain('printed no DATABRICKS_ML_PIPE_RESULT line');
  });

  it('uses the shared folder, and says so, only when the workspace cannot say who the identity is', async () => {
    ws.emu.faults.add({
      method: 'GET',
      path: 'preview/scim/v2/Me',
      respond: { status: 404, body: { error_code: 'ENDPOINT_NOT_FOUND', message: 'no SCIM' } },
    });
    const h = await ws.harness();
    const outputs = await h.runPlan(REGISTER_ONLY);
    expect(outputs.get(1)).toMatchObject({ version: '2' });
    expect(h.output.text).toContain('which every workspace user can write');
    expect(ws.emu.ml.readWorkspaceFile(SHARED_REGISTER_SCRIPT_PATH)).toMatchObject({ object_type: 'FILE' });
    const [submit] = ws.emu.findRequests({ method: 'POST', path: 'jobs/runs/submit' });
    expect(JSON.stringify(submit?.body)).toContain(SHARED_REGISTER_SCRIPT_PATH);
  });

  it('fails without uploading anywhere when asking who the identity is fails otherwise', async () => {
    ws.emu.faults.add({
      method: 'GET',
      path: 'preview/scim/v2/Me',
      respond: { status: 403, body: { error_code: 'PERMISSION_DENIED', message: 'no' } },
    });
    const h = await ws.harness();
    await failure(h.runPlan(REGISTER_ONLY));
    expect(ws.emu.findRequests({ method: 'POST', path: 'workspace/import' })).toEqual([]);
    expect(ws.emu.findRequests({ method: 'POST', path: 'jobs/runs/submit' })).toEqual([]);
  });

  it('names the folder when the identity may not upload the script', async () => {
    ws.emu.faults.add({
      method: 'POST',
      path: 'workspace/mkdirs',
      respond: { status: 403, body: { error_code: 'PERMISSION_DENIED', message: 'no write' } },
    });
    const h = await ws.harness();
    const error = await failure(h.runPlan(REGISTER_ONLY));
    expect(error.code).toBe('ERR_PERMISSION_DENIED');
    expect(error.message).toContain(`/Workspace/Users/${PIPE_PRINCIPAL}/.databricks-ml-pipe/`);
    expect(error.hint).toContain(`/Workspace/Users/${PIPE_PRINCIPAL}/.databricks-ml-pipe`);
    expect(ws.emu.findRequests({ method: 'POST', path: 'jobs/runs/submit' })).toEqual([]);
    expect(h.audit.map((e) => `${e.operation} ${e.result}`)).toEqual([
      'mlflow.runs.log-batch succeeded',
      'workspace.import failed',
    ]);
  });

  it.each([
    {
      name: 'CREATE MODEL VERSION on the model',
      denial: { privilege: 'CREATE MODEL VERSION', on: MODEL },
      expected: /CREATE MODEL VERSION on model ml_prod\.churn\.classifier/,
    },
    {
      name: 'USE SCHEMA on the schema',
      denial: { principal: PIPE_PRINCIPAL, privilege: 'USE SCHEMA', on: 'ml_prod.churn' },
      expected: /USE SCHEMA on schema ml_prod\.churn/,
    },
  ])('reports a registration denied $name, naming the grant', async ({ denial, expected }) => {
    ws.emu.ml.denyUc(denial);
    const h = await ws.harness();
    const error = await failure(h.runPlan(REGISTER_ONLY));
    expect(error.code).toBe('ERR_PERMISSION_DENIED');
    expect(error.message).toMatch(expected);
    expect(error.details).toEqual(
      expect.arrayContaining([
        'needs USE CATALOG on catalog ml_prod',
        'needs ownership of model ml_prod.churn.classifier, or CREATE MODEL VERSION on it',
      ]),
    );
    expect(error.details.some((d) => d.startsWith('registration run: http'))).toBe(true);
    expect(error.outputs).toEqual({ run_id: best, source: `runs:/${best}/model` });
    expect(ws.emu.ml.getUcModel(MODEL)?.versions).toHaveLength(1);
  });

  it('reports CREATE MODEL on the schema when the model does not exist yet', async () => {
    ws.emu.ml.denyUc({ privilege: 'CREATE MODEL', on: 'ml_prod.churn' });
    const h = await ws.harness();
    const plan = PLAN.replaceAll(MODEL, 'ml_prod.churn.brand_new').split('- id: promote')[0] ?? '';
    const error = await failure(h.runPlan(plan));
    expect(error.code).toBe('ERR_PERMISSION_DENIED');
    expect(error.message).toMatch(/CREATE MODEL on schema ml_prod\.churn/);
  });

  it('reports an alias the identity may not set, naming ownership or MANAGE', async () => {
    ws.emu.ml.denyUc({ privilege: 'MANAGE', on: MODEL });
    const h = await ws.harness();
    const error = await failure(
      h.runPlan(`- set_alias: { name: ${MODEL}, version: 1, alias: challenger }`),
    );
    expect(error.code).toBe('ERR_PERMISSION_DENIED');
    expect(error.message).toMatch(
      /MANAGE on model ml_prod\.churn\.classifier \(or ownership of it\)/,
    );
    expect(h.audit.map((e) => `${e.operation} ${e.result}`)).toEqual([
      'unity-catalog.models.aliases.set failed',
    ]);
  });

  it('set_alias preflight reports a missing UC model as ERR_NOT_FOUND', async () => {
    const h = await ws.harness();
    const error = await failure(
      h.preflightPlan('- set_alias: { name: ml_prod.churn.missing, version: 1, alias: champion }'),
    );
    expect(error.code).toBe('ERR_NOT_FOUND');
    expect(error.message).toContain('ml_prod.churn.missing');
  });
});

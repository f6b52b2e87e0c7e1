import { call, startHarness, type Harness } from './emu-helpers.js';

/** The ML modules over real loopback sockets, behind the emulator's auth and routing. */

const SCRIPT = '/Workspace/Shared/.databricks-ml-pipe/1.0.0/register_model.py';
const UC_NAME = 'ml_prod.churn.classifier';

describe('MLflow, registry, UC and workspace over HTTP', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.emu.close();
  });

  const send = (method: string, path: string, body: unknown) =>
    call(`${h.emu.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${h.token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  it('requires a token on MLflow endpoints', async () => {
    const res = await call(`${h.emu.url}/api/2.0/mlflow/experiments/get-by-name?experiment_name=x`);
    expect(res.status).toBe(401);
  });

  it('finds the best run of a commit and tags it', async () => {
    const exp = h.emu.ml.addExperiment({ name: '/Shared/churn' });
    const commit = { 'mlflow.source.git.commit': 'abc' };
    h.emu.ml.addMlflowRun({ experiment: '/Shared/churn', metrics: { auc: 0.8 }, tags: commit });
    const best = h.emu.ml.addMlflowRun({
      experiment: '/Shared/churn',
      metrics: { auc: 0.9 },
      tags: commit,
    });
    const found = await h.get('/api/2.0/mlflow/experiments/get-by-name', {
      experiment_name: '/Shared/churn',
    });
    expect(found.body.experiment.experiment_id).toBe(exp.experiment_id);
    const res = await h.post('/api/2.0/mlflow/runs/search', {
      experiment_ids: [exp.experiment_id],
      filter: "tags.`mlflow.source.git.commit` = 'abc' and attributes.status = 'FINISHED'",
      order_by: ['metrics.auc DESC'],
      max_results: 1,
    });
    expect(res.status).toBe(200);
    expect(res.body.runs[0].info.run_id).toBe(best.info.run_id);
    expect(res.body.next_page_token).toEqual(expect.any(String));
    await h.post('/api/2.0/mlflow/runs/set-tag', {
      run_id: best.info.run_id,
      key: 'bitbucket.buildNumber',
      value: '7',
    });
    expect(h.emu.ml.getMlflowRun(best.info.run_id)?.tags['bitbucket.buildNumber']).toBe('7');
    const bad = await h.post('/api/2.0/mlflow/runs/search', {
      experiment_ids: [exp.experiment_id],
      filter: 'metrics.auc >',
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error_code).toBe('INVALID_PARAMETER_VALUE');
  });

  it('registers a workspace-registry version that becomes READY and moves an alias', async () => {
    const run = h.emu.ml.addMlflowRun({ experiment: '/Shared/churn', artifact_paths: ['model'] });
    h.emu.ml.setRegistrationDelay(6000);
    expect((await h.get('/api/2.0/mlflow/registered-models/get', { name: 'churn' })).status).toBe(
      404,
    );
    expect(
      (await h.post('/api/2.0/mlflow/registered-models/create', { name: 'churn' })).status,
    ).toBe(200);
    const created = await h.post('/api/2.0/mlflow/model-versions/create', {
      name: 'churn',
      source: `runs:/${run.info.run_id}/model`,
      run_id: run.info.run_id,
    });
    expect(created.body.model_version).toMatchObject({
      version: '1',
      status: 'PENDING_REGISTRATION',
    });
    h.clock.advance(6000);
    const ready = await h.get('/api/2.0/mlflow/model-versions/get', {
      name: 'churn',
      version: '1',
    });
    expect(ready.body.model_version.status).toBe('READY');
    expect(
      (
        await h.post('/api/2.0/mlflow/registered-models/alias', {
          name: 'churn',
          alias: 'champion',
          version: '1',
        })
      ).status,
    ).toBe(200);
    const deleted = await send('DELETE', '/api/2.0/mlflow/registered-models/alias', {
      name: 'churn',
      alias: 'champion',
    });
    expect(deleted.status).toBe(200);
    expect(
      (await h.get('/api/2.0/mlflow/registered-models/get', { name: 'churn' })).body
        .registered_model.aliases,
    ).toBeUndefined();
  });

  async function submitRegistration(runId: string): Promise<number> {
    const submitted = await h.post('/api/2.2/jobs/runs/submit', {
      run_name: 'register classifier',
      timeout_seconds: 600,
      tasks: [
        {
          task_key: 'register',
          environment_key: 'default',
          spark_python_task: {
            python_file: SCRIPT,
            parameters: [
              '--name',
              UC_NAME,
              '--source',
              `runs:/${runId}/model`,
              '--run-id',
              runId,
              '--tags',
              '{"mlflow.source.git.commit":"abc"}',
            ],
          },
        },
      ],
      environments: [{ environment_key: 'default', spec: { client: '1' } }],
    });
    expect(submitted.status).toBe(200);
    h.clock.advance(60_000);
    const run = await h.get('/api/2.2/jobs/runs/get', { run_id: submitted.body.run_id });
    return run.body.tasks[0].run_id as number;
  }

  it('registers a UC version through an uploaded script and a submitted run, then moves an alias', async () => {
    const run = h.emu.ml.addMlflowRun({ experiment: '/Shared/churn', artifact_paths: ['model'] });
    expect(
      (
        await h.post('/api/2.0/workspace/mkdirs', {
          path: '/Workspace/Shared/.databricks-ml-pipe/1.0.0',
        })
      ).status,
    ).toBe(200);
    const content = Buffer.from('import mlflow\n').toString('base64');
    expect(
      (
        await h.post('/api/2.0/workspace/import', {
          path: SCRIPT,
          format: 'AUTO',
          content,
          overwrite: true,
        })
      ).status,
    ).toBe(200);
    const taskRunId = await submitRegistration(run.info.run_id);
    const output = await h.get('/api/2.2/jobs/runs/get-output', { run_id: taskRunId });
    expect(output.body.metadata.state.result_state).toBe('SUCCESS');
    const resultLine = (output.body.logs as string).trimEnd().split('\n').at(-1) ?? '';
    expect(resultLine).toBe(`DATABRICKS_ML_PIPE_RESULT {"name":"${UC_NAME}","version":"1"}`);
    const version = await h.get(`/api/2.1/unity-catalog/models/${UC_NAME}/versions/1`);
    expect(version.body).toMatchObject({ status: 'READY', run_id: run.info.run_id, version: 1 });
    const alias = await send('PUT', `/api/2.1/unity-catalog/models/${UC_NAME}/aliases/champion`, {
      version_num: 1,
    });
    expect(alias.body).toMatchObject({ alias_name: 'champion', version_num: 1 });
    const byAlias = await h.get(`/api/2.1/unity-catalog/models/${UC_NAME}/aliases/champion`);
    expect(byAlias.body.version).toBe(1);
  });

  it('fails the registration run with the missing grant named when UC denies it', async () => {
    const run = h.emu.ml.addMlflowRun({ experiment: '/Shared/churn', artifact_paths: ['model'] });
    h.emu.ml.addWorkspaceFile(SCRIPT, 'import mlflow\n');
    h.emu.ml.addUcModel({ full_name: UC_NAME });
    h.emu.ml.denyUc({ privilege: 'CREATE MODEL VERSION', on: UC_NAME });
    const taskRunId = await submitRegistration(run.info.run_id);
    const output = await h.get('/api/2.2/jobs/runs/get-output', { run_id: taskRunId });
    expect(output.body.metadata.state.result_state).toBe('FAILED');
    expect(output.body.error).toContain(
      `PERMISSION_DENIED: User does not have CREATE MODEL VERSION on Routine or Model '${UC_NAME}'`,
    );
    expect(h.emu.ml.getUcModel(UC_NAME)?.versions).toHaveLength(0);
  });
});

/**
 * Workspace-registry paths the open-source server cannot stage, against the emulator: slow and
 * failed registrations, a create that fails without an answer, a selector's max_results.
 */
import { isPipeError, type PipeError } from '../../../src/errors.js';
import { seedTrainingRun, startWorkspace, type Workspace } from './support.js';

const PLAN = `
- id: register
  register_model:
    name: churn
    from_run: { experiment: /Shared/churn, order_by: "metrics.auc DESC" }
    timeout: 30s
`;

async function failure(promise: Promise<unknown>): Promise<PipeError> {
  const error: unknown = await promise.then(
    () => new Error('expected a failure'),
    (e: unknown) => e,
  );
  if (!isPipeError(error)) throw error;
  return error;
}

describe('workspace registry against the emulator', () => {
  let ws: Workspace;
  let run: string;
  beforeEach(async () => {
    ws = await startWorkspace();
    run = seedTrainingRun(ws.emu);
  });
  afterEach(() => ws.emu.close());

  it('polls a pending version every 3 s until READY', async () => {
    ws.emu.ml.setRegistrationDelay(10_000);
    const h = await ws.harness();
    const outputs = await h.runPlan(PLAN);
    expect(outputs.get(1)).toMatchObject({ version: '1', run_id: run });
    const polls = ws.emu.findRequests({ method: 'GET', path: 'model-versions/get' });
    expect(polls.length).toBeGreaterThanOrEqual(4);
    expect(polls.length).toBeLessThanOrEqual(6);
    expect(ws.clock.sleeps.filter((ms) => ms === 3_000).length).toBeGreaterThanOrEqual(3);
    expect(h.output.text).toContain(
      'version 1 of "churn" is PENDING_REGISTRATION; waiting for READY',
    );
  });

  it('fails with ERR_REGISTRATION_FAILED and the status message, keeping the version in outputs', async () => {
    ws.emu.ml.setRegistrationDelay(4_000);
    ws.emu.ml.failRegistration({ message: 'artifacts at runs:/…/model are not a model' });
    const error = await failure((await ws.harness()).runPlan(PLAN));
    expect(error.code).toBe('ERR_REGISTRATION_FAILED');
    expect(error.message).toContain('artifacts at runs:/…/model are not a model');
    expect(error.outputs).toEqual({ version: '1', run_id: run, source: `runs:/${run}/model` });
  });

  it('times out with ERR_TIMEOUT when the version stays pending past the timeout', async () => {
    ws.emu.ml.setRegistrationDelay(3_600_000);
    const error = await failure((await ws.harness()).runPlan(PLAN));
    expect(error.code).toBe('ERR_TIMEOUT');
    expect(error.outputs).toMatchObject({ version: '1' });
  });

  it.each([
    { name: 'a 503', fault: { respond: { status: 503 } } },
    { name: 'a reset connection', fault: { reset: true } },
  ])(
    'after $name on model-versions/create, looks first, then creates it once',
    async ({ fault }) => {
      ws.emu.faults.add({ method: 'POST', path: 'model-versions/create', ...fault });
      const h = await ws.harness();
      const outputs = await h.runPlan(PLAN);
      expect(outputs.get(1)).toMatchObject({ version: '1' });
      expect(ws.emu.findRequests({ method: 'POST', path: 'model-versions/create' })).toHaveLength(
        2,
      );
      // It looked for a version this step created before creating again.
      const searches = ws.emu.findRequests({ method: 'GET', path: 'model-versions/search' });
      expect(searches).toHaveLength(2);
      expect(ws.emu.ml.getModelVersion('churn', 2)).toBeUndefined();
      expect(
        h.audit.filter((e) => e.operation === 'mlflow.model-versions.create').map((e) => e.result),
      ).toEqual(['failed', 'succeeded']);
    },
  );

  it('treats a registered model created concurrently (RESOURCE_ALREADY_EXISTS) as success', async () => {
    // Another pipeline creates the model between our read and our create.
    ws.emu.ml.addRegisteredModel({ name: 'churn' });
    ws.emu.faults.add({
      method: 'GET',
      path: 'registered-models/get',
      respond: { status: 404, body: { error_code: 'RESOURCE_DOES_NOT_EXIST', message: 'not yet' } },
    });
    const h = await ws.harness();
    const outputs = await h.runPlan(PLAN);
    expect(outputs.get(1)).toMatchObject({ version: '1' });
    expect(h.audit.map((e) => `${e.operation} ${e.result}`)).toEqual([
      'mlflow.runs.log-batch succeeded',
      'mlflow.registered-models.create failed',
      'mlflow.model-versions.create succeeded',
    ]);
  });

  it('tag_run tags every match of a selector up to max_results, best first', async () => {
    const runs = [0.1, 0.2, 0.3, 0.4].map((auc) => seedTrainingRun(ws.emu, { auc }));
    const h = await ws.harness();
    const outputs = await h.runPlan(`
- tag_run:
    from_run: { experiment: /Shared/churn, filter: "metrics.auc < 0.5", order_by: "metrics.auc DESC", max_results: 3 }
    tags: { candidate: "true" }
`);
    expect(outputs.get(1)).toEqual({ run_ids: [runs[3], runs[2], runs[1]] });
    expect(ws.emu.ml.getMlflowRun(runs[0] ?? '')?.tags['candidate']).toBeUndefined();
    expect(ws.emu.ml.getMlflowRun(runs[3] ?? '')?.tags).toMatchObject({
      candidate: 'true',
      'bitbucket.build_number': '42',
    });
  });

  it('transition_stage uses the Databricks path with the comment and reports the previous stage', async () => {
    ws.emu.ml.addModelVersion('churn', { source: `runs:/${run}/model`, stage: 'Staging' });
    const outputs = await (
      await ws.harness()
    ).runPlan(`
- transition_stage: { name: churn, version: 1, stage: Production, comment: "release 42" }
`);
    expect(outputs.get(1)).toEqual({ previous_stage: 'Staging' });
    const [call] = ws.emu.findRequests({ method: 'POST', path: /transition-stage$/ });
    expect(call?.path).toBe('/api/2.0/mlflow/databricks/model-versions/transition-stage');
    expect(call?.body).toMatchObject({ comment: 'release 42', archive_existing_versions: false });
  });

  it('with PROVENANCE_TAGS=false tags only what the step needs to find its version again', async () => {
    const h = await ws.harness({ PROVENANCE_TAGS: 'false' });
    await h.runPlan(PLAN);
    expect(Object.keys(ws.emu.ml.getModelVersion('churn', 1)?.tags ?? {}).sort()).toEqual([
      'bitbucket.action',
      'bitbucket.pipeline_uuid',
      'bitbucket.step_uuid',
    ]);
    expect(ws.emu.ml.getMlflowRun(run)?.tags).not.toHaveProperty('bitbucket.commit');
    // No run tag write of either kind (runs/set-tag, runs/log-batch).
    expect(h.audit.map((e) => e.operation).filter((op) => op.startsWith('mlflow.runs.'))).toEqual(
      [],
    );
  });
});

/**
 * The registry actions against a REAL MLflow tracking server (issue #6): the same REST API
 * Databricks hosts for tracking and the workspace registry.
 */
import { NoMatchingRunError } from '../../../src/actions/registry/selection.js';
import { isPipeError } from '../../../src/errors.js';
import { actionHarness, STEP_ENV, type ActionHarness } from '../../support/action-context.js';
import { describeWithMlflow } from '../../support/mlflow-server.js';
import { runPipe } from '../../support/run-pipe.js';
import { ensureExperiment, runTagsOf, seedRun, versionsOf } from './seed.js';

const COMMIT = STEP_ENV['BITBUCKET_COMMIT'] ?? '';
const OTHER_COMMIT = '0123456789abcdef0123456789abcdef01234567';
// MLflow ignores the bearer token; the pipe's PAT method needs one.
const TOKEN = 'mlflow-server-needs-no-token';

function releasePlan(model: string, experiment: string): string {
  return `
- id: register
  register_model:
    name: ${model}
    from_run:
      experiment: ${experiment}
      filter: "tags.\`mlflow.source.git.commit\` = '{{ bitbucket.commit }}'"
      order_by: "metrics.auc DESC"
- id: promote
  set_alias:
    name: ${model}
    version: "{{ register.version }}"
    alias: champion
`;
}

describeWithMlflow('registry actions against a real MLflow server', (server) => {
  let experimentId: string;
  let best: string;
  let worse: string;
  const experiment = '/Shared/churn';

  beforeAll(async () => {
    experimentId = await ensureExperiment(server(), experiment);
    worse = await seedRun(server(), experimentId, {
      metrics: { auc: 0.81 },
      tags: { 'mlflow.source.git.commit': COMMIT },
    });
    best = await seedRun(server(), experimentId, {
      metrics: { auc: 0.87 },
      tags: { 'mlflow.source.git.commit': COMMIT },
    });
    // A better run of another commit must not be picked.
    await seedRun(server(), experimentId, {
      metrics: { auc: 0.95 },
      tags: { 'mlflow.source.git.commit': OTHER_COMMIT },
    });
  });

  const harness = (env: Record<string, string> = {}): Promise<ActionHarness> =>
    actionHarness({ host: server().url, token: TOKEN, env });

  it('registers the best run of this commit, READY, with provenance, and points champion at it', async () => {
    const h = await harness();
    const outputs = await h.runPlan(releasePlan('churn-a', experiment));
    expect(outputs.get(1)).toEqual({ version: '1', run_id: best, source: `runs:/${best}/model` });
    expect(outputs.get(2)).toEqual({ previous_version: '' });
    const [version] = await versionsOf(server(), 'churn-a');
    expect(version).toMatchObject({ version: '1', status: 'READY', run_id: best });
    expect(version?.tags).toMatchObject({
      'mlflow.source.git.commit': COMMIT,
      // completed from the pipeline: the run records the same commit
      'mlflow.source.git.branch': 'main',
      'mlflow.source.git.repoURL': 'https://bitbucket.org/acme/churn',
      'bitbucket.repo': 'acme/churn',
      'bitbucket.build_number': '42',
      'bitbucket.deployment_environment': 'production',
      'bitbucket.pipeline_uuid': STEP_ENV['BITBUCKET_PIPELINE_UUID'],
      'bitbucket.step_uuid': STEP_ENV['BITBUCKET_STEP_UUID'],
      'bitbucket.action': 'register',
    });
    const model = await server().get<{
      registered_model: { aliases?: { alias: string; version: string }[] };
    }>('registered-models/get', { name: 'churn-a' });
    expect(model.registered_model.aliases).toEqual([{ alias: 'champion', version: '1' }]);
    const tags = await runTagsOf(server(), best);
    expect(tags).toMatchObject({
      'mlflow.source.git.commit': COMMIT,
      'bitbucket.commit': COMMIT,
      'bitbucket.build_number': '42',
    });
    // The run has its own lineage (a commit): the pipe adds no git keys to it.
    expect(tags['mlflow.source.git.branch']).toBeUndefined();
    expect(await runTagsOf(server(), worse)).not.toHaveProperty('bitbucket.commit');
    // The run's provenance tags in one runs/log-batch call, which the real server takes.
    expect(h.audit.map((e) => `${e.operation} ${e.result}`)).toEqual([
      'mlflow.runs.log-batch succeeded',
      'mlflow.registered-models.create succeeded',
      'mlflow.model-versions.create succeeded',
      'mlflow.registered-models.alias succeeded',
    ]);
  });

  it('is safe to run again in the same step: same version, no error, nothing duplicated', async () => {
    const first = await (await harness()).runPlan(releasePlan('churn-b', experiment));
    const again = await harness();
    const outputs = await again.runPlan(releasePlan('churn-b', experiment));
    expect(outputs.get(1)).toEqual(first.get(1));
    expect(outputs.get(2)).toEqual({ previous_version: '1' });
    expect(await versionsOf(server(), 'churn-b')).toHaveLength(1);
    // Only the alias write repeats (idempotent); nothing is created twice.
    expect(again.audit.map((e) => e.operation)).toEqual(['mlflow.registered-models.alias']);
  });

  it('registers a new version from a new step of the same pipeline', async () => {
    await (await harness()).runPlan(releasePlan('churn-c', experiment));
    const next = await harness({ BITBUCKET_STEP_UUID: '{7f7f7f7f-3333-4a4a-8b8b-9c9c9c9c9c9c}' });
    const outputs = await next.runPlan(releasePlan('churn-c', experiment));
    expect(outputs.get(1)).toMatchObject({ version: '2', run_id: best });
    expect(outputs.get(2)).toEqual({ previous_version: '1' });
  });

  it('tag_run never falsifies lineage: git keys only on runs without any, bitbucket.* always', async () => {
    const bare = await seedRun(server(), experimentId, { metrics: { auc: 0.5 } });
    const other = await seedRun(server(), experimentId, {
      tags: { 'mlflow.source.git.commit': OTHER_COMMIT },
    });
    const h = await harness();
    const outputs = await h.runPlan(`
- tag_run:
    run_ids: ["${bare}", "${other}"]
    tags: { reviewed: "yes" }
`);
    expect(outputs.get(1)).toEqual({ run_ids: [bare, other] });
    expect(await runTagsOf(server(), bare)).toMatchObject({
      'mlflow.source.git.commit': COMMIT,
      'mlflow.source.git.branch': 'main',
      'mlflow.source.git.repoURL': 'https://bitbucket.org/acme/churn',
      'bitbucket.pipeline_uuid': STEP_ENV['BITBUCKET_PIPELINE_UUID'],
      reviewed: 'yes',
    });
    const otherTags = await runTagsOf(server(), other);
    expect(otherTags['mlflow.source.git.commit']).toBe(OTHER_COMMIT);
    expect(otherTags['mlflow.source.git.branch']).toBeUndefined();
    expect(otherTags).toMatchObject({ 'bitbucket.commit': COMMIT, reviewed: 'yes' });
    expect(h.audit.map((e) => `${e.operation} ${e.target}`)).toEqual([
      `mlflow.runs.log-batch run:${bare}`,
      `mlflow.runs.log-batch run:${other}`,
    ]);
  });

  it('transition_stage works against open-source MLflow (falls back from the Databricks path)', async () => {
    const h = await harness();
    await h.runPlan(releasePlan('churn-d', experiment));
    const stage = (s: string): string => `
- transition_stage: { name: churn-d, version: 1, stage: ${s}, archive_existing_versions: true }
`;
    expect((await h.runPlan(stage('Production'))).get(1)).toEqual({ previous_stage: 'None' });
    expect((await h.runPlan(stage('Staging'))).get(1)).toEqual({ previous_stage: 'Production' });
  });

  it.each([
    {
      name: 'a missing experiment',
      yaml: 'experiment: /Shared/nope',
      check: (e: unknown) => isPipeError(e, 'ERR_NOT_FOUND') && e.message.includes('/Shared/nope'),
    },
    {
      name: 'a selector matching no run',
      yaml: `experiment: /Shared/churn, filter: "tags.\`mlflow.source.git.commit\` = 'feedface'"`,
      check: (e: unknown) => e instanceof NoMatchingRunError && e.message.includes('feedface'),
    },
  ])(
    'preflight reports $name as ERR_NOT_FOUND naming it, changing nothing',
    async ({ yaml, check }) => {
      const h = await harness();
      const error: unknown = await h
        .preflightPlan(`- register_model: { name: churn-e, from_run: { ${yaml} } }`)
        .catch((e: unknown) => e);
      expect(check(error)).toBe(true);
      expect(h.audit).toEqual([]);
      expect(await versionsOf(server(), 'churn-e')).toEqual([]);
    },
  );

  it('runs end to end as a pipeline step does (exit 0), and again without duplicates', async () => {
    const env = {
      ...STEP_ENV,
      DATABRICKS_HOST: server().url,
      DATABRICKS_TOKEN: TOKEN,
      ACTIONS: releasePlan('churn-pipe', experiment),
    };
    const first = await runPipe({ env });
    expect(first.exitCode).toBe(0);
    expect(first.output).toContain(`will register runs:/${best}/model`);
    const again = await runPipe({ env });
    expect(again.exitCode).toBe(0);
    expect(again.output).toContain('already registered from this run by this step');
    expect(await versionsOf(server(), 'churn-pipe')).toHaveLength(1);
  });
});

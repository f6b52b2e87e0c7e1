/**
 * runs/log-batch against a REAL MLflow tracking server: the emulator answers each request as
 * the server does (status, error_code), and the pipe's tagging (chunks of at most 100 tags)
 * lands on the real server in one audit record per run.
 */
import { createMlWorkspace } from '../../../emulator/mlflow-workspace.js';
import { addMlflowRun } from '../../../emulator/mlflow-scenario.js';
import { actionHarness, type ActionHarness } from '../../support/action-context.js';
import { describeWithMlflow, type MlflowServer } from '../../support/mlflow-server.js';
import { ensureExperiment, runTagsOf, seedRun } from './seed.js';

// MLflow ignores the bearer token; the pipe's PAT method needs one.
const TOKEN = 'mlflow-server-needs-no-token';
const UNKNOWN_RUN = 'f'.repeat(32);

const tags = (n: number) => Array.from({ length: n }, (_, i) => ({ key: `k${i}`, value: `v${i}` }));

/** One wire answer, as a client sees it. */
interface Answer {
  status: number;
  errorCode: string | undefined;
}

async function postToServer(server: MlflowServer, body: unknown): Promise<Answer> {
  const res = await fetch(`${server.url}/api/2.0/mlflow/runs/log-batch`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const answer = (await res.json()) as { error_code?: string };
  return { status: res.status, errorCode: answer.error_code };
}

// Each row names the run it writes to (an active one, a deleted one, or one that never was)
// and the status the real server answers.
const CASES: Array<{
  name: string;
  run: 'active' | 'deleted' | 'unknown';
  batch: object;
  status: number;
}> = [
  { name: 'three tags', run: 'active', batch: { tags: tags(3) }, status: 200 },
  { name: 'exactly 100 tags', run: 'active', batch: { tags: tags(100) }, status: 200 },
  { name: 'an empty batch', run: 'active', batch: {}, status: 200 },
  { name: '101 tags', run: 'active', batch: { tags: tags(101) }, status: 400 },
  { name: 'a tag without a key', run: 'active', batch: { tags: [{ value: 'v' }] }, status: 400 },
  {
    name: 'a key of 251 bytes',
    run: 'active',
    batch: { tags: [{ key: 'k'.repeat(251), value: 'v' }] },
    status: 400,
  },
  {
    name: 'a key that resolves elsewhere',
    run: 'active',
    batch: { tags: [{ key: 'a/../b', value: 'v' }] },
    status: 400,
  },
  {
    name: 'tags that are not a list',
    run: 'active',
    batch: { tags: { key: 'a', value: 'v' } },
    status: 400,
  },
  { name: 'a run that does not exist', run: 'unknown', batch: { tags: tags(2) }, status: 404 },
  { name: 'a deleted run', run: 'deleted', batch: { tags: tags(2) }, status: 400 },
];

describeWithMlflow('runs/log-batch against a real MLflow server', (server) => {
  let experimentId: string;
  beforeAll(async () => {
    experimentId = await ensureExperiment(server(), '/Shared/log-batch');
  });

  it.each(CASES)(
    '$name: $status, from the emulator as from MLflow',
    async ({ run, batch, status }) => {
      const real = await seedRun(server(), experimentId, {});
      if (run === 'deleted') await server().post('runs/delete', { run_id: real });
      const ws = createMlWorkspace();
      const fake = addMlflowRun(ws.state, {
        experiment: '/Shared/log-batch',
        ...(run === 'deleted' ? { lifecycle_stage: 'deleted' as const } : {}),
      }).info.run_id;
      const pick = (id: string) => (run === 'unknown' ? UNKNOWN_RUN : id);
      const expected = await postToServer(server(), { run_id: pick(real), ...batch });
      expect(expected.status).toBe(status);
      const emulated = await ws.call('POST', '/api/2.0/mlflow/runs/log-batch', {
        body: { run_id: pick(fake), ...batch },
      });
      const answer = emulated.body as { error_code?: string } | undefined;
      expect({ status: emulated.status, errorCode: answer?.error_code }).toEqual(expected);
    },
  );

  describe('the pipe tagging runs', () => {
    const harness = (): Promise<ActionHarness> =>
      actionHarness({ host: server().url, token: TOKEN });

    it('tag_run with 150 tags: every tag set (chunks of 100), one audit record per run', async () => {
      const runIds = [
        await seedRun(server(), experimentId, {}),
        await seedRun(server(), experimentId, {}),
      ];
      const wanted = Object.fromEntries(tags(150).map((t) => [t.key, t.value]));
      const h = await harness();
      const yaml = `- tag_run:\n    run_ids: ${JSON.stringify(runIds)}\n    tags: ${JSON.stringify(wanted)}\n`;
      const outputs = await h.runPlan(yaml);
      expect(outputs.get(1)).toEqual({ run_ids: runIds });
      for (const runId of runIds) {
        expect(await runTagsOf(server(), runId)).toMatchObject({
          ...wanted,
          'bitbucket.pipeline_uuid': expect.any(String),
        });
      }
      expect(h.audit.map((e) => `${e.operation} ${e.target} ${e.result}`)).toEqual(
        runIds.map((id) => `mlflow.runs.log-batch run:${id} succeeded`),
      );
    });

    it('a single missing tag is one set-tag', async () => {
      const runId = await seedRun(server(), experimentId, {});
      const h = await harness();
      await h.runPlan(`- tag_run: { run_id: "${runId}", tags: { reviewed: "yes" } }\n`);
      const again = await harness();
      await again.runPlan(`- tag_run: { run_id: "${runId}", tags: { reviewed: "no" } }\n`);
      expect(again.audit.map((e) => e.operation)).toEqual(['mlflow.runs.set-tag']);
      expect(await runTagsOf(server(), runId)).toMatchObject({ reviewed: 'no' });
    });
  });
});

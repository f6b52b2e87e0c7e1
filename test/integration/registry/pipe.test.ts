/**
 * The registry actions through the whole pipe (src/main.ts), as a pipeline step runs it:
 * DRY_RUN selects and prints, changing nothing; names that do not resolve exit 2; a real run
 * registers in Unity Catalog and promotes.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { STEP_ENV } from '../../support/action-context.js';
import { runPipe } from '../../support/run-pipe.js';
import { seedTrainingRun, startWorkspace, type Workspace } from './support.js';

const UC_MODEL = 'ml_prod.churn.classifier';
const PLAN = `
- id: register
  register_model:
    name: ${UC_MODEL}
    from_run:
      experiment: /Shared/churn
      filter: "tags.\`mlflow.source.git.commit\` = '{{ bitbucket.commit }}'"
      order_by: "metrics.auc DESC"
- set_alias: { name: ${UC_MODEL}, version: "{{ register.version }}", alias: champion }
- tag_run:
    from_run: { experiment: /Shared/churn, filter: "tags.\`mlflow.source.git.commit\` = '{{ bitbucket.commit }}'" }
- transition_stage: { name: churn, version: 1, stage: Production }
- set_alias: { name: churn, version: 1, alias: champion }
`;

// Read-only calls: GETs, and the searches MLflow serves as POST.
const READ_ONLY_POSTS = ['/api/2.0/mlflow/runs/search'];

describe('registry actions through the pipe', () => {
  let ws: Workspace;
  let best: string;
  const env = (extra: Record<string, string>): Record<string, string> => ({
    ...STEP_ENV,
    DATABRICKS_HOST: ws.emu.url,
    DATABRICKS_TOKEN: ws.token,
    ...extra,
  });
  beforeEach(async () => {
    ws = await startWorkspace();
    seedTrainingRun(ws.emu, { auc: 0.7 });
    best = seedTrainingRun(ws.emu, { auc: 0.9 });
    ws.emu.ml.addUcModel({ full_name: UC_MODEL, versions: [{ source: 'runs:/x/model' }] });
    ws.emu.ml.addModelVersion('churn', { source: `runs:/${best}/model` });
  });
  afterEach(() => ws.emu.close());

  it('DRY_RUN selects the run, prints what it would register and changes nothing', async () => {
    const run = await runPipe({ env: env({ DRY_RUN: 'true', ACTIONS: PLAN }) });
    expect(run.exitCode).toBe(0);
    expect(run.output).toContain(`would register runs:/${best}/model (run ${best}`);
    expect(run.output).toContain(`as a new version of "${UC_MODEL}"`);
    expect(run.output).toContain('would move version 1 of churn to Production');
    expect(run.output).toContain('would point alias champion of churn at version 1 (not set yet)');
    const writes = ws.emu.requests.filter(
      (r) => r.path.startsWith('/api/') && r.method !== 'GET' && !READ_ONLY_POSTS.includes(r.path),
    );
    expect(writes.map((r) => `${r.method} ${r.path}`)).toEqual([]);
    expect(ws.emu.findRequests({ method: 'POST', path: 'runs/search' }).length).toBeGreaterThan(0);
    expect(ws.emu.ml.getUcModel(UC_MODEL)?.versions).toHaveLength(1);
    expect(ws.emu.ml.getMlflowRun(best)?.tags).not.toHaveProperty('bitbucket.commit');
  });

  it.each([
    { name: 'a missing experiment', from: 'experiment: /Shared/nope', says: '/Shared/nope' },
    {
      name: 'a selector that matches no run',
      from: `experiment: /Shared/churn, filter: "metrics.auc > 2"`,
      says: 'metrics.auc > 2',
    },
  ])('exits 2 before any change for $name', async ({ from, says }) => {
    const actions = `- register_model: { name: churn, from_run: { ${from} } }\n`;
    const run = await runPipe({ env: env({ ACTIONS: actions }) });
    expect(run.exitCode).toBe(2);
    expect(run.output).toContain(says);
    expect(
      ws.emu.requests.filter((r) => r.method === 'POST' && !READ_ONLY_POSTS.includes(r.path)),
    ).toEqual([]);
  });

  it('registers in Unity Catalog through a run and promotes, exit 0', async () => {
    // The registration run takes ~6 s of emulator time: the pipe and the emulator share a virtual clock.
    const run = await runPipe({ env: env({ ACTIONS: PLAN }), clock: ws.clock });
    expect(run.exitCode).toBe(0);
    expect(ws.emu.ml.getUcModel(UC_MODEL)?.aliases.get('champion')).toBe(2);
    expect(ws.emu.ml.getAliasVersion('churn', 'champion')).toBe(1);
    expect(run.output).toMatch(/registered version 2 of ml_prod\.churn\.classifier/);
    // Each action is described as it ran: templates filled in, in results.json too.
    const results = JSON.parse(
      await readFile(join(run.cloneDir, 'databricks-ml-pipe', 'results.json'), 'utf8'),
    ) as { actions: Array<{ type: string; description: string }> };
    const alias = results.actions.find((a) => a.type === 'set_alias');
    expect(alias?.description).toContain('version 2');
    expect(alias?.description).not.toContain('{{');
  });

  it('asks for the experiment once, and register_model reuses what its preflight selected', async () => {
    const run = await runPipe({ env: env({ ACTIONS: PLAN }), clock: ws.clock });
    expect(run.exitCode).toBe(0);
    // Preflight (register_model, tag_run) and run time share one look-up.
    expect(ws.emu.findRequests({ path: 'experiments/get-by-name' })).toHaveLength(1);
    // Preflight selects twice; at run time only tag_run selects again: register_model, before
    // it, tags the run it registers, and a filter may test tags.
    expect(ws.emu.findRequests({ method: 'POST', path: 'runs/search' })).toHaveLength(3);
    expect(run.output).not.toContain('the selector now matches');
  });
});

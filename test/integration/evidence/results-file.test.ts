/**
 * The results file on every exit path, driven through the real plan runner: each scenario
 * leaves a schema-valid file whose statuses tell what happened.
 */
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { ActionContext, ActionDefinition } from '../../../src/actions/types.js';
import { PipeError, exitCodeFor } from '../../../src/errors.js';
import {
  createResultsWriter,
  pendingResults,
  resultsPathsFromEnv,
  type ResultsWriter,
} from '../../../src/evidence/results-file.js';
import type { ResultsDocument } from '../../../src/evidence/results-document.js';
import type { Plan, PlannedAction } from '../../../src/plan/types.js';
import { runPlan } from '../../../src/runner/run-plan.js';
import {
  HOST,
  T0,
  captureLogger,
  fakeClock,
  schemaValidator,
  tempDir,
} from '../../unit/evidence/support.js';

type Behaviour = 'succeed' | 'fail' | 'timeout' | 'hang' | 'throw' | 'inspect';

const planOf = (behaviours: Behaviour[]): Plan => {
  const actions: PlannedAction[] = behaviours.map((behave, i) => ({
    index: i + 1,
    id: `a${i + 1}`,
    type: 'run_job',
    spec: { behave },
    position: { line: i + 1, col: 1 },
    dependsOn: [],
  }));
  return {
    items: actions.map((action) => ({ kind: 'single', action })),
    actions,
    source: 'ACTIONS',
  };
};

interface Scenario {
  writer: ResultsWriter;
  path: string;
  seenMidRun: ResultsDocument[];
}

async function run(
  behaviours: Behaviour[],
  abortOnHang = false,
): Promise<Scenario & { doc: ResultsDocument }> {
  const dir = await tempDir();
  const path = join(dir, 'databricks-ml-pipe', 'results.json');
  const clock = fakeClock();
  const writer = createResultsWriter({ path, startedAt: T0, clock });
  writer.set({ workspace: HOST, commit: 'abc', identity: { authType: 'pat' } });
  const controller = new AbortController();
  const seenMidRun: ResultsDocument[] = [];
  const definition: ActionDefinition = {
    type: 'run_job',
    schema: {},
    outputs: ['run_id'],
    describe: (spec) => `behave ${String(spec['behave'])}`,
    run: async (spec, ctx) => {
      clock.advance(1_000);
      switch (spec['behave']) {
        case 'fail':
          throw new PipeError('ERR_RUN_FAILED', 'run 7 failed', { outputs: { run_id: 7 } });
        case 'timeout':
          throw new PipeError('ERR_TIMEOUT', 'run 8 still running after 1s', {
            outputs: { run_id: 8 },
          });
        case 'throw':
          throw new TypeError('cannot read properties of undefined');
        case 'hang':
          if (abortOnHang)
            controller.abort(new PipeError('ERR_CANCELLED', 'received SIGTERM, cancelling'));
          await new Promise((_, reject) => {
            if (ctx.signal.aborted) reject(ctx.signal.reason as Error);
            ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason as Error));
          });
          return {};
        case 'inspect':
          await writer.update();
          seenMidRun.push(JSON.parse(await readFile(path, 'utf8')) as ResultsDocument);
          return { run_id: 2 };
        default:
          return { run_id: 1 };
      }
    },
  };
  const plan = planOf(behaviours);
  writer.setActions(pendingResults(plan.actions, 'skipped', (a) => definition.describe(a.spec)));
  const outcome = await runPlan({
    plan,
    getAction: () => definition,
    render: (action) => action.spec,
    makeContext: (action, signal) => {
      void writer.started(action.index);
      return { signal } as unknown as ActionContext;
    },
    clock,
    log: captureLogger().log,
    signal: controller.signal,
    onResult: (r) => void writer.update(r),
  });
  const written = await writer.finish({
    exitCode: exitCodeFor(outcome.error),
    error: outcome.error,
  });
  expect(written).toMatchObject({ written: true, path });
  const doc = JSON.parse(await readFile(path, 'utf8')) as ResultsDocument;
  await expectSchemaValid(doc);
  // Atomic writes leave no temporary files behind.
  expect(await readdir(dirname(path))).toEqual(['results.json']);
  return { writer, path, seenMidRun, doc };
}

async function expectSchemaValid(doc: unknown): Promise<void> {
  const validate = await schemaValidator('results');
  expect(validate(doc) ? [] : validate.errors).toEqual([]);
}

const statuses = (doc: ResultsDocument): string[] => doc.actions.map((a) => a.status);

describe('results file on every exit path', () => {
  it.each([
    {
      name: 'success',
      behaviours: ['succeed', 'succeed'],
      status: 'succeeded',
      exit: 0,
      actions: ['succeeded', 'succeeded'],
    },
    {
      name: 'action failure',
      behaviours: ['succeed', 'fail', 'succeed'],
      status: 'failed',
      exit: 1,
      actions: ['succeeded', 'failed', 'skipped'],
    },
    {
      name: 'timeout',
      behaviours: ['timeout', 'succeed'],
      status: 'timed_out',
      exit: 1,
      actions: ['timed_out', 'skipped'],
    },
    {
      name: 'SIGTERM',
      behaviours: ['succeed', 'hang', 'succeed'],
      status: 'cancelled',
      exit: 1,
      actions: ['succeeded', 'cancelled', 'skipped'],
    },
    {
      name: 'internal error in an action',
      behaviours: ['throw'],
      status: 'failed',
      exit: 1,
      actions: ['failed'],
    },
  ] as const)('$name → $status', async ({ behaviours, status, exit, actions }) => {
    const { doc } = await run([...behaviours], true);
    expect(doc).toMatchObject({ status, exit_code: exit, workspace: HOST, commit: 'abc' });
    expect(statuses(doc)).toEqual(actions);
    if (exit !== 0) expect(doc.error?.code).toMatch(/^ERR_/);
  });

  it('keeps the outputs a failed run had, with its error', async () => {
    const { doc } = await run(['fail']);
    expect(doc.actions[0]).toMatchObject({
      outputs: { run_id: 7 },
      error: { code: 'ERR_RUN_FAILED', message: 'run 7 failed' },
    });
  });

  it('shows finished actions while the plan is still running', async () => {
    const { seenMidRun } = await run(['succeed', 'inspect']);
    expect(seenMidRun).toHaveLength(1);
    expect(seenMidRun[0]).toMatchObject({ status: 'running', exit_code: null, finished_at: null });
    expect(seenMidRun[0]?.actions.map((a) => a.status)).toEqual(['succeeded', 'planned']);
    expect(seenMidRun[0]?.actions[1]?.started_at).toEqual(expect.any(String));
    await expectSchemaValid(seenMidRun[0]);
  });

  it('ignores updates after the final write', async () => {
    const { writer, path } = await run(['succeed']);
    await writer.update();
    expect((JSON.parse(await readFile(path, 'utf8')) as ResultsDocument).status).toBe('succeeded');
  });
});

describe('results file outside the runner', () => {
  const plan = planOf(['succeed', 'succeed']);
  const describeAction = (a: PlannedAction): string => `action ${a.index}`;

  it.each([
    {
      name: 'invalid plan after parsing',
      status: 'skipped',
      dryRun: false,
      error: new PipeError('ERR_PLAN_UNRESOLVED', 'job x not found'),
      expected: 'invalid',
    },
    { name: 'dry run', status: 'planned', dryRun: true, error: undefined, expected: 'dry_run' },
    {
      name: 'internal error before any action',
      status: 'skipped',
      dryRun: false,
      error: new Error('bug'),
      expected: 'failed',
    },
  ] as const)('$name → $expected', async ({ status, dryRun, error, expected }) => {
    const path = join(await tempDir(), 'results.json');
    const writer = createResultsWriter({ path, startedAt: T0, clock: fakeClock() });
    writer.set({ workspace: HOST, dryRun });
    writer.setActions(pendingResults(plan.actions, status, describeAction));
    await writer.finish({ exitCode: exitCodeFor(error), error });
    const doc = JSON.parse(await readFile(path, 'utf8')) as ResultsDocument;
    await expectSchemaValid(doc);
    expect(doc.status).toBe(expected);
    expect(statuses(doc)).toEqual([status, status]);
  });

  it.each([
    { name: 'RESULTS_FILE usable', env: { RESULTS_FILE: 'out/r.json' }, expected: 'out/r.json' },
    {
      name: 'RESULTS_FILE empty',
      env: { RESULTS_FILE: '' },
      expected: 'databricks-ml-pipe/results.json',
    },
    { name: 'RESULTS_FILE unset', env: {}, expected: 'databricks-ml-pipe/results.json' },
    {
      name: 'RESULTS_FILE a directory name',
      env: { RESULTS_FILE: 'out/' },
      expected: 'databricks-ml-pipe/results.json',
    },
  ])('with invalid config, writes where it can: $name', async ({ env, expected }) => {
    const clone = await tempDir();
    const paths = resultsPathsFromEnv({ ...env, BITBUCKET_CLONE_DIR: clone }, '/nowhere');
    const writer = createResultsWriter({ ...paths, startedAt: T0, clock: fakeClock() });
    const error = new PipeError('ERR_CONFIG_INVALID', 'invalid variables', {
      details: ['DATABRICKS_HOST: required'],
    });
    const written = await writer.finish({ exitCode: 2, error });
    expect(written).toMatchObject({ written: true, path: join(clone, expected) });
    const doc = JSON.parse(await readFile(join(clone, expected), 'utf8')) as ResultsDocument;
    await expectSchemaValid(doc);
    expect(doc).toMatchObject({
      status: 'invalid',
      workspace: null,
      actions: [],
      error: { code: 'ERR_CONFIG_INVALID' },
    });
  });

  it('falls back to the default path when RESULTS_FILE cannot be written, and says so', async () => {
    const clone = await tempDir();
    await writeFile(join(clone, 'blocker'), 'a file where a directory should be');
    const { log, out } = captureLogger();
    const fallbackPath = join(clone, 'databricks-ml-pipe', 'results.json');
    const writer = createResultsWriter({
      path: join(clone, 'blocker', 'results.json'),
      fallbackPath,
      startedAt: T0,
      clock: fakeClock(),
      log,
    });
    expect(await writer.finish({ exitCode: 0 })).toMatchObject({
      written: true,
      path: fallbackPath,
    });
    expect(out.text).toMatch(
      /WARNING: cannot write results file .*blocker.* \((EEXIST|ENOTDIR): .*\); writing .*databricks-ml-pipe/,
    );
  });

  it('reports, without throwing, when no path can be written', async () => {
    const clone = await tempDir();
    await writeFile(join(clone, 'blocker'), '');
    const { log, out } = captureLogger();
    const writer = createResultsWriter({
      path: join(clone, 'blocker', 'r.json'),
      startedAt: T0,
      clock: fakeClock(),
      log,
    });
    const written = await writer.finish({ exitCode: 0 });
    expect(written).toMatchObject({ written: false, error: { code: 'ERR_INTERNAL' } });
    expect(out.text).toMatch(/ERROR: cannot write results file: (EEXIST|ENOTDIR)/);
  });

  it('coalesces a burst of updates into few writes, keeping the last state', async () => {
    const path = join(await tempDir(), 'results.json');
    const writer = createResultsWriter({ path, startedAt: T0, clock: fakeClock() });
    const actions = pendingResults(
      planOf(Array<Behaviour>(20).fill('succeed')).actions,
      'skipped',
      describeAction,
    );
    writer.setActions(actions);
    await Promise.all(
      actions.map((a) =>
        writer.update({ ...a, status: 'succeeded', finished_at: new Date(T0).toISOString() }),
      ),
    );
    const doc = JSON.parse(await readFile(path, 'utf8')) as ResultsDocument;
    expect(new Set(statuses(doc))).toEqual(new Set(['succeeded']));
  });

  it('writes into a directory it has to create', async () => {
    const root = await tempDir();
    await mkdir(join(root, 'exists'));
    const path = join(root, 'a', 'b', 'c', 'results.json');
    const writer = createResultsWriter({ path, startedAt: T0, clock: fakeClock() });
    expect(await writer.finish({ exitCode: 0 })).toMatchObject({ written: true, path });
  });
});

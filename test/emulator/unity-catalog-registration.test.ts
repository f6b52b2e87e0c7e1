import {
  addMlflowRun,
  addUcModel,
  addWorkspaceFile,
  denyUc,
  getUcModel,
  RESULT_MARKER,
} from '../../emulator/mlflow-scenario.js';
import { createMlWorkspace, type MlWorkspace } from '../../emulator/mlflow-workspace.js';
import { Router } from '../../emulator/router.js';
import { registerUnityCatalogRoutes } from '../../emulator/unity-catalog.js';
import type { TaskCompletion, TaskOutcome } from '../../emulator/types.js';

const SCRIPT = '/Workspace/Shared/.databricks-ml-pipe/1.0.0/register_model.py';
const NAME = 'ml_prod.churn.classifier';

describe('UC registration task handler', () => {
  let ws: MlWorkspace;
  let runId: string;
  beforeEach(() => {
    ws = createMlWorkspace();
    runId = addMlflowRun(ws.state, { experiment: '/Shared/churn', artifact_paths: ['model'] }).info
      .run_id;
  });

  function completion(
    runNumber: number,
    parameters: string[],
    overrides: Record<string, unknown> = {},
  ): TaskCompletion {
    return {
      runId: runNumber,
      taskRunId: runNumber + 1,
      taskKey: 'register',
      principal: 'sp-pipe',
      task: {
        task_key: 'register',
        environment_key: 'default',
        spark_python_task: { python_file: SCRIPT, parameters },
        ...overrides,
      },
    };
  }
  const params = (extra: string[] = []): string[] => [
    '--name',
    NAME,
    '--source',
    `runs:/${runId}/model`,
    '--run-id',
    runId,
    '--tags',
    JSON.stringify({ 'mlflow.source.git.commit': 'abc', 'bitbucket.buildNumber': '7' }),
    ...extra,
  ];
  const complete = (c: TaskCompletion): TaskOutcome | undefined => {
    for (const handler of ws.state.taskHandlers) {
      const outcome = handler(c);
      if (outcome) return outcome;
    }
    return undefined;
  };

  it('is installed once per workspace', () => {
    expect(ws.state.taskHandlers).toHaveLength(1);
    registerUnityCatalogRoutes(new Router(), ws.state);
    expect(ws.state.taskHandlers).toHaveLength(1);
  });

  it('fails like Databricks when the script was never imported', () => {
    const outcome = complete(completion(10, params()));
    expect(outcome).toEqual({
      result: 'FAILED',
      error: `Cannot read the python file ${SCRIPT}. Please check driver logs for more details.`,
    });
    expect(getUcModel(ws.state, NAME)).toBeUndefined();
  });

  it('creates the model and a READY version with tags, run_id and source; logs end with the result line', () => {
    addWorkspaceFile(ws.state, SCRIPT, 'print("register")\n');
    const outcome = complete(completion(10, params()));
    expect(outcome?.result).toBe('SUCCESS');
    const lines = (outcome?.logs ?? '').trimEnd().split('\n');
    expect(lines.at(-1)).toBe(`${RESULT_MARKER} {"name":"${NAME}","version":"1"}`);
    const mv = getUcModel(ws.state, NAME)?.versions[0];
    expect(mv).toMatchObject({
      version: 1,
      status: 'READY',
      run_id: runId,
      source: `runs:/${runId}/model`,
      created_by: 'sp-pipe',
    });
    expect(mv?.tags).toEqual({ 'mlflow.source.git.commit': 'abc', 'bitbucket.buildNumber': '7' });
  });

  it('decides each task run once: completing the same run again creates no second version', () => {
    addWorkspaceFile(ws.state, SCRIPT, 'x');
    const first = complete(completion(10, params()));
    const again = complete(completion(10, params()));
    expect(again).toBe(first);
    expect(getUcModel(ws.state, NAME)?.versions).toHaveLength(1);
    const next = complete(completion(20, params()));
    expect(next?.logs).toContain(`${RESULT_MARKER} {"name":"${NAME}","version":"2"}`);
    expect(next?.logs).toContain('already exists');
  });

  it.each([
    {
      name: 'CREATE MODEL VERSION on the model',
      deny: { privilege: 'CREATE MODEL VERSION', on: NAME },
      seedModel: true,
    },
    {
      name: 'CREATE MODEL on the schema when the model is new',
      deny: { privilege: 'CREATE MODEL', on: 'ml_prod.churn' },
      seedModel: false,
    },
    {
      name: 'USE CATALOG for this principal',
      deny: { principal: 'sp-pipe', privilege: 'USE CATALOG', on: 'ml_prod' },
      seedModel: true,
    },
  ])('fails with PERMISSION_DENIED naming $name', ({ deny, seedModel }) => {
    addWorkspaceFile(ws.state, SCRIPT, 'x');
    if (seedModel) addUcModel(ws.state, { full_name: NAME });
    denyUc(ws.state, deny);
    const outcome = complete(completion(10, params()));
    expect(outcome?.result).toBe('FAILED');
    expect(outcome?.error).toContain('PERMISSION_DENIED');
    expect(outcome?.error).toContain(`User does not have ${deny.privilege}`);
    expect(outcome?.error_trace).toContain('Traceback');
    expect(getUcModel(ws.state, NAME)?.versions ?? []).toHaveLength(0);
  });

  it.each([
    {
      name: 'missing --name',
      parameters: ['--source', 'runs:/x/model'],
      error: /required: --name/,
    },
    {
      name: 'tags that are not a JSON object',
      parameters: ['--name', NAME, '--source', 's', '--tags', '[1]'],
      error: /argument --tags/,
    },
    {
      name: 'a two-part name',
      parameters: ['--name', 'churn.classifier', '--source', 's'],
      error: /three-level/,
    },
    {
      name: 'an unknown source run',
      parameters: ['--name', NAME, '--source', `runs:/${'0'.repeat(32)}/model`],
      error: /RESOURCE_DOES_NOT_EXIST/,
    },
  ])('fails for $name', ({ parameters, error }) => {
    addWorkspaceFile(ws.state, SCRIPT, 'x');
    const outcome = complete(completion(10, parameters));
    expect(outcome?.result).toBe('FAILED');
    expect(outcome?.error).toMatch(error);
  });

  it.each([
    {
      name: 'another python file',
      task: { spark_python_task: { python_file: '/Workspace/Shared/train.py' } },
    },
    {
      name: 'a notebook task',
      task: { spark_python_task: undefined, notebook_task: { notebook_path: '/x' } },
    },
    {
      name: 'a register_model.py from git',
      task: { spark_python_task: { python_file: 'src/register_model.py', source: 'GIT' } },
    },
  ])('leaves $name to other handlers', ({ task }) => {
    expect(complete(completion(10, params(), task))).toBeUndefined();
  });
});

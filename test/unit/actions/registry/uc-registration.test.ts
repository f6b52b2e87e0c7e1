import {
  REGISTER_ENVIRONMENT,
  REGISTER_SCRIPT,
  RESULT_MARKER,
  SHARED_REGISTER_SCRIPT_PATH,
  registerScriptPath,
} from '../../../../src/actions/registry/register-script.js';
import {
  parseRegistrationResult,
  registrationRunBody,
} from '../../../../src/actions/registry/uc-registration.js';
import { PIPE_VERSION } from '../../../../src/version.js';

describe('parseRegistrationResult', () => {
  it.each([
    {
      name: 'the result line',
      logs: `Created version '3'.\n${RESULT_MARKER} {"name": "a.b.c", "version": "3"}\n`,
      version: '3',
    },
    {
      name: 'the last of several lines',
      logs: `${RESULT_MARKER} {"version": "1"}\n${RESULT_MARKER} {"version": "2"}`,
      version: '2',
    },
    { name: 'a numeric version', logs: `${RESULT_MARKER} {"version": 4}`, version: '4' },
    { name: 'no result line', logs: 'Traceback…', version: undefined },
    { name: 'no logs', logs: undefined, version: undefined },
    { name: 'broken JSON', logs: `${RESULT_MARKER} {"version": `, version: undefined },
    {
      name: 'a version that is no number',
      logs: `${RESULT_MARKER} {"version": "0"}`,
      version: undefined,
    },
    {
      name: 'the marker mid-line (not ours)',
      logs: `echo ${RESULT_MARKER} {"version": "9"}`,
      version: undefined,
    },
  ])('reads $name', ({ logs, version }) => {
    expect(parseRegistrationResult(logs)).toBe(version);
  });
});

describe('registrationRunBody', () => {
  const reg = {
    name: 'ml.churn.clf',
    source: 'runs:/r1/model',
    runId: 'r1',
    tags: { 'mlflow.source.git.commit': 'abc' },
    keyTags: { 'bitbucket.action': 'register' },
  };

  it('runs the uploaded script on serverless with every argument, idempotently, with a server-side timeout', () => {
    const script = registerScriptPath('sp-app-id');
    expect(registrationRunBody(reg, 't'.repeat(64), 90_500, script)).toEqual({
      run_name: 'databricks-ml-pipe: register ml.churn.clf',
      tasks: [
        {
          task_key: 'register_model',
          spark_python_task: {
            python_file: script,
            parameters: [
              '--name',
              'ml.churn.clf',
              '--source',
              'runs:/r1/model',
              '--run-id',
              'r1',
              '--tags',
              '{"mlflow.source.git.commit":"abc","bitbucket.action":"register"}',
            ],
          },
          environment_key: 'default',
        },
      ],
      environments: [
        { environment_key: 'default', spec: { client: '1', dependencies: ['mlflow>=2.16'] } },
      ],
      timeout_seconds: 91,
      idempotency_token: 't'.repeat(64),
    });
  });

  it('leaves --run-id out for a source without a run', () => {
    const noRun: Omit<typeof reg, 'runId'> & { runId?: string } = { ...reg };
    delete noRun.runId;
    const task = registrationRunBody({ ...noRun, source: 'models:/x/1' }, 't', 1_000, 's.py').tasks[0] as {
      spark_python_task: { parameters: string[] };
    };
    expect(task.spark_python_task.parameters).not.toContain('--run-id');
  });
});

describe('the shipped script', () => {
  it.each([
    {
      name: "lives in the identity's home folder, one folder per pipe version",
      ok:
        registerScriptPath('0a1b2c3d-sp') ===
        `/Workspace/Users/0a1b2c3d-sp/.databricks-ml-pipe/${PIPE_VERSION}/register_model.py`,
    },
    {
      name: 'falls back to a shared folder per pipe version',
      ok:
        SHARED_REGISTER_SCRIPT_PATH ===
        `/Workspace/Shared/.databricks-ml-pipe/${PIPE_VERSION}/register_model.py`,
    },
    {
      name: 'registers against Unity Catalog by default',
      ok: REGISTER_SCRIPT.includes('default="databricks-uc"'),
    },
    {
      name: 'prints the marker the pipe parses',
      ok: REGISTER_SCRIPT.includes(`RESULT_MARKER = "${RESULT_MARKER}"`),
    },
    {
      name: "uses MLflow's own register_model with tags",
      ok: /mlflow\.register_model\([\s\S]*tags=args\.tags/.test(REGISTER_SCRIPT),
    },
    {
      name: 'is no notebook (imported as a workspace file)',
      ok: !REGISTER_SCRIPT.startsWith('# Databricks notebook source'),
    },
    {
      name: 'asks for an MLflow with UC tags',
      ok: REGISTER_ENVIRONMENT.spec.dependencies.includes('mlflow>=2.16'),
    },
  ])('$name', ({ ok }) => {
    expect(ok).toBe(true);
  });
});

/**
 * The registration script the pipe ships for Unity Catalog, run for real: the same Python
 * (MLflow's own `register_model`) against a real MLflow server, pointed at it with
 * --registry-uri instead of databricks-uc. A run with a logged model is seeded by MLflow's
 * Python client, as a training job would.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { REGISTER_SCRIPT, RESULT_MARKER } from '../../../src/actions/registry/register-script.js';
import { parseRegistrationResult } from '../../../src/actions/registry/uc-registration.js';
import { describeWithMlflow } from '../../support/mlflow-server.js';
import { versionsOf } from './seed.js';

const run = promisify(execFile);
const PYTHON_TIMEOUT_MS = 180_000;
const SEED = `
import mlflow, mlflow.pyfunc
class Identity(mlflow.pyfunc.PythonModel):
    def predict(self, context, model_input):
        return model_input
mlflow.set_experiment("/Shared/script")
with mlflow.start_run() as run:
    mlflow.pyfunc.log_model(name="model", python_model=Identity())
    print("SEEDED_RUN_ID=" + run.info.run_id)
`;
const KEY = {
  'bitbucket.pipeline_uuid': '{p}',
  'bitbucket.step_uuid': '{s}',
  'bitbucket.action': 'register',
};

describeWithMlflow('the shipped registration script against a real MLflow server', (server) => {
  let python: string;
  let script: string;
  let runId: string;
  const env = (): NodeJS.ProcessEnv => ({ ...process.env, MLFLOW_TRACKING_URI: server().url });
  const register = async (tags: Record<string, string>): Promise<string> => {
    const args = [
      script,
      '--name',
      'script-model',
      '--source',
      `runs:/${runId}/model`,
      '--run-id',
      runId,
    ];
    args.push('--tags', JSON.stringify(tags), '--registry-uri', server().url);
    const { stdout } = await run(python, args, { env: env(), timeout: PYTHON_TIMEOUT_MS });
    return stdout;
  };

  beforeAll(async () => {
    python = join(dirname(server().bin), 'python');
    if (!existsSync(python)) throw new Error(`no python next to ${server().bin}`);
    script = join(server().dir, 'register_model.py');
    await writeFile(script, REGISTER_SCRIPT);
    await writeFile(join(server().dir, 'seed.py'), SEED);
    const seeded = await run(python, [join(server().dir, 'seed.py')], {
      env: env(),
      timeout: PYTHON_TIMEOUT_MS,
    });
    runId = /SEEDED_RUN_ID=(\w+)/.exec(seeded.stdout)?.[1] ?? '';
    if (!runId) throw new Error(`seeding printed no run id:\n${seeded.stdout}`);
  }, PYTHON_TIMEOUT_MS);

  it(
    'registers with the tags, prints the result line, and reuses the version on a repeat of the same step',
    async () => {
      const first = await register({ ...KEY, 'mlflow.source.git.commit': 'abc' });
      expect(first.trimEnd().split('\n').at(-1)).toBe(
        `${RESULT_MARKER} {"name": "script-model", "version": "1"}`,
      );
      expect(parseRegistrationResult(first)).toBe('1');
      const again = await register(KEY);
      expect(parseRegistrationResult(again)).toBe('1');
      expect(again).toContain('already registered by this pipeline step');
      const [version] = await versionsOf(server(), 'script-model');
      expect(version).toMatchObject({ version: '1', status: 'READY', run_id: runId });
      expect(version?.tags).toEqual({ ...KEY, 'mlflow.source.git.commit': 'abc' });
    },
    PYTHON_TIMEOUT_MS,
  );

  it(
    'registers a new version for another step',
    async () => {
      const out = await register({ ...KEY, 'bitbucket.step_uuid': '{other}' });
      expect(parseRegistrationResult(out)).toBe('2');
    },
    PYTHON_TIMEOUT_MS,
  );
});

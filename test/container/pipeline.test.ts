import { STEP_DEFAULTS } from './support/pipe-env.js';
import { describeWithDocker } from './support/gate.js';
import { expectGolden, normaliseJson, normaliseText } from './support/golden.js';
import { pipeImage, type PipeImage } from './support/pipe-image.js';
import { BITBUCKET_CLONE_DIR } from './support/run-pipe.js';
import { runScenario, type ScenarioOutcome } from './support/scenario.js';
import { MODEL, SCENARIOS } from './support/scenarios.js';

// Issue #8: the image, run as a Bitbucket step runs a pipe, against the emulated workspace and
// OIDC issuer. Each scenario also runs as `node dist/pipe.js` on the host: both must print the
// same (normalised) output, exit the same and leave the same results file.
const RESULTS = 'databricks-ml-pipe/results.json';
const AUDIT = 'databricks-ml-pipe/audit.jsonl';

interface Observed {
  exitCode: number;
  stdout: string;
  stderr: string;
  results: string;
}

function observe(outcome: ScenarioOutcome): Observed {
  const volatile = {
    paths: [outcome.hostDir, outcome.pipeDir, BITBUCKET_CLONE_DIR],
    labels: outcome.labels,
  };
  const results = outcome.written[RESULTS];
  return {
    exitCode: outcome.run.exitCode,
    stdout: normaliseText(outcome.run.stdout, volatile),
    stderr: outcome.run.stderr,
    results:
      results === undefined
        ? '(no results file)\n'
        : `${JSON.stringify(normaliseJson(JSON.parse(results), volatile), null, 2)}\n`,
  };
}

function apiCalls(outcome: ScenarioOutcome): string[] {
  return outcome.requests.map((r) => `${r.method} ${r.path}`);
}

/** What each scenario must have done to the workspace, beyond its output. */
const EFFECTS: Record<string, (outcome: ScenarioOutcome) => void> = {
  'no-variables': (o) => expect(apiCalls(o)).toEqual([]),
  'bad-plan': (o) => expect(apiCalls(o)).toEqual([]),
  'missing-oidc-token': (o) => expect(apiCalls(o)).toEqual([]),
  'refused-exchange': (o) => {
    // One exchange (after the token endpoint's discovery), refused, never retried; no API call.
    expect(apiCalls(o).filter((call) => !call.startsWith('GET /oidc/.well-known/'))).toEqual([
      'POST /oidc/v1/token',
    ]);
    expect(o.written[AUDIT]).toBeUndefined();
  },
  'job-success': (o) => {
    expect(o.emulator.runs.list()).toMatchObject([{ resultState: 'SUCCESS' }]);
    expect(o.written[AUDIT]?.trim().split('\n')).toHaveLength(1);
  },
  'job-failure': (o) => {
    expect(o.emulator.runs.list()).toMatchObject([{ resultState: 'FAILED' }]);
    expect(JSON.parse(o.written[RESULTS] ?? '{}')).toMatchObject({
      actions: [{ status: 'failed', error: { code: 'ERR_RUN_FAILED' } }],
    });
  },
  'registry-flow': (o) => {
    expect(o.emulator.ml.getAliasVersion(MODEL, 'champion')).toBe(1);
    const version = o.emulator.ml.getModelVersion(MODEL, 1);
    expect(version?.tags).toMatchObject({
      'mlflow.source.git.commit': STEP_DEFAULTS.BITBUCKET_COMMIT,
    });
    expect(o.emulator.ml.getMlflowRun(version?.run_id ?? '')?.info).toMatchObject({
      run_name: 'tuned',
    });
  },
};

describeWithDocker('the image, run as a Bitbucket pipeline runs it', () => {
  let image: PipeImage;
  beforeAll(async () => {
    image = await pipeImage();
  }, 600_000);

  it.each(SCENARIOS)('$name: exit $exitCode, golden output and results file', async (scenario) => {
    const inContainer = await runScenario(scenario, { kind: 'container', image: image.tag });
    const onHost = await runScenario(scenario, { kind: 'host' });
    const container = observe(inContainer);

    expect(container.exitCode).toBe(scenario.exitCode);
    expect(container.stderr).toBe('');
    expectGolden(`${scenario.name}.txt`, container.stdout);
    expectGolden(`${scenario.name}.results.json`, container.results);
    expect(observe(onHost)).toEqual(container);
    EFFECTS[scenario.name]?.(inContainer);
  });
});

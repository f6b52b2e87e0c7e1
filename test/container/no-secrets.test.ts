import { randomBytes } from 'node:crypto';
import { SECRET_VARIABLES } from '../../src/config/schema.js';
import { describeWithDocker } from './support/gate.js';
import { pipeImage, type PipeImage } from './support/pipe-image.js';
import { runScenario, type Scenario, type ScenarioOutcome } from './support/scenario.js';
import { JOB_PLAN, PLAN_FILE, addTrainingJob, oidcVariables } from './support/scenarios.js';

// DESIGN §1: the pipe never prints a secret, at any level. Every credential variable carries a
// canary, DEBUG is on, and stdout, stderr and every file the pipe wrote under the mounted clone
// dir are searched for each secret in the forms a leak takes (raw, base64, URL-encoded, inside a
// Basic header). Findings name the secret, never show it.
const M2M_CLIENT_ID = '3f9a6c1e-8b2d-4e7f-a1c0-5d6e7f8a9b0c';
const canary = (prefix: string): string => `${prefix}canary${randomBytes(12).toString('hex')}`;
const CLIENT_SECRET = canary('dose');
const PAT = canary('dapi');
const CANARIES: Record<string, string> = {
  DATABRICKS_CLIENT_SECRET: CLIENT_SECRET,
  DATABRICKS_TOKEN: PAT,
};

interface Secret {
  label: string;
  value: string;
}

/** Returns the forms in which `secret` could show up if something logged or stored it. */
function leakForms({ label, value }: Secret): Secret[] {
  const forms = [
    { label, value },
    { label: `${label} base64`, value: Buffer.from(value).toString('base64') },
    { label: `${label} base64url`, value: Buffer.from(value).toString('base64url') },
    { label: `${label} url-encoded`, value: encodeURIComponent(value) },
    {
      label: `${label} in a Basic header`,
      value: Buffer.from(`${M2M_CLIENT_ID}:${value}`).toString('base64'),
    },
  ];
  const signature = value.split('.')[2];
  if (signature) forms.push({ label: `${label} signature`, value: signature });
  // An encoding that changes nothing (URL-encoding a hex token) is the raw form: report it once.
  return forms.filter((form, i) => forms.findIndex((f) => f.value === form.value) === i);
}

/** Returns where each secret (in any form) appears: output streams and written files. */
function findLeaks(outcome: ScenarioOutcome, secrets: Secret[]): string[] {
  const places: Array<[string, string]> = [
    ['stdout', outcome.run.stdout],
    ['stderr', outcome.run.stderr],
    ...Object.entries(outcome.written).map(([file, text]): [string, string] => [file, text]),
  ];
  return secrets
    .flatMap(leakForms)
    .flatMap(({ label, value }) =>
      places.filter(([, text]) => text.includes(value)).map(([where]) => `${label} in ${where}`),
    );
}

function debugScenario(
  name: string,
  exitCode: Scenario['exitCode'],
  variables: Scenario['variables'],
): Scenario {
  return {
    name,
    exitCode,
    files: { [PLAN_FILE]: JOB_PLAN },
    setup: (emulator) => {
      addTrainingJob(emulator);
      emulator.addServicePrincipal({ clientId: M2M_CLIENT_ID, secret: CLIENT_SECRET });
      emulator.addPat(PAT);
    },
    variables: (context) => ({ ...variables(context), DEBUG: 'true' }),
  };
}

const RUNS: readonly Scenario[] = [
  debugScenario('bitbucket-oidc', 0, oidcVariables),
  debugScenario('oauth-m2m', 0, (c) => ({
    ...oidcVariables(c),
    DATABRICKS_CLIENT_ID: M2M_CLIENT_ID,
    DATABRICKS_CLIENT_SECRET: CLIENT_SECRET,
  })),
  debugScenario('pat', 0, (c) => ({
    ...oidcVariables(c),
    DATABRICKS_CLIENT_ID: undefined,
    DATABRICKS_TOKEN: PAT,
  })),
  // Every credential variable at once: a conflict the pipe must explain by name, not by value.
  debugScenario('every credential at once', 2, (c) => ({
    ...oidcVariables(c),
    ...Object.fromEntries(SECRET_VARIABLES.map((name) => [name, CANARIES[name] ?? canary('x')])),
  })),
];

describe('the leak search', () => {
  it.each([
    {
      name: 'raw in stdout',
      stdout: `token=${PAT}`,
      file: '',
      found: ['DATABRICKS_TOKEN in stdout'],
    },
    {
      name: 'base64 in a file',
      stdout: '',
      file: Buffer.from(PAT).toString('base64'),
      found: ['DATABRICKS_TOKEN base64 in results.json'],
    },
    {
      name: 'inside a Basic header',
      stdout: `Basic ${Buffer.from(`${M2M_CLIENT_ID}:${PAT}`).toString('base64')}`,
      file: '',
      found: ['DATABRICKS_TOKEN in a Basic header in stdout'],
    },
    { name: 'nowhere', stdout: 'DEBUG: nothing secret', file: '{}', found: [] },
  ])('finds a secret $name', ({ stdout, file, found }) => {
    const outcome = {
      run: { exitCode: 0, stdout, stderr: '' },
      written: { 'results.json': file },
    } as unknown as ScenarioOutcome;
    const leaks = findLeaks(outcome, [{ label: 'DATABRICKS_TOKEN', value: PAT }]);
    // Encodings overlap (base64 contains base64url when the value has no + or /): subset, not equality.
    expect(leaks).toEqual(expect.arrayContaining(found));
    expect(leaks.length > 0).toBe(found.length > 0);
  });
});

describeWithDocker('no secret in the image output at DEBUG=true', () => {
  let image: PipeImage;
  beforeAll(async () => {
    image = await pipeImage();
  }, 600_000);

  it('plants a canary in every secret variable of the schema', () => {
    expect(SECRET_VARIABLES.filter((name) => CANARIES[name] === undefined)).toEqual([]);
  });

  it.each(RUNS)('$name: exit $exitCode, DEBUG output, no secret anywhere', async (scenario) => {
    const outcome = await runScenario(scenario, { kind: 'container', image: image.tag });
    const secrets = [
      ...Object.entries(CANARIES).map(([label, value]) => ({ label, value })),
      ...outcome.secrets.map((value, i) => ({
        label: i === 0 ? 'BITBUCKET_STEP_OIDC_TOKEN' : `access token ${i}`,
        value,
      })),
    ];
    expect(findLeaks(outcome, secrets)).toEqual([]);
    expect(outcome.run.stdout).toMatch(/^DEBUG: /m);
    // The exit status proves the run went as far as the flow goes (a run that stops early proves little).
    expect(outcome.run.exitCode).toBe(scenario.exitCode);
  });
});

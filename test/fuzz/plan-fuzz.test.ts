/**
 * Plan fuzzing (issue #10 item 1): thousands of generated plans through buildPlan and the
 * template renderer, in-process. A plan is either valid or refused with ERR_PLAN_INVALID and
 * located problems; no error path, description or rendered value carries a credential, and a
 * template can never reach one — not directly, not nested, not through a value that itself
 * holds `{{ … }}` (a branch name, an env var, an earlier action's output).
 */
import { getAction } from '../../src/actions/registry.js';
import type { PlanSource } from '../../src/config/types.js';
import { PipeError } from '../../src/errors.js';
import { buildPlan, type PlanContext } from '../../src/plan/build-plan.js';
import { formatPlan } from '../../src/plan/format-plan.js';
import { renderActionSpec } from '../../src/plan/render-templates.js';
import type { Plan } from '../../src/plan/types.js';
import { knownBug, knownBugHits } from '../support/known-bugs.js';
import { planCase } from './support/plans.js';
import { checkProperty, isReporting, reliabilityScale, reportFigures } from './support/property.js';
import { INJECTIONS } from './support/strings.js';

// Credentials with `{{ }}` inside: rendering must treat them as opaque, never as templates.
const SECRETS: Record<string, string> = {
  DATABRICKS_TOKEN: 'fuzz-pat-c4n4ry{{ bitbucket.commit }}-91f2',
  DATABRICKS_CLIENT_SECRET: 'fuzz-m2m-s3cr3t-{{ env.MODEL }}-7a1',
  BITBUCKET_STEP_OIDC_TOKEN:
    'eyJhbGciOiJSUzI1NiJ9.eyJmdXp6IjoiY2FuYXJ5In0.ZnV6ei1zaWduYXR1cmUtY2FuYXJ5',
};
const SECRET_VALUES = Object.values(SECRETS);
const SOURCE: PlanSource = { kind: 'inline', variable: 'ACTIONS', text: '' };
// An attacker controls branch and tag names (a pull request) and workspace outputs.
const CONTEXT: PlanContext = {
  bitbucket: {
    commit: 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678',
    branch: '{{env.DATABRICKS_TOKEN}}',
    tag: '{{ env.DATABRICKS_CLIENT_SECRET }}',
    repoFullName: 'acme/{{ env.BITBUCKET_STEP_OIDC_TOKEN }}',
    buildNumber: '42',
    pipelineUuid: '{11111111-2222-3333-4444-555555555555}',
    stepUuid: '{66666666-7777-8888-9999-000000000000}',
    cloneDir: '/clone',
  },
  env: {
    ...SECRETS,
    MODEL: 'ml_prod.churn.classifier',
    WHICH_VAR: 'DATABRICKS_TOKEN',
    INJECTED: '{{ env.DATABRICKS_TOKEN }}',
  },
};
// Far above a normal case (a 100 kB plan takes well under a second) yet far below what the
// quadratic paths once took (minutes for 50,000 templates): a regression shows, load does not.
const CASE_TIME_LIMIT_MS = 10_000;
let slowest = 0;

function assertNoSecret(what: string, text: string): void {
  for (const secret of SECRET_VALUES) {
    if (text.includes(secret)) throw new Error(`${what} carries a credential`);
  }
}

function tryBuild(text: string): Plan | undefined {
  try {
    return buildPlan(SOURCE, text, CONTEXT);
  } catch (error) {
    if (!(error instanceof PipeError) || error.code !== 'ERR_PLAN_INVALID') {
      if (knownBug(String(error))) return undefined;
      throw new Error(`buildPlan threw ${error instanceof PipeError ? error.code : String(error)}`);
    }
    const details = error.details.join('\n');
    assertNoSecret('the plan error', `${error.message}\n${details}\n${error.hint ?? ''}`);
    for (const line of error.details) {
      if (!/^ACTIONS(:\d+:\d+)? /.test(line))
        throw new Error(`problem without a location: ${line}`);
    }
    return undefined;
  }
}

/** Every output of every earlier action holds an injection attempt. */
function hostileOutputs(plan: Plan): Map<string, Record<string, unknown>> {
  const outputs = new Map<string, Record<string, unknown>>();
  plan.actions.forEach((action, i) => {
    if (action.id === undefined) return;
    const values = getAction(action.type).outputs.map((name, j) => [
      name,
      INJECTIONS[(i + j) % INJECTIONS.length],
    ]);
    outputs.set(action.id, {
      ...Object.fromEntries(values),
      task_outputs: { main: '{{ env.DATABRICKS_TOKEN }}' },
    });
  });
  return outputs;
}

function checkBuiltPlan(plan: Plan): void {
  if (!Object.isFrozen(plan) || !Object.isFrozen(plan.actions))
    throw new Error('plan is not frozen');
  assertNoSecret('the dry-run view', formatPlan(plan).join('\n'));
  const outputs = hostileOutputs(plan);
  for (const action of plan.actions) {
    try {
      const spec = renderActionSpec(action, { ...CONTEXT, outputs });
      assertNoSecret(`rendered action ${action.index}`, JSON.stringify(spec));
      assertNoSecret(
        `description of action ${action.index}`,
        getAction(action.type).describe(spec),
      );
    } catch (error) {
      if (
        !(error instanceof PipeError) ||
        !['ERR_PLAN_INVALID', 'ERR_PLAN_UNRESOLVED'].includes(error.code)
      ) {
        throw new Error(
          `rendering threw ${error instanceof PipeError ? error.code : String(error)}`,
        );
      }
      assertNoSecret('the render error', `${error.message}\n${error.details.join('\n')}`);
    }
  }
}

describe('plan fuzzing', () => {
  afterAll(() => {
    reportFigures('plan fuzzing');
    if (isReporting()) {
      console.log(`[reliability] plan known bugs ${JSON.stringify(knownBugHits())}`);
    }
  });

  it(
    'builds or refuses every generated plan cleanly; no template reaches a credential',
    async () => {
      const cases = await checkProperty(
        'plans',
        planCase(),
        ({ text }) => {
          const started = performance.now();
          const plan = tryBuild(text);
          if (plan) checkBuiltPlan(plan);
          const ms = performance.now() - started;
          slowest = Math.max(slowest, ms);
          if (ms > CASE_TIME_LIMIT_MS) throw new Error(`one plan took ${Math.round(ms)} ms`);
        },
        { numRuns: 4_000, timeLimitMs: 75_000 },
      );
      expect(cases).toBeGreaterThanOrEqual(4_000);
    },
    120_000 * reliabilityScale(),
  );

  it.each([
    {
      name: 'a credential by name',
      yaml: '- run_job: {job: x, job_parameters: {t: "{{ env.DATABRICKS_TOKEN }}"}}',
    },
    { name: 'a nested template', yaml: '- run_job: {job: "{{ {{ env.DATABRICKS_TOKEN }} }}"}' },
    {
      name: 'a template in a key',
      yaml: '- run_job: {job: x, job_parameters: {"{{ env.DATABRICKS_TOKEN }}": v}}',
    },
  ])('refuses $name before anything runs', ({ yaml }) => {
    expect(() => buildPlan(SOURCE, yaml, CONTEXT)).toThrow(
      expect.objectContaining({ code: 'ERR_PLAN_INVALID' }),
    );
  });

  it.each([
    {
      name: 'an env var holding a template',
      yaml: '- run_job: {job: x, job_parameters: {a: "{{ env.INJECTED }}"}}',
      expected: '{{ env.DATABRICKS_TOKEN }}',
    },
    {
      name: 'a branch name holding a template',
      yaml: '- run_job: {job: x, job_parameters: {a: "{{ bitbucket.branch }}"}}',
      expected: '{{env.DATABRICKS_TOKEN}}',
    },
  ])('renders $name as literal text, never expanding it again', ({ yaml, expected }) => {
    const plan = buildPlan(SOURCE, yaml, CONTEXT);
    const action = plan.actions[0];
    if (!action) throw new Error('no action');
    const spec = renderActionSpec(action, { ...CONTEXT, outputs: new Map() });
    expect(spec['job_parameters']).toEqual({ a: expected });
  });

  it('keeps generated cases fast enough that one plan can never stall the pipe', () => {
    expect(slowest).toBeLessThan(CASE_TIME_LIMIT_MS);
  });
});

/**
 * Fixed fault schedules, one per behaviour the random chaos schedules rely on or found broken.
 * The model-versions/create cases were found by the chaos suite and fixed in 3209cbd.
 */
import { SCENARIOS, type Scenario } from './support/scenarios.js';
import { faultRule, type FaultKind, type FaultSchedule } from './support/schedule.js';
import { runChaos } from './support/world.js';

function scenario(name: string): Scenario {
  const found = SCENARIOS.find((s) => s.name === name);
  if (!found) throw new Error(`no scenario ${name}`);
  return found;
}

function schedule(
  faults: { kind: FaultKind; path: string; times?: number }[],
  expiriesAfterMs: number[] = [],
): FaultSchedule {
  const rules = faults.map((f) => faultRule(f.kind, f.path, f.times ?? 1, 0, () => 0.5));
  return {
    seed: 1,
    rules,
    expiriesAfterMs,
    description: faults.map((f) => `${f.kind} on ${f.path}`),
    hasStorm: false,
  };
}

async function outcome(name: string, faults: FaultSchedule) {
  const chaos = await runChaos(scenario(name), faults);
  try {
    const runs = chaos.seeded.jobIds.map((id) => chaos.emu.runs.countForJob(id));
    return {
      exitCode: chaos.run.exitCode,
      code: chaos.evidence.results?.error?.code ?? null,
      runs,
      versions: chaos.evidence.results ? scenario(name).versions(chaos.emu).length : -1,
      problems: chaos.evidence.problems,
    };
  } finally {
    await chaos.close();
  }
}

describe('fixed fault schedules', () => {
  it.each([
    {
      name: 'a 503 on jobs/run-now (idempotency token)',
      faults: [{ kind: '503' as const, path: 'jobs/run-now' }],
    },
    { name: 'a reset on jobs/run-now', faults: [{ kind: 'reset' as const, path: 'jobs/run-now' }] },
    {
      name: 'a 429 without Retry-After on jobs/runs/get',
      faults: [{ kind: '429' as const, path: 'jobs/runs/get', times: 3 }],
    },
    {
      name: 'a 502 on the token exchange',
      faults: [{ kind: '502' as const, path: 'oidc/v1/token', times: 2 }],
    },
  ])('job run: $name is retried: exit 0, one run per action', async ({ faults }) => {
    expect(await outcome('job run', schedule(faults))).toEqual({
      exitCode: 0,
      code: null,
      runs: [1],
      versions: 0,
      problems: [],
    });
  });

  it('job run: tokens that expire mid-wait are exchanged again: exit 0, one run', async () => {
    expect(await outcome('job run', schedule([], [10_000]))).toEqual({
      exitCode: 0,
      code: null,
      runs: [1],
      versions: 0,
      problems: [],
    });
  });

  it('job run: a storm of 503 on jobs/runs/get ends in ERR_RETRIES_EXHAUSTED, one run, evidence complete', async () => {
    const storm = schedule([
      { kind: '503', path: 'jobs/runs/get', times: Number.POSITIVE_INFINITY },
    ]);
    expect(await outcome('job run', storm)).toEqual({
      exitCode: 1,
      code: 'ERR_RETRIES_EXHAUSTED',
      runs: [1],
      versions: 0,
      problems: [],
    });
  });

  it.each([
    { name: 'a 503', kind: '503' as const },
    { name: 'a 504 gateway page', kind: '504' as const },
    { name: 'a connection reset', kind: 'reset' as const },
  ])(
    'registry flow: after $name on model-versions/create the pipe looks, then creates the version once (DESIGN §7.4)',
    async ({ kind }) => {
      const faults = schedule([{ kind, path: 'mlflow/model-versions/create' }]);
      expect(await outcome('registry flow', faults)).toEqual({
        exitCode: 0,
        code: null,
        runs: [],
        versions: 1,
        problems: [],
      });
    },
  );
});

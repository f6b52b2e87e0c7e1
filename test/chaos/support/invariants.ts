/**
 * What must hold after every chaos run, returned as a list of problems (empty: survived):
 * the outcome is the fault-free one or a clear give-up; no action started two runs or two
 * model versions; results and audit are complete, schema-valid and agree with the emulator's
 * own record; a dry run changed nothing; no secret leaked anywhere.
 */
import type { Emulator } from '../../../emulator/index.js';
import type { ResultsDoc } from '../../support/evidence-check.js';
import { knownBug } from '../../support/known-bugs.js';
import type { Scenario } from './scenarios.js';
import type { FaultSchedule } from './schedule.js';
import { rootOf, type ChaosRun } from './world.js';

/** The fault-free outcome a chaos run is compared with. */
export interface Baseline {
  exitCode: number;
  statuses: string[];
  outputKeys: string[][];
}

/** Errors that say the pipe gave up cleanly after retrying, or hit a fault it must not retry. */
const GIVE_UP = /after \d+ attempts/;
const STACK_FRAME = /^\s*at\s.*(?:\(.*:\d+:\d+\)|:\d+:\d+)$/m;
// MLflow serves these searches as POSTs; they change nothing.
const READ_ONLY_POSTS = ['/oidc/v1/token', '/api/2.0/mlflow/runs/search'];

/** Returns the baseline of a fault-free run. */
export function baselineOf(chaos: ChaosRun): Baseline {
  const actions = chaos.evidence.results?.actions ?? [];
  return {
    exitCode: chaos.run.exitCode,
    statuses: actions.map((a) => a.status),
    outputKeys: actions.map((a) => Object.keys(a.outputs).sort()),
  };
}

/** Returns every problem of one chaos run. */
export async function checkChaosRun(
  scenario: Scenario,
  schedule: FaultSchedule,
  chaos: ChaosRun,
  baseline: Baseline,
): Promise<string[]> {
  const problems = [...chaos.evidence.problems];
  problems.push(...checkOutcome(chaos, baseline, schedule));
  problems.push(...checkDuplicates(scenario, chaos));
  problems.push(...checkConsistency(scenario, chaos));
  if (scenario.isDryRun) problems.push(...checkNothingChanged(chaos));
  if (STACK_FRAME.test(chaos.run.output)) problems.push('a stack trace in the output');
  const leaks = await chaos.canaries.scan({
    texts: { stdout: chaos.run.output },
    dirs: [rootOf(chaos.run)],
  });
  for (const leak of leaks) problems.push(`leak: ${leak.secret} in ${leak.where}`);
  return problems;
}

/** The fault-free outcome, or a failure that names a give-up after retries or a 500. */
function checkOutcome(chaos: ChaosRun, baseline: Baseline, schedule: FaultSchedule): string[] {
  const results = chaos.evidence.results;
  if (!results) return [];
  const observed = baselineOf(chaos);
  const isSame =
    observed.exitCode === baseline.exitCode &&
    JSON.stringify(observed.statuses) === JSON.stringify(baseline.statuses) &&
    JSON.stringify(observed.outputKeys) === JSON.stringify(baseline.outputKeys);
  if (isSame) return [];
  if (observed.exitCode === 0)
    return [`exit 0 but not the fault-free outcome: ${JSON.stringify(observed)}`];
  const error = results.error;
  if (!error) return [`exit ${observed.exitCode} without an error in results.json`];
  if (chaos.emu.faults.firedCount() === 0)
    return [`failed (${error.code}) although no fault fired`];
  if (isCleanGiveUp(error, schedule)) return [];
  const bug = knownBug(error.message);
  if (bug) return [`KNOWN BUG ${bug.id} (${bug.test})`];
  return [
    `failed with ${error.code} (${error.message}), neither the fault-free outcome nor a give-up after retries`,
  ];
}

function isCleanGiveUp(error: NonNullable<ResultsDoc['error']>, schedule: FaultSchedule): boolean {
  if (error.code === 'ERR_RETRIES_EXHAUSTED') return true;
  if (error.code === 'ERR_TOKEN_EXCHANGE_FAILED' && GIVE_UP.test(error.message)) return true;
  // A plain 500 is not retried, by design (DESIGN §7.4, reference §1.4: the SDKs do not either).
  const injected500 = schedule.rules.some((r) => r.respond?.status === 500);
  const isPlain500 = /\b500\b|INTERNAL_ERROR/.test(error.message);
  return injected500 && isPlain500 && ['ERR_API', 'ERR_TOKEN_EXCHANGE_FAILED'].includes(error.code);
}

/** At most one run per trigger action and one model version per register_model. */
function checkDuplicates(scenario: Scenario, { emu, seeded }: ChaosRun): string[] {
  const problems: string[] = [];
  for (const jobId of seeded.jobIds) {
    const count = emu.runs.countForJob(jobId);
    if (count > 1) problems.push(`DUPLICATE: ${count} runs of job ${jobId} for one run_job action`);
  }
  const submitted = emu.runs.list().filter((r) => r.runType === 'SUBMIT_RUN').length;
  if (submitted > 1)
    problems.push(`DUPLICATE: ${submitted} one-time runs for one submit_run action`);
  const runs = emu.runs.list().length;
  if (runs > scenario.maxRuns)
    problems.push(`${runs} runs started, at most ${scenario.maxRuns} expected`);
  const versions = scenario.versions(emu);
  if (versions.length > scenario.maxVersions) {
    problems.push(
      `DUPLICATE: new versions ${versions.join(', ')}, at most ${scenario.maxVersions}`,
    );
  }
  return problems;
}

/** Results and audit agree with what the emulator recorded. */
function checkConsistency(scenario: Scenario, { emu, evidence }: ChaosRun): string[] {
  const problems: string[] = [];
  const auditedRuns = new Set(
    evidence.audit
      .filter((a) => a.result === 'succeeded')
      .map((a) => Number(a.response?.['run_id'])),
  );
  for (const run of emu.runs.list()) {
    if (!auditedRuns.has(run.runId))
      problems.push(`run ${run.runId} exists but no audit record says it was started`);
  }
  for (const runId of auditedRuns) {
    if (Number.isFinite(runId) && !emu.runs.get(runId))
      problems.push(`audit names run ${runId}, which the workspace does not have`);
  }
  for (const action of evidence.results?.actions ?? []) {
    if (action.status !== 'succeeded') continue;
    problems.push(...checkOutputs(emu, action.type, action.outputs, scenario.versions(emu)));
  }
  return problems;
}

function checkOutputs(
  emu: Emulator,
  type: string,
  outputs: Record<string, unknown>,
  versions: readonly string[],
): string[] {
  if (type === 'run_job' || type === 'submit_run') {
    const run = emu.runs.get(Number(outputs['run_id']));
    if (!run) return [`${type} reports run ${String(outputs['run_id'])}, which does not exist`];
    if (run.resultState !== outputs['result_state']) {
      return [
        `${type} reports ${String(outputs['result_state'])}, the workspace says ${String(run.resultState)}`,
      ];
    }
  }
  if (type === 'register_model') {
    if (!versions.includes(String(outputs['version']))) {
      return [`register_model reports version ${String(outputs['version'])}, which does not exist`];
    }
  }
  return [];
}

/** A dry run served no state-changing request and wrote no audit line. */
function checkNothingChanged({ emu, evidence }: ChaosRun): string[] {
  const problems = emu.requests
    .filter(
      (r) => r.method !== 'GET' && r.faultId === undefined && !READ_ONLY_POSTS.includes(r.path),
    )
    .map((r) => `the dry run changed something: ${r.method} ${r.path}`);
  if (evidence.audit.length > 0)
    problems.push(`the dry run wrote ${evidence.audit.length} audit lines`);
  return problems;
}

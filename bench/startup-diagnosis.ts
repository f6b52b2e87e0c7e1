/**
 * Where the startup time goes, when the validation-failure target is missed: CPU self time of
 * the validation path by origin (through the source maps of dist/pipe.js and its chunks) (median over several profiled runs), and the cost over bare
 * Node of each part loaded on its own (bench/startup-probes.ts).
 */
import { attribute, profileRun, sourceMapResolver } from './cpu-profile.js';
import { PIPE_BUNDLE } from './pipe-client.js';
import { median, round } from './stats.js';
import { runStartupProbes, type ProbeFigure } from './startup-probes.js';

export interface StartupDiagnosis {
  /** Self ms by origin (npm package, src/ folder, Node internals), median over the profiles. */
  cpuSelfMs: Array<{ origin: string; ms: number }>;
  profiles: number;
  probes: ProbeFigure[];
}

const PROFILES = 5;
const TOP = 12;

/** Returns the diagnosis; `rounds` interleaved rounds for the probes. */
export async function diagnoseStartup(rounds: number): Promise<StartupDiagnosis> {
  const resolve = sourceMapResolver();
  const perOrigin = new Map<string, number[]>();
  for (let i = 0; i < PROFILES; i++) {
    const profile = await profileRun(PIPE_BUNDLE, { PATH: process.env['PATH'] ?? '' });
    for (const [origin, ms] of attribute(profile, resolve)) {
      perOrigin.set(origin, [...(perOrigin.get(origin) ?? []), ms]);
    }
  }
  // An origin missing from a profile spent no sampled time there.
  const cpuSelfMs = [...perOrigin.entries()]
    .map(([origin, values]) => ({
      origin,
      ms: round(median([...values, ...Array<number>(PROFILES - values.length).fill(0)]), 1),
    }))
    .sort((a, b) => b.ms - a.ms)
    .slice(0, TOP);
  return { cpuSelfMs, profiles: PROFILES, probes: await runStartupProbes(rounds, PIPE_BUNDLE) };
}

/** Returns the diagnosis as lines for the terminal. */
export function formatDiagnosis(d: StartupDiagnosis): string[] {
  return [
    `startup: CPU self time of dist/pipe.js exiting on a validation error (median of ${d.profiles} profiles):`,
    ...d.cpuSelfMs.map((o) => `  ${o.ms.toFixed(1).padStart(7)} ms  ${o.origin}`),
    'startup: each part alone, added to bare node -e 0 (median of paired rounds):',
    ...d.probes.map((p) => `  ${p.addedMs.toFixed(1).padStart(7)} ms  ${p.name}`),
  ];
}

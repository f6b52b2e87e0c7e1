/**
 * Benchmark 3, fan-out: a `parallel` group of N one-minute runs with `max_concurrency: N`,
 * in real time, against one run alone: wall time, the pipe's peak RSS (VmHWM) and the busiest
 * one-second window of its requests at the emulator.
 */
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { addTimedJob, startBenchEmulator } from './bench-emulator.js';
import { pipeEnv, runPipeProcess, tail } from './pipe-client.js';
import { analyzeEconomy, type EconomyFigures } from './economy.js';
import { maxInWindow, ratio } from './stats.js';

export interface FanoutFigures {
  runs: number;
  runMs: number;
  singleWallMs: number;
  fanoutWallMs: number;
  wallRatio: number;
  /** Peak resident set of the fan-out pipe process (VmHWM), MB. */
  peakRssMb: number;
  singlePeakRssMb: number;
  /** Most requests the fan-out pipe made in any 1-s window. */
  maxRequestsPerSecond: number;
  totalRequests: number;
  requestsByEndpoint: Record<string, number>;
  /** From the pipe's first request to its last run-now: lookups and triggers before the last run starts. */
  firstRequestToLastTriggerMs: number;
  /** The fan-out pipe's request economy (repeated lookups across the group's actions). */
  economy: EconomyFigures;
}

/** Returns the fan-out figures; both invocations run `node dist/pipe.js` in real time. */
export async function benchFanout(runs: number, runMs: number): Promise<FanoutFigures> {
  const bench = await startBenchEmulator(false);
  const { emulator } = bench;
  try {
    const history = [0.96, 0.98, 1, 1.02, 1.04].map((s) => Math.round(s * runMs));
    addTimedJob(emulator, 'bench-single', runMs, history);
    // Its owner lets the runs go at once (the emulator's default of 1 would queue them).
    addTimedJob(emulator, 'bench-fanout', runMs, history, runs);
    const single = await invoke(
      emulator.url,
      emulator.addPat(),
      `- run_job: { job: bench-single, timeout: 10m }\n`,
    );
    const token = emulator.addPat();
    const members = Array.from(
      { length: runs },
      (_, i) => `    - id: run${i}\n      run_job: { job: bench-fanout, timeout: 10m }`,
    ).join('\n');
    const fan = await invoke(
      emulator.url,
      token,
      `- parallel:\n${members}\n  max_concurrency: ${runs}\n`,
    );
    const own = emulator.requests.filter((r) => r.tokenId === emulator.tokenIdOf(token));
    const byEndpoint: Record<string, number> = {};
    for (const r of own)
      byEndpoint[`${r.method} ${r.path}`] = (byEndpoint[`${r.method} ${r.path}`] ?? 0) + 1;
    return {
      runs,
      runMs,
      singleWallMs: single.wallMs,
      fanoutWallMs: fan.wallMs,
      wallRatio: ratio(fan.wallMs, single.wallMs),
      peakRssMb: fan.peakRssMb,
      singlePeakRssMb: single.peakRssMb,
      maxRequestsPerSecond: maxInWindow(own.map((r) => r.time)),
      totalRequests: own.length,
      requestsByEndpoint: byEndpoint,
      firstRequestToLastTriggerMs: lastTriggerAfter(own),
      economy: analyzeEconomy(own),
    };
  } finally {
    await bench.close();
  }
}

async function invoke(
  host: string,
  token: string,
  actions: string,
): Promise<{ wallMs: number; peakRssMb: number }> {
  let peakKb = 0;
  let sampler: NodeJS.Timeout | undefined;
  const sample = (child: ChildProcess): void => {
    const kb = peakRssKb(child.pid);
    if (kb !== undefined) peakKb = Math.max(peakKb, kb);
  };
  const started = performance.now();
  const outcome = await runPipeProcess(pipeEnv(host, token, actions), (child) => {
    sampler = setInterval(() => sample(child), 100);
  });
  const wallMs = performance.now() - started;
  clearInterval(sampler);
  if (outcome.exitCode !== 0)
    throw new Error(`pipe exited ${outcome.exitCode}:\n${tail(outcome.output)}`);
  return { wallMs, peakRssMb: peakKb / 1024 };
}

function lastTriggerAfter(requests: ReadonlyArray<{ time: number; path: string }>): number {
  const triggers = requests.filter((r) => r.path.endsWith('/jobs/run-now'));
  const first = requests[0]?.time;
  const last = triggers[triggers.length - 1]?.time;
  return first === undefined || last === undefined ? Number.NaN : last - first;
}

/** Returns the process's VmHWM (peak RSS) in kB, or undefined once it is gone. */
export function peakRssKb(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = /^VmHWM:\s+(\d+)\s+kB/m.exec(status);
    return match?.[1] ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

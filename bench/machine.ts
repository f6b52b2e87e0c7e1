/** What the figures were measured on: results from a shared, noisy machine need this beside them. */
import { availableParallelism, cpus, loadavg, release, totalmem } from 'node:os';

export interface MachineInfo {
  nproc: number;
  cpuModel: string;
  node: string;
  os: string;
  memoryGb: number;
  /** 1-minute load average when the benchmark started and ended. */
  loadAverage: { start: number; end?: number };
}

/** Returns the machine's description as of now. */
export function machineInfo(): MachineInfo {
  return {
    nproc: availableParallelism(),
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
    node: process.version,
    os: `${process.platform} ${release()}`,
    memoryGb: Math.round(totalmem() / 1024 ** 3),
    loadAverage: { start: loadavg()[0] ?? 0 },
  };
}

/** Returns the current 1-minute load average. */
export function currentLoad(): number {
  return loadavg()[0] ?? 0;
}

/**
 * Wall time of short-lived processes, measured from just before `spawn` to the child's exit,
 * with a monotonic clock; and the order that interleaves several variants fairly.
 */
import { spawn } from 'node:child_process';

/** One command to time. */
export interface Variant {
  name: string;
  command: string;
  args: string[];
  env?: Record<string, string>;
  /** Exit code the variant must end with (a wrong one is an error, not a figure). */
  expectedExit?: number;
}

/** Returns the child's wall time in ms. @throws Error when the exit code is not the expected one */
export function timeProcess(variant: Variant): Promise<number> {
  return new Promise((done, fail) => {
    const started = performance.now();
    const child = spawn(variant.command, variant.args, {
      env: variant.env ?? { PATH: process.env['PATH'] ?? '' },
      stdio: 'ignore',
    });
    child.on('error', fail);
    child.on('exit', (code) => {
      const elapsed = performance.now() - started;
      const expected = variant.expectedExit ?? 0;
      if (code !== expected)
        fail(new Error(`${variant.name} exited ${code}, expected ${expected}`));
      else done(elapsed);
    });
  });
}

/**
 * Returns the variant order for each round: rotated by one each round, so no variant always
 * runs first (cold caches) or right after the same neighbour.
 */
export function roundOrder(variantCount: number, round: number): number[] {
  return Array.from({ length: variantCount }, (_, i) => (i + round) % variantCount);
}

/** Returns each variant's wall times (ms), measured in `rounds` interleaved rounds. */
export async function timeInterleaved(
  variants: readonly Variant[],
  rounds: number,
  warmup = 2,
): Promise<Map<string, number[]>> {
  const times = new Map<string, number[]>(variants.map((v) => [v.name, []]));
  for (let round = -warmup; round < rounds; round++) {
    for (const index of roundOrder(variants.length, round + warmup)) {
      const variant = variants[index];
      if (!variant) continue;
      const ms = await timeProcess(variant);
      if (round >= 0) times.get(variant.name)?.push(ms);
    }
  }
  return times;
}

/** Returns the per-round differences `a[i] - b[i]` (paired: same round, similar load). */
export function pairedDifferences(a: readonly number[], b: readonly number[]): number[] {
  return a.slice(0, Math.min(a.length, b.length)).map((value, i) => value - (b[i] ?? 0));
}

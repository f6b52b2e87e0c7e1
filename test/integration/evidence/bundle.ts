import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { build } from 'esbuild';

/** Bundles a TypeScript entry point into one ESM file in `outDir`, as the image's build does. */
export async function bundle(entry: string, outDir: string): Promise<string> {
  const outfile = join(outDir, 'bundle.mjs');
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    logLevel: 'silent',
  });
  return outfile;
}

export interface NodeRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs `node <script> ...args` and returns how it ended. */
export function runNode(script: string, args: readonly string[]): Promise<NodeRun> {
  return new Promise((resolve) => {
    execFile(process.execPath, [script, ...args], { timeout: 20_000 }, (error, stdout, stderr) => {
      const failure = error as (Error & { code?: unknown; signal?: NodeJS.Signals | null }) | null;
      resolve({
        code: failure ? (typeof failure.code === 'number' ? failure.code : null) : 0,
        signal: failure?.signal ?? null,
        stdout,
        stderr,
      });
    });
  });
}

/**
 * Where the pipe's startup goes, when benchmark 1 misses its target: small bundles that each
 * load one part of what dist/pipe.js may load (a dependency, the validation path alone, the
 * logger), timed against `node -e 0` in the same interleaved rounds. Nothing here changes src/.
 */
import type { BuildOptions } from 'esbuild';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pairedDifferences, timeInterleaved, type Variant } from './spawn-timer.js';
import { median, round } from './stats.js';

const REPO = resolve(__dirname, '..');
const src = (path: string): string => JSON.stringify(join(REPO, 'src', path));
// esbuild's JavaScript API cannot be bundled into dist/bench.js: load it from node_modules.
const esbuild = createRequire(join(REPO, 'package.json'))('esbuild') as {
  build(options: BuildOptions): Promise<unknown>;
};

/** One probe: what it loads and what it adds to bare Node (median of paired differences). */
export interface ProbeFigure {
  name: string;
  addedMs: number;
  medianMs: number;
}

interface Probe {
  /** The entry's source; empty for dist/pipe.js itself. */
  body: string;
  expectedExit: number;
}

const VALIDATE_AND_PRINT = `
  const { loadConfig } = require(${src('config/load-config.ts')});
  try { loadConfig({ ...process.env }, process.cwd()); }
  catch (e) { process.stdout.write(e.message + '\\n' + (e.details || []).join('\\n') + '\\n'); process.exitCode = 2; }`;

const PROBES: Record<string, Probe> = {
  'dist/pipe.js (whole bundle, exits 2)': { body: '', expectedExit: 2 },
  'validation path only (loadConfig), no logger': { body: VALIDATE_AND_PRINT, expectedExit: 2 },
  'validation path + logger': {
    body: `
      const { createLogger } = require(${src('log/logger.ts')});
      createLogger({ stream: process.stdout });
      ${VALIDATE_AND_PRINT}`,
    expectedExit: 2,
  },
  'logger alone (createLogger)': {
    body: `require(${src('log/logger.ts')}).createLogger({ stream: process.stdout });`,
    expectedExit: 0,
  },
  'axios (require)': { body: `require('axios');`, expectedExit: 0 },
  'jose (require)': { body: `require('jose');`, expectedExit: 0 },
  'yaml (require)': { body: `require('yaml');`, expectedExit: 0 },
  'ajv + ajv-formats (require)': {
    body: `require('ajv'); require('ajv-formats');`,
    expectedExit: 0,
  },
};

/** Returns each probe's cost over bare Node, from `rounds` interleaved rounds. */
export async function runStartupProbes(rounds: number, pipeBundle: string): Promise<ProbeFigure[]> {
  const dir = await mkdtemp(join(tmpdir(), 'databricks-ml-pipe-probes-'));
  try {
    const variants: Variant[] = [
      { name: 'node -e 0', command: process.execPath, args: ['-e', '0'] },
    ];
    for (const [name, probe] of Object.entries(PROBES)) {
      const file = probe.body === '' ? pipeBundle : await bundleProbe(dir, variants.length, probe);
      variants.push({
        name,
        command: process.execPath,
        args: [file],
        expectedExit: probe.expectedExit,
      });
    }
    const times = await timeInterleaved(variants, rounds);
    const bare = times.get('node -e 0') ?? [];
    return variants.slice(1).map((v) => {
      const own = times.get(v.name) ?? [];
      return {
        name: v.name,
        addedMs: round(median(pairedDifferences(own, bare)), 1),
        medianMs: round(median(own), 1),
      };
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function bundleProbe(dir: string, index: number, probe: Probe): Promise<string> {
  const entry = join(dir, `probe-${index}.ts`);
  const out = join(dir, `probe-${index}.cjs`);
  await writeFile(entry, probe.body);
  await esbuild.build({
    entryPoints: [entry],
    outfile: out,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    logLevel: 'error',
    nodePaths: [join(REPO, 'node_modules')],
  });
  return out;
}

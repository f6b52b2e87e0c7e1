/**
 * Benchmark 4, footprint: the bundle as shipped (dist/pipe.js with the part it compiles on
 * demand embedded in it, and any file it would `require` beside it; raw and gzip, and their
 * source maps), and the image's own layers (image size minus its base image's) when a Docker
 * engine and the base image are at hand.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';

const run = promisify(execFile);
// The repository, from dist/bench.js (a function: __dirname exists only in the bundle).
const repo = (): string => resolve(__dirname, '..');
// The base the container tests build from this machine's own node binary (no registry pull).
const BASE_IMAGE = process.env['BENCH_BASE_IMAGE'] ?? 'local/node-min:20';
const TAG = 'databricks-ml-pipe:bench-footprint';

export interface FootprintFigures {
  /** dist/pipe.js: what every invocation reads and compiles. */
  entryBytes: number;
  /** dist/pipe.js and every file beside it that it would `require` (none since the lazy part is embedded). */
  bundleBytes: number;
  bundleGzipBytes: number;
  files: number;
  /** The .map files beside them. */
  sourceMapBytes: number;
  /** Bytes the image adds to its base, or undefined with `imageNote` saying why. */
  imageOwnBytes?: number;
  imageBaseImage?: string;
  /** The image's own layers: size and the Dockerfile step that made each. */
  imageLayers?: Array<{ bytes: string; step: string }>;
  imageNote?: string;
}

/** Returns the footprint figures; the image part is skipped (with a note) when it cannot be built. */
export async function benchFootprint(): Promise<FootprintFigures> {
  const scripts = shippedScripts(resolve(repo(), 'dist/pipe.js'));
  // The embedded lazy part's map sits beside pipe.js as pipe.lazy.js.map (scripts/lazy-bundle.mjs).
  const maps = [...scripts.map((f) => `${f}.map`), resolve(repo(), 'dist/pipe.lazy.js.map')].filter(
    (f) => existsSync(f),
  );
  const code = Buffer.concat(scripts.map((f) => readFileSync(f)));
  const figures: FootprintFigures = {
    entryBytes: statSync(resolve(repo(), 'dist/pipe.js')).size,
    bundleBytes: code.length,
    bundleGzipBytes: gzipSync(code, { level: 9 }).length,
    files: scripts.length,
    sourceMapBytes: maps.reduce((n, f) => n + statSync(f).size, 0),
  };
  try {
    const baseBytes = await imageSize(BASE_IMAGE);
    const baseSteps = await historyLength(BASE_IMAGE);
    await run(
      'docker',
      ['build', '-q', '--build-arg', `BASE_IMAGE=${BASE_IMAGE}`, '-t', TAG, '.'],
      { cwd: repo(), maxBuffer: 1 << 20 },
    );
    const ownBytes = (await imageSize(TAG)) - baseBytes;
    const layers = await ownLayers(TAG, baseSteps);
    await run('docker', ['rmi', TAG]).catch(() => undefined);
    return { ...figures, imageOwnBytes: ownBytes, imageBaseImage: BASE_IMAGE, imageLayers: layers };
  } catch (error) {
    const why = error instanceof Error ? error.message.split('\n')[0] : String(error);
    return { ...figures, imageNote: `image not measured: ${why}` };
  }
}

/**
 * Returns dist/pipe.js and every file it can load: the chunks it `require`s, transitively
 * (a stale chunk left in dist/chunks/ by an older build is not counted).
 */
export function shippedScripts(entry: string): string[] {
  const found = new Set<string>([entry]);
  const queue = [entry];
  for (let file = queue.pop(); file !== undefined; file = queue.pop()) {
    for (const match of readFileSync(file, 'utf8').matchAll(
      /require\(["'](\.{1,2}\/[^"']+\.js)["']\)/g,
    )) {
      const target = resolve(dirname(file), match[1] ?? '');
      if (!found.has(target) && existsSync(target)) {
        found.add(target);
        queue.push(target);
      }
    }
  }
  return [...found];
}

async function historyLength(image: string): Promise<number> {
  const { stdout } = await run('docker', ['history', '-q', image]);
  return stdout.trim().split('\n').length;
}

// `docker history` lists the newest step first; the base's steps are the last `baseSteps`.
async function ownLayers(
  image: string,
  baseSteps: number,
): Promise<Array<{ bytes: string; step: string }>> {
  const { stdout } = await run('docker', [
    'history',
    '--no-trunc',
    '--format',
    '{{.Size}}\t{{.CreatedBy}}',
    image,
  ]);
  const rows = stdout.trim().split('\n');
  return rows
    .slice(0, Math.max(0, rows.length - baseSteps))
    .map((row) => {
      const [bytes = '', step = ''] = row.split('\t');
      return { bytes, step: step.replace(/^\/bin\/sh -c #\(nop\)\s*/, '').slice(0, 120) };
    })
    .filter((layer) => layer.bytes !== '0B');
}

async function imageSize(image: string): Promise<number> {
  const { stdout } = await run('docker', ['image', 'inspect', '--format', '{{.Size}}', image]);
  return Number(stdout.trim());
}

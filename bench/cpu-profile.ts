/**
 * Self time of a `node --cpu-prof` profile by where the code came from: each npm package or
 * src/ folder (found through the bundle's source maps, so dist/pipe.js and the chunks it loads
 * on demand are told apart alike), Node's own internals, and V8's pseudo-frames (GC, program).
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { SourceMap, type SourceMapPayload } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface CallFrame {
  url: string;
  lineNumber: number;
  columnNumber: number;
  functionName: string;
}

/** The parts of a .cpuprofile the attribution reads. */
export interface CpuProfile {
  nodes: Array<{ id: number; callFrame: CallFrame }>;
  samples: number[];
  timeDeltas: number[];
}

/** Returns a frame's original source path (`src/…`, `node_modules/…`), if a map knows it. */
export type SourceResolver = (frame: CallFrame) => string | undefined;

const NODE_INTERNALS = 'node internals (bootstrap, module loader)';

/** Returns the origin of a source path: its npm package (the outermost), or its src/ folder. */
export function originOf(source: string): string {
  const modules = source.indexOf('node_modules/');
  if (modules >= 0) {
    const pkg = /^node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(source.slice(modules));
    if (pkg?.[1]) return pkg[1];
  }
  const folder = /(?:^|\/)(src\/[^/]+)\//.exec(source);
  return folder?.[1] ?? source.replace(/^(\.\.\/)+/, '');
}

/** Returns self time (ms) by origin, largest first. */
export function attribute(profile: CpuProfile, resolve: SourceResolver): Array<[string, number]> {
  const byId = new Map(profile.nodes.map((n) => [n.id, n.callFrame]));
  const totals = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    const frame = byId.get(id);
    if (!frame) return;
    const source = resolve(frame);
    const origin =
      source !== undefined
        ? originOf(source)
        : frame.url === ''
          ? frame.functionName || '(native)'
          : frame.url.startsWith('node:')
            ? NODE_INTERNALS
            : frame.url;
    totals.set(origin, (totals.get(origin) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  });
  return [...totals.entries()].sort((a, b) => b[1] - a[1]);
}

/** Returns a resolver that reads `<file>.map` beside each bundled file (cached). */
export function sourceMapResolver(): SourceResolver {
  const maps = new Map<string, SourceMap | undefined>();
  const mapFor = (url: string): SourceMap | undefined => {
    if (!maps.has(url)) {
      const path = url.startsWith('file:') ? fileURLToPath(url) : url;
      const file = `${path}.map`;
      maps.set(
        url,
        existsSync(file)
          ? new SourceMap(JSON.parse(readFileSync(file, 'utf8')) as SourceMapPayload)
          : undefined,
      );
    }
    return maps.get(url);
  };
  return (frame) => {
    if (frame.url === '' || frame.url.startsWith('node:')) return undefined;
    const entry = mapFor(frame.url)?.findEntry(frame.lineNumber, frame.columnNumber);
    return entry && 'originalSource' in entry ? entry.originalSource : undefined;
  };
}

/** Returns the profile of one `node --cpu-prof <script>` run (any exit code). */
export async function profileRun(script: string, env: Record<string, string>): Promise<CpuProfile> {
  const dir = await mkdtemp(join(tmpdir(), 'databricks-ml-pipe-prof-'));
  try {
    await new Promise<void>((ok, fail) => {
      const args = ['--cpu-prof', '--cpu-prof-dir', dir, '--cpu-prof-interval', '200', script];
      const child = spawn(process.execPath, args, { env, stdio: 'ignore' });
      child.on('error', fail);
      child.on('exit', () => ok());
    });
    const [file] = (await readdir(dir)).filter((f) => f.endsWith('.cpuprofile'));
    if (!file) throw new Error('node --cpu-prof wrote no profile');
    return JSON.parse(await readFile(join(dir, file), 'utf8')) as CpuProfile;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

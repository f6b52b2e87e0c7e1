/**
 * The pipe as Bitbucket runs it: `node <bundle>` in its own process, which a stopped pipeline
 * SIGKILLs. The bundle is built from src/index.ts the way scripts/build.mjs builds dist/pipe.js,
 * but into a temp dir, so the test always runs the code under test and never touches dist/.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ENTRY = join(dirname(fileURLToPath(import.meta.url)), '../../../../src/index.ts');

/** Returns the path of a fresh CommonJS bundle of the pipe's entry point. */
export async function bundlePipe(): Promise<string> {
  const outfile = join(await mkdtemp(join(tmpdir(), 'dmp-orphans-bundle-')), 'pipe.cjs');
  await build({
    entryPoints: [ENTRY],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    logLevel: 'silent',
  });
  return outfile;
}

/** A running pipe process. */
export interface PipeProcess {
  /** Everything printed so far (stdout and stderr, in arrival order). */
  output(): string;
  /** Resolves with the first output line matching `pattern`; rejects after `timeoutMs`. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** Kills it with SIGKILL, as Bitbucket stops a step, and resolves once it is gone. */
  kill9(): Promise<void>;
  /** Resolves with the exit code (null when killed by a signal). */
  readonly exited: Promise<number | null>;
}

/** Starts `node <bundle>` with exactly `env` (nothing of the test runner's environment). */
export function spawnPipe(bundle: string, env: Record<string, string>): PipeProcess {
  const child = spawn(process.execPath, [bundle], { env, cwd: env['BITBUCKET_CLONE_DIR'] });
  let text = '';
  const listeners = new Set<() => void>();
  const onData = (chunk: Buffer): void => {
    text += chunk.toString('utf8');
    for (const listener of listeners) listener();
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  return {
    output: () => text,
    exited,
    waitFor: (pattern, timeoutMs = 20_000) =>
      new Promise((resolve, reject) => {
        const check = (): void => {
          const line = text.split('\n').find((l) => pattern.test(l));
          if (line === undefined) return;
          done();
          resolve(line);
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`no line matching ${String(pattern)} within ${timeoutMs} ms:\n${text}`));
        }, timeoutMs);
        const done = (): void => {
          clearTimeout(timer);
          listeners.delete(check);
        };
        listeners.add(check);
        check();
        void exited.then(() => {
          if (!listeners.has(check)) return;
          done();
          reject(new Error(`the pipe exited before printing ${String(pattern)}:\n${text}`));
        });
      }),
    kill9: async () => {
      child.kill('SIGKILL');
      await exited;
    },
  };
}

/** Returns a JSON file's parsed content. */
export async function readJson<T = Record<string, unknown>>(path: string): Promise<T> {
  return JSON.parse(await readFile(path, 'utf8')) as T;
}

/** Returns the audit trail's records (one JSON object per line). */
export async function readAudit(path: string): Promise<Array<Record<string, unknown>>> {
  const text = await readFile(path, 'utf8');
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

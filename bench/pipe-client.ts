/**
 * The pipe as a benchmarked client: `node dist/pipe.js` in a child process (exactly what the
 * image runs), or `main()` in this process on an injected clock for virtual-time runs.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Writable } from 'node:stream';
import type { Clock } from '../src/clock.js';
import { main } from '../src/main.js';

/** The bundle the benchmark measures: dist/pipe.js beside dist/bench.js. */
export const PIPE_BUNDLE = resolve(__dirname, 'pipe.js');

/** Returns the variables a pipeline would pass for a PAT-authenticated plan. */
export function pipeEnv(host: string, token: string, actions: string): Record<string, string> {
  return {
    PATH: process.env['PATH'] ?? '',
    DATABRICKS_HOST: host,
    DATABRICKS_TOKEN: token,
    ACTIONS: actions,
    BITBUCKET_CLONE_DIR: mkdtempSync(join(tmpdir(), 'databricks-ml-pipe-bench-')),
    BITBUCKET_COMMIT: 'b'.repeat(40),
    BITBUCKET_BRANCH: 'main',
    BITBUCKET_REPO_FULL_NAME: 'acme/churn',
    BITBUCKET_BUILD_NUMBER: '9',
  };
}

/** How one pipe invocation ended. */
export interface PipeOutcome {
  exitCode: number;
  /** The pipe's stdout (its whole log). */
  output: string;
}

/** Spawns `node dist/pipe.js`; `onSpawn` sees the child (e.g. to sample its memory). */
export function runPipeProcess(
  env: Record<string, string>,
  onSpawn?: (child: ChildProcess) => void,
): Promise<PipeOutcome> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [PIPE_BUNDLE], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', fail);
    child.on('exit', (code) => done({ exitCode: code ?? 1, output }));
    onSpawn?.(child);
  });
}

/** Runs the pipe's `main()` here on `clock` (virtual time); never rejects. */
export async function runPipeInProcess(
  env: Record<string, string>,
  clock: Clock,
): Promise<PipeOutcome> {
  let output = '';
  const stdout = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      output += chunk.toString();
      callback();
    },
  });
  const { exitCode } = await main({
    env,
    cwd: env['BITBUCKET_CLONE_DIR'] ?? process.cwd(),
    stdout,
    signal: new AbortController().signal,
    clock,
    color: false,
  });
  return { exitCode, output };
}

/** Returns the last `count` lines of a pipe log, for a failure message. */
export function tail(output: string, count = 8): string {
  return output.trim().split('\n').slice(-count).join('\n');
}

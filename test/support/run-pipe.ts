import { rmSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { systemClock, type Clock } from '../../src/clock.js';
import type { HttpTransport } from '../../src/databricks/transport-types.js';
import { main } from '../../src/main.js';
import { formatVerdict } from '../../src/run/report.js';
import { CaptureStream } from './capture.js';

export interface PipeRun {
  exitCode: number;
  /** Everything the pipe printed, verdict last, as the image prints it. */
  output: string;
  lines: string[];
  cloneDir: string;
}

export interface RunPipeOptions {
  env: Record<string, string | undefined>;
  /**
   * Defaults to a fresh temp dir (removed when the process exits), also passed as
   * BITBUCKET_CLONE_DIR unless env sets it.
   */
  cloneDir?: string;
  signal?: AbortSignal;
  clock?: Clock;
  transport?: HttpTransport;
}

/** Runs the pipe in-process exactly as src/index.ts does, capturing its output. */
export async function runPipe(options: RunPipeOptions): Promise<PipeRun> {
  const cloneDir = options.cloneDir ?? (await temporaryCloneDir());
  const stdout = new CaptureStream();
  const outcome = await main({
    env: { BITBUCKET_CLONE_DIR: cloneDir, ...options.env },
    cwd: cloneDir,
    stdout,
    signal: options.signal ?? new AbortController().signal,
    clock: options.clock ?? systemClock(),
    color: false,
    ...(options.transport ? { transport: options.transport } : {}),
  });
  stdout.write(formatVerdict(outcome.verdict, false));
  await new Promise((resolve) => setImmediate(resolve));
  return { exitCode: outcome.exitCode, output: stdout.text, lines: stdout.lines, cloneDir };
}

const createdDirs: string[] = [];

async function temporaryCloneDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'dmp-clone-'));
  if (createdDirs.length === 0) {
    process.once('exit', () => {
      for (const d of createdDirs) rmSync(d, { recursive: true, force: true });
    });
  }
  createdDirs.push(dir);
  return dir;
}

/** A transport that fails the test if anything tries to send a request. */
export function forbiddenTransport(): HttpTransport & { sent: string[] } {
  const sent: string[] = [];
  return {
    sent,
    send(req) {
      sent.push(`${req.method} ${req.url}`);
      return Promise.reject(new Error(`unexpected request: ${req.method} ${req.url}`));
    },
  };
}

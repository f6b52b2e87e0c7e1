/**
 * The official Databricks Python SDK as a waiting client: bench/python/wait_run.py in the
 * virtualenv scripts/setup-bench-venv.sh makes. In virtual time, a loopback control server
 * lets the SDK's `time.sleep` advance the shared virtual clock.
 */
import { execFile, spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import type { VirtualTime } from './virtual-time.js';

const REPO_ROOT = resolve(__dirname, '..');
const SCRIPT = resolve(REPO_ROOT, 'bench/python/wait_run.py');

/** What the Python side printed. */
export interface SdkRunResult {
  run_id: number;
  life_cycle_state: string | null;
  result_state: string | null;
  sdk_version: string;
}

/** Returns the venv's python path, creating the venv and installing the SDK when missing. */
export async function ensureSdkVenv(): Promise<string> {
  const { stdout } = await promisify(execFile)(
    'bash',
    [resolve(REPO_ROOT, 'scripts/setup-bench-venv.sh')],
    { cwd: REPO_ROOT, maxBuffer: 1 << 20 },
  );
  const python = stdout.trim().split('\n').pop();
  if (!python) throw new Error('setup-bench-venv.sh printed no python path');
  return python;
}

export interface SdkWaitOptions {
  python: string;
  host: string;
  token: string;
  jobId: number;
  /** Control server URL when the SDK runs on virtual time. */
  controlUrl?: string;
  timeoutS: number;
}

/** Returns what the SDK reported after `run_now(...).result()` came back. */
export function waitWithSdk(options: SdkWaitOptions): Promise<SdkRunResult> {
  const args = [SCRIPT, '--job-id', String(options.jobId), '--timeout-s', String(options.timeoutS)];
  if (options.controlUrl) args.push('--control', options.controlUrl);
  // The token goes through the environment, never the command line (visible in `ps`).
  const env = {
    PATH: process.env['PATH'] ?? '',
    DATABRICKS_HOST: options.host,
    DATABRICKS_TOKEN: options.token,
  };
  return new Promise((done, fail) => {
    const child = spawn(options.python, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('error', fail);
    child.on('exit', (code) => {
      if (code !== 0) {
        fail(new Error(`python SDK exited ${code}: ${lastLines(err)}`));
        return;
      }
      done(JSON.parse(out.trim().split('\n').pop() ?? '{}') as SdkRunResult);
    });
  });
}

function lastLines(text: string): string {
  return text.trim().split('\n').slice(-5).join(' | ');
}

/** A loopback server: `GET /now` and `GET /sleep?ms=N` on the virtual clock. */
export interface ControlServer {
  url: string;
  close(): Promise<void>;
}

/** Returns a started control server for `time`. */
export async function startControlServer(time: VirtualTime): Promise<ControlServer> {
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const reply = (): void => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ now_ms: time.now() }));
    };
    if (url.pathname === '/sleep') {
      time.sleep(Number(url.searchParams.get('ms') ?? '0')).then(reply, () => res.end());
    } else {
      time.touch();
      reply();
    }
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((ok) => server.close(() => ok())),
  };
}

/**
 * A REAL MLflow tracking server for the registry suite (issue #6): `mlflow server` with a
 * SQLite backend in a temp dir, on 127.0.0.1 and a free port, started before a suite and
 * stopped after it. The binary: $DMP_MLFLOW_BIN, else the pinned install of
 * scripts/setup-mlflow.sh, else `mlflow` on PATH. With CI=true a missing server fails the
 * suite; elsewhere the suite is skipped with a visible notice.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

export const MLFLOW_VERSION = '3.17.2';
const START_TIMEOUT_MS = 120_000;
const STOP_TIMEOUT_MS = 10_000;
const START_ATTEMPTS = 3;

/** A started server and the seeding calls tests need (plain REST, as a user's job would). */
export interface MlflowServer {
  /** `http://127.0.0.1:<port>`: the pipe's DATABRICKS_HOST. */
  readonly url: string;
  readonly bin: string;
  /** The server's data directory (SQLite file and artifacts). */
  readonly dir: string;
  /** POSTs to `/api/2.0/mlflow/<path>` and returns the JSON answer. */
  post<T = Record<string, unknown>>(path: string, body: unknown): Promise<T>;
  /** GETs `/api/2.0/mlflow/<path>` and returns the JSON answer. */
  get<T = Record<string, unknown>>(path: string, query: Record<string, string>): Promise<T>;
  stop(): Promise<void>;
}

/** Returns the mlflow executable to use, or undefined when none is installed. */
export function findMlflowBin(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const explicit = env['DMP_MLFLOW_BIN'];
  if (explicit) return existsSync(explicit) ? explicit : undefined;
  const pinned = join(
    homedir(),
    '.cache',
    'databricks-ml-pipe',
    `mlflow-${MLFLOW_VERSION}`,
    'bin',
    'mlflow',
  );
  if (existsSync(pinned)) return pinned;
  for (const dir of (env['PATH'] ?? '').split(delimiter)) {
    const candidate = join(dir, 'mlflow');
    if (dir && existsSync(candidate)) return candidate;
  }
  return undefined;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function isHealthy(url: string): Promise<boolean> {
  try {
    const res = await fetch(`${url}/health`, { signal: AbortSignal.timeout(2_000) });
    return res.ok;
  } catch {
    return false;
  }
}

function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.pid === undefined) return Promise.resolve();
  const pid = child.pid;
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      // The server's own workers (uvicorn) share its process group.
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }, STOP_TIMEOUT_MS);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    try {
      process.kill(-pid, 'SIGTERM');
    } catch {
      clearTimeout(timer);
      resolve();
    }
  });
}

async function launch(bin: string, dir: string): Promise<{ child: ChildProcess; url: string }> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const args = [
    'server',
    '--backend-store-uri',
    `sqlite:///${join(dir, 'mlflow.db')}`,
    '--default-artifact-root',
    join(dir, 'artifacts'),
    '--host',
    '127.0.0.1',
    '--port',
    String(port),
    '--workers',
    '1',
  ];
  const child = spawn(bin, args, { cwd: dir, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (chunk: Buffer): void => void (output = (output + chunk.toString()).slice(-4_000));
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null)
      throw new Error(`mlflow server exited (${child.exitCode}):\n${output}`);
    if (await isHealthy(url)) return { child, url };
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  await stopProcess(child);
  throw new Error(
    `mlflow server did not answer /health within ${START_TIMEOUT_MS / 1000} s:\n${output}`,
  );
}

async function call<T>(url: string, init: RequestInit): Promise<T> {
  const res = await fetch(url, init);
  const text = await res.text();
  if (!res.ok) throw new Error(`${init.method ?? 'GET'} ${url} → ${res.status}: ${text}`);
  return (text === '' ? {} : JSON.parse(text)) as T;
}

/** Returns a started server; retries on another port when the chosen one was taken meanwhile. */
export async function startMlflowServer(bin: string): Promise<MlflowServer> {
  const dir = await mkdtemp(join(tmpdir(), 'dmp-mlflow-'));
  let started: { child: ChildProcess; url: string } | undefined;
  for (let attempt = 1; !started; attempt++) {
    try {
      started = await launch(bin, dir);
    } catch (error) {
      if (attempt >= START_ATTEMPTS) throw error;
    }
  }
  const { child, url } = started;
  const api = `${url}/api/2.0/mlflow`;
  return {
    url,
    bin,
    dir,
    post: (path, body) =>
      call(`${api}/${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      }),
    get: (path, query) =>
      call(`${api}/${path}?${new URLSearchParams(query).toString()}`, { method: 'GET' }),
    stop: async () => {
      await stopProcess(child);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Declares a suite that needs a real MLflow server: starts one before it and stops it after.
 * Without one: fails under CI=true, else skips with a console notice.
 */
export function describeWithMlflow(name: string, body: (server: () => MlflowServer) => void): void {
  const bin = findMlflowBin();
  if (!bin) {
    if (process.env['CI'] === 'true') {
      describe(name, () => {
        it('needs a real MLflow server', () => {
          throw new Error(
            'no mlflow executable: run `bash scripts/setup-mlflow.sh` and set DMP_MLFLOW_BIN',
          );
        });
      });
      return;
    }
    console.warn(
      `SKIPPED "${name}": no MLflow server (run \`bash scripts/setup-mlflow.sh\` and set DMP_MLFLOW_BIN to its output)`,
    );
    describe.skip(name, () =>
      body(() => {
        throw new Error('unreachable');
      }),
    );
    return;
  }
  describe(name, () => {
    let server: MlflowServer | undefined;
    beforeAll(async () => {
      server = await startMlflowServer(bin);
    }, START_TIMEOUT_MS * START_ATTEMPTS);
    afterAll(async () => {
      await server?.stop();
    }, STOP_TIMEOUT_MS * 2);
    body(() => {
      if (!server) throw new Error('the MLflow server did not start');
      return server;
    });
  });
}

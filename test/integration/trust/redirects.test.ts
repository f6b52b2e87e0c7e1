/**
 * Trust boundary (issue #10 item 5): a DATABRICKS_HOST that redirects to another origin must not
 * receive the pipe's credentials there. The pipe runs in-process with its real transport against
 * a loopback "workspace" that answers every call with a redirect to a second loopback server;
 * that server must hear nothing — no Authorization header, no step token, no client secret.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { plantCanaries } from '../../support/canary.js';
import { runPipe } from '../../support/run-pipe.js';
import { permissiveWorkspace, startRecorder, type Recorder } from './support/recorder.js';

// Each run gets its own clone dir, removed afterwards (runPipe would leave a temp dir behind).
let cloneDir: string;
beforeEach(async () => {
  cloneDir = await mkdtemp(join(tmpdir(), 'dmp-trust-clone-'));
});
afterEach(async () => {
  await rm(cloneDir, { recursive: true, force: true });
});

const PLAN = '- run_job: {job: churn-training}\n';
type Method = 'bitbucket-oidc' | 'oauth-m2m' | 'pat';

let other: Recorder;
let workspace: Recorder | undefined;

beforeEach(async () => {
  other = await startRecorder(permissiveWorkspace);
});
afterEach(async () => {
  await Promise.all([other.close(), workspace?.close()]);
  workspace = undefined;
});

/** Runs a dry run against a workspace that redirects every call with `status` to `target`. */
async function runAgainstRedirect(
  method: Method,
  status: number,
  target: (path: string) => string,
) {
  workspace = await startRecorder((req) =>
    req.path.includes('/.well-known/')
      ? { status: 404, body: {} }
      : { status, headers: { location: target(req.path) } },
  );
  const canaries = plantCanaries({ authType: method });
  const env = {
    ...canaries.env,
    DATABRICKS_HOST: workspace.url,
    DATABRICKS_CLIENT_ID: 'trust-client',
    ACTIONS: PLAN,
    DRY_RUN: 'true',
  };
  const run = await runPipe({ env, cloneDir });
  const leaks = await canaries.scan({ texts: { stdout: run.output }, dirs: [run.cloneDir] });
  return { run, leaks };
}

describe('a workspace that redirects to another origin', () => {
  it.each(
    (['pat', 'bitbucket-oidc', 'oauth-m2m'] as const).flatMap((method) =>
      [301, 302, 303, 307, 308].map((status) => ({ method, status })),
    ),
  )('$method, HTTP $status: the other origin receives nothing', async ({ method, status }) => {
    const { run, leaks } = await runAgainstRedirect(
      method,
      status,
      (path) => `${other.url}${path}`,
    );
    expect(other.received).toEqual([]);
    expect(run.exitCode).not.toBe(0);
    expect(run.output).not.toMatch(/internal error/);
    expect(leaks).toEqual([]);
  });

  it.each([
    { name: 'localhost on the same port', target: (port: number) => `http://localhost:${port}` },
    {
      name: 'https on the same host and port',
      target: (port: number) => `https://127.0.0.1:${port}`,
    },
  ])('a redirect to $name is another origin: not followed', async ({ target }) => {
    const { run } = await runAgainstRedirect('pat', 307, (path) => `${target(other.port)}${path}`);
    expect(other.received).toEqual([]);
    expect(run.exitCode).not.toBe(0);
  });

  it('a redirect within the workspace origin is followed (the control: redirects are not ignored)', async () => {
    workspace = await startRecorder((req, url) =>
      req.path.startsWith('/moved/')
        ? permissiveWorkspace(req)
        : { status: 307, headers: { location: `${url}/moved${req.path}` } },
    );
    const canaries = plantCanaries({ authType: 'pat' });
    const env = { ...canaries.env, DATABRICKS_HOST: workspace.url, ACTIONS: PLAN, DRY_RUN: 'true' };
    await runPipe({ env, cloneDir });
    const followed = workspace.received.filter((r) => r.path.startsWith('/moved/api/'));
    expect(followed.length).toBeGreaterThan(0);
    expect(
      followed.every(
        (r) => r.headers.authorization === `Bearer ${canaries.values.DATABRICKS_TOKEN}`,
      ),
    ).toBe(true);
  });
});

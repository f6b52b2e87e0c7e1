/**
 * Trust boundary (issue #10 item 5): the step token and the client secret go to the workspace's
 * own origin only. A discovery document naming a token endpoint elsewhere is refused, exit 3;
 * the other origin hears nothing. One on the workspace's origin (another path) is used.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
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

let other: Recorder;
let workspace: Recorder | undefined;

beforeEach(async () => {
  other = await startRecorder(permissiveWorkspace);
});
afterEach(async () => {
  await Promise.all([other.close(), workspace?.close()]);
  workspace = undefined;
});

/** A workspace whose discovery document names `endpoint(url)` as its token endpoint. */
async function startLyingWorkspace(endpoint: (own: string) => string): Promise<Recorder> {
  return startRecorder((req, url) =>
    req.path === '/oidc/.well-known/oauth-authorization-server'
      ? { status: 200, body: { issuer: `${url}/oidc`, token_endpoint: endpoint(url) } }
      : permissiveWorkspace(req),
  );
}

async function errorCode(cloneDir: string): Promise<string | undefined> {
  const text = await readFile(join(cloneDir, 'databricks-ml-pipe/results.json'), 'utf8');
  return (JSON.parse(text) as { error: { code: string } | null }).error?.code;
}

describe('the token endpoint a discovery document names', () => {
  it.each(
    (['bitbucket-oidc', 'oauth-m2m'] as const).flatMap((method) => [
      { method, where: 'another loopback port', endpoint: () => `${other.url}/oidc/v1/token` },
      {
        method,
        where: 'the same port on localhost',
        endpoint: () => `http://localhost:${other.port}/oidc/v1/token`,
      },
      {
        method,
        where: 'a user-info trick',
        endpoint: (own: string) => `http://${new URL(own).host}@127.0.0.1:${other.port}/t`,
      },
    ]),
  )(
    '$method: one on $where is refused, exit 3, and nothing is sent there',
    async ({ method, endpoint }) => {
      workspace = await startLyingWorkspace(endpoint);
      const canaries = plantCanaries({ authType: method });
      const env = {
        ...canaries.env,
        DATABRICKS_HOST: workspace.url,
        DATABRICKS_CLIENT_ID: 'trust-client',
        ACTIONS: PLAN,
        DRY_RUN: 'true',
      };
      const run = await runPipe({ env, cloneDir });
      expect(other.received).toEqual([]);
      expect(workspace.received.filter((r) => r.method === 'POST')).toEqual([]);
      expect({ exitCode: run.exitCode, code: await errorCode(run.cloneDir) }).toEqual({
        exitCode: 3,
        code: 'ERR_TOKEN_EXCHANGE_FAILED',
      });
      expect(await canaries.scan({ texts: { stdout: run.output }, dirs: [run.cloneDir] })).toEqual(
        [],
      );
    },
  );

  it('one on the workspace origin, another path, is used', async () => {
    workspace = await startLyingWorkspace((own) => `${own}/custom/token`);
    const canaries = plantCanaries({ authType: 'bitbucket-oidc' });
    const env = { ...canaries.env, DATABRICKS_HOST: workspace.url, ACTIONS: PLAN, DRY_RUN: 'true' };
    await runPipe({ env, cloneDir });
    const exchange = workspace.received.find(
      (r) => r.method === 'POST' && r.path === '/custom/token',
    );
    expect(new URLSearchParams(exchange?.body).get('subject_token')).toBe(
      canaries.values.BITBUCKET_STEP_OIDC_TOKEN,
    );
    expect(other.received).toEqual([]);
  });
});

/**
 * Inputs the fuzzers found the pipe did not handle cleanly, one focused case each, next to the
 * clean refusals they resemble. Most were fixed in 3209cbd and stay as regression tests; the
 * case named `BUG:` fails until src/ is fixed (test/support/known-bugs.ts).
 */
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/load-config.js';
import { Redactor } from '../../src/log/redactor.js';
import { forbiddenTransport, runPipe } from '../support/run-pipe.js';

// Each run gets its own clone dir, removed afterwards (runPipe would leave a temp dir behind).
let cloneDir: string;
beforeEach(async () => {
  cloneDir = await mkdtemp(join(tmpdir(), 'dmp-trust-clone-'));
});
afterEach(async () => {
  await rm(cloneDir, { recursive: true, force: true });
});

const HOST = 'https://dbc-1234abcd-5678.cloud.databricks.com';
const PLAN = '- run_job: {job: churn-training}\n';

function stepToken(claims: Record<string, unknown>): string {
  const part = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'RS256', typ: 'JWT' })}.${part(claims)}.${Buffer.from('edge-signature-0123456789').toString('base64url')}`;
}

async function errorCodeOf(cloneDir: string): Promise<string | undefined> {
  const text = await readFile(join(cloneDir, 'databricks-ml-pipe/results.json'), 'utf8');
  return (JSON.parse(text) as { error: { code: string } | null }).error?.code;
}

describe('edge inputs the fuzzers found', () => {
  it.each([
    {
      name: 'a step token without exp',
      claims: { iss: 'x' },
      exitCode: 3,
      code: 'ERR_OIDC_TOKEN_INVALID',
    },
    {
      name: 'an expired step token',
      claims: { exp: 1_000 },
      exitCode: 3,
      code: 'ERR_OIDC_TOKEN_EXPIRED',
    },
    {
      name: 'a step token whose exp lies beyond the Date range (1e300)',
      claims: { exp: 1e300 },
      exitCode: 3,
      code: 'ERR_OIDC_TOKEN_INVALID',
    },
    {
      name: 'a step token with a negative exp beyond the Date range',
      claims: { exp: -1e17 },
      exitCode: 3,
      code: 'ERR_OIDC_TOKEN_INVALID',
    },
  ])('$name: exit $exitCode, $code, nothing sent', async ({ claims, exitCode, code }) => {
    const transport = forbiddenTransport();
    const env = {
      DATABRICKS_HOST: HOST,
      ACTIONS: PLAN,
      BITBUCKET_STEP_OIDC_TOKEN: stepToken(claims),
    };
    const run = await runPipe({ env, transport, cloneDir });
    expect({
      exitCode: run.exitCode,
      code: await errorCodeOf(run.cloneDir),
      sent: transport.sent,
    }).toEqual({
      exitCode,
      code,
      sent: [],
    });
  });

  it.each([
    { name: 'python_params that is a string, not a list', body: '{job: x, python_params: "abc"}' },
    { name: 'python_params holding a mapping', body: '{job: x, python_params: [{toString: ""}]}' },
  ])('run_job with $name is an invalid plan (exit 2), not an internal error', async ({ body }) => {
    const transport = forbiddenTransport();
    const run = await runPipe({
      cloneDir,
      env: { DATABRICKS_HOST: HOST, ACTIONS: `- run_job: ${body}\n` },
      transport,
    });
    expect({ exitCode: run.exitCode, code: await errorCodeOf(run.cloneDir) }).toEqual({
      exitCode: 2,
      code: 'ERR_PLAN_INVALID',
    });
  });

  it('a RESULTS_FILE refused for its line break is never used as a path', async () => {
    const run = await runPipe({
      cloneDir,
      env: { RESULTS_FILE: 'out\nresults.json' },
      transport: forbiddenTransport(),
    });
    expect(run.exitCode).toBe(2);
    const written = await readdir(run.cloneDir, { recursive: true });
    expect(written.filter((name) => name.includes('\n'))).toEqual([]);
    expect(await errorCodeOf(run.cloneDir)).toBe('ERR_CONFIG_INVALID');
  });

  it('BUG: with https_proxy and HTTPS_PROXY both set, the ignored HTTPS_PROXY password is neither masked nor hidden from {{ env.* }}', () => {
    const redactor = new Redactor();
    const env = {
      DATABRICKS_HOST: HOST,
      ACTIONS: PLAN,
      https_proxy: 'http://u:read-proxy-pw-1234@proxy.example:3128',
      HTTPS_PROXY: 'http://u:ignored-proxy-pw-5678@proxy.example:3128',
    };
    const { config } = loadConfig(env, cloneDir, { redactor });
    expect({
      readableByTemplates: JSON.stringify(config.env).includes('ignored-proxy-pw-5678'),
      masked: !redactor.redact('ignored-proxy-pw-5678').includes('ignored-proxy-pw-5678'),
    }).toEqual({ readableByTemplates: false, masked: true });
  });
});

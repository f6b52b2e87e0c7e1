/**
 * The canary scanner finds what it must (issue #10 item 4): each planted secret in every form a
 * leak can take, in text, in file contents and in file names. The other suites' "no leak" rests
 * on this.
 */
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { plantCanaries, type Canaries } from '../../support/canary.js';

// Fixed: the fake step token's claims carry its time, and the table is built before the tests run.
const NOW = Date.UTC(2026, 0, 1);
let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dmp-canary-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function forms(c: Canaries): { name: string; text: string }[] {
  const pat = c.values.DATABRICKS_TOKEN ?? '';
  const password = c.values.HTTPS_PROXY ?? '';
  const [, payload, signature] = (c.values.BITBUCKET_STEP_OIDC_TOKEN ?? '').split('.');
  return [
    { name: 'a raw PAT', text: `token=${pat}` },
    { name: 'a URL-encoded proxy password', text: `proxy ${encodeURIComponent(password)}` },
    { name: 'a decoded proxy password', text: `proxy ${password}` },
    {
      name: 'a base64 client secret',
      text: Buffer.from(c.values.DATABRICKS_CLIENT_SECRET ?? '').toString('base64'),
    },
    {
      name: 'proxy basic auth',
      text: `Basic ${Buffer.from(`canary-proxy-user:${password}`).toString('base64')}`,
    },
    { name: 'a step token payload alone', text: `claims ${payload ?? ''}` },
    { name: 'a step token signature alone', text: `sig ${signature ?? ''}` },
  ];
}

describe('the canary scanner', () => {
  it('plants a canary in every credential variable, with NO_PROXY keeping loopback direct', () => {
    const c = plantCanaries({ authType: 'pat' });
    expect(Object.keys(c.env).sort()).toEqual(
      [
        'BITBUCKET_STEP_OIDC_TOKEN',
        'DATABRICKS_AUTH_TYPE',
        'DATABRICKS_CLIENT_SECRET',
        'DATABRICKS_TOKEN',
        'HTTPS_PROXY',
        'NO_PROXY',
      ].sort(),
    );
    expect(c.env['DATABRICKS_AUTH_TYPE']).toBe('pat');
  });

  it.each(forms(plantCanaries({ tag: 'scan1', nowMs: NOW })).map((f) => ({ ...f })))(
    'finds $name in text',
    ({ text }) => {
      const c = plantCanaries({ tag: 'scan1', nowMs: NOW });
      const clean = c.scanTexts({ stdout: 'nothing secret here' });
      expect({ clean, found: c.scanTexts({ stdout: text }).length > 0 }).toEqual({
        clean: [],
        found: true,
      });
    },
  );

  it('finds canaries in file contents and file names, recursively, and an added secret too', async () => {
    const c = plantCanaries({ tag: 'scan2' });
    c.addSecret('an issued access token', 'issued-access-token-77aa');
    await mkdir(join(dir, 'a', 'b'), { recursive: true });
    await writeFile(
      join(dir, 'a', 'b', 'results.json'),
      JSON.stringify({ note: c.values.DATABRICKS_CLIENT_SECRET }),
    );
    await writeFile(join(dir, `${c.values.DATABRICKS_TOKEN ?? ''}.log`), 'x');
    await writeFile(join(dir, 'audit.jsonl'), 'Bearer issued-access-token-77aa\n');
    await writeFile(join(dir, 'clean.txt'), 'nothing');
    await symlink('/etc/hostname', join(dir, 'link'));
    const leaks = await c.scanFiles([dir]);
    expect(
      leaks
        .map((l) => `${l.secret} in ${l.where.startsWith('file name') ? 'a file name' : 'a file'}`)
        .sort(),
    ).toEqual([
      'DATABRICKS_CLIENT_SECRET in a file',
      'DATABRICKS_TOKEN in a file name',
      'an issued access token in a file',
    ]);
  });
});

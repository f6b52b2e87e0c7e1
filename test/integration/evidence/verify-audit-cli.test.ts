/**
 * `npm run verify-audit`, the way an auditor runs it: the CLI bundled as the build does, on a
 * chain the audit log really wrote, with the anchor from a real results file.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createAuditLog } from '../../../src/evidence/audit-log.js';
import { createResultsWriter } from '../../../src/evidence/results-file.js';
import { Redactor } from '../../../src/log/redactor.js';
import { BITBUCKET, HOST, T0, fakeClock, tempDir } from '../../unit/evidence/support.js';
import { bundle, runNode } from './bundle.js';

const here = dirname(fileURLToPath(import.meta.url));
let cli: string;
let dir: string;

beforeAll(async () => {
  dir = await tempDir();
  cli = await bundle(join(here, '..', '..', '..', 'scripts', 'verify-audit.ts'), dir);
});

/** Writes a 4-record chain and a results file anchoring it; returns both paths. */
async function evidence(): Promise<{ auditPath: string; resultsPath: string }> {
  const root = await tempDir();
  const auditPath = join(root, 'audit.jsonl');
  const resultsPath = join(root, 'results.json');
  const clock = fakeClock();
  const audit = createAuditLog(
    auditPath,
    { host: HOST, bitbucket: BITBUCKET },
    { clock, redactor: new Redactor() },
  );
  for (let n = 1; n <= 4; n++) {
    await audit.record({
      action: { index: n, type: 'set_alias' },
      operation: 'mlflow.aliases.set',
      target: `model:m/${n}`,
      result: 'succeeded',
    });
  }
  const writer = createResultsWriter({ path: resultsPath, startedAt: T0, clock });
  writer.set({ audit: audit.head() });
  await writer.finish({ exitCode: 0 });
  return { auditPath, resultsPath };
}

async function rewriteLine(
  path: string,
  line: number,
  change: (text: string) => string,
): Promise<void> {
  const lines = (await readFile(path, 'utf8')).split('\n');
  lines[line - 1] = change(lines[line - 1] ?? '');
  await writeFile(path, lines.join('\n'));
}

describe('verify-audit CLI', () => {
  it('exits 0 and reports the record count for an intact chain', async () => {
    const { auditPath, resultsPath } = await evidence();
    const run = await runNode(cli, [auditPath, '--results', resultsPath]);
    expect(run).toMatchObject({ code: 0 });
    expect(run.stdout).toMatch(
      /^OK: .*audit\.jsonl: 4 records, chain intact \(last seq 4, sha256 [0-9a-f]{64}\)\n$/,
    );
  });

  it.each([
    {
      name: 'an edited middle line',
      line: 2,
      change: (t: string) => t.replace('model:m/2', 'model:m/9'),
      reason: 'edited',
    },
    {
      name: 'an edited last line (caught by the results anchor)',
      line: 4,
      change: (t: string) => t.replace('model:m/4', 'model:m/9'),
      reason: 'edited',
    },
  ])('exits 1 naming the line for $name', async ({ line, change, reason }) => {
    const { auditPath, resultsPath } = await evidence();
    await rewriteLine(auditPath, line, change);
    const run = await runNode(cli, [auditPath, '--results', resultsPath]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(`: line ${line}: ${reason}: `);
  });

  it('accepts an explicit anchor', async () => {
    const { auditPath } = await evidence();
    const run = await runNode(cli, [auditPath, '--anchor', `2:${'0'.repeat(64)}`]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(': line 2: edited: does not match the anchored SHA-256');
  });

  it.each([
    { name: 'no file', args: [] },
    { name: 'a malformed anchor', args: ['a.jsonl', '--anchor', 'nope'] },
    { name: 'an unknown option', args: ['a.jsonl', '--fix'] },
    { name: 'a missing file', args: ['/nonexistent/audit.jsonl'] },
  ])('exits 2 for $name', async ({ args }) => {
    const run = await runNode(cli, args);
    expect(run.code).toBe(2);
    expect(run.stderr).not.toBe('');
  });
});

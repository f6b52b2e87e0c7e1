import { appendFile, mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { sha256Hex } from '../../../src/evidence/audit-chain.js';
import { createAuditLog, type AuditContext } from '../../../src/evidence/audit-log.js';
import type { AuditEvent } from '../../../src/evidence/types.js';
import { verifyAuditChain } from '../../../src/evidence/verify-audit.js';
import { Redactor } from '../../../src/log/redactor.js';
import {
  BITBUCKET,
  HOST,
  fakeClock,
  schemaValidator,
  tempDir,
} from '../../unit/evidence/support.js';

const context: AuditContext = {
  host: HOST,
  bitbucket: BITBUCKET,
  identity: {
    authType: 'bitbucket-oidc',
    clientId: 'sp-app-id',
    claims: {
      iss: 'https://api.bitbucket.org/2.0/workspaces/acme/pipelines-config/identity/oidc',
      repositoryUuid: '{r}',
    },
  },
};

const event = (n: number, overrides: Partial<AuditEvent> = {}): AuditEvent => ({
  action: { index: n, id: `a${n}`, type: 'run_job' },
  operation: 'jobs.run-now',
  target: `job:${n}`,
  request: { job_id: n, idempotency_token: 'f'.repeat(64) },
  result: 'succeeded',
  response: { run_id: 100 + n },
  ...overrides,
});

const open = (path: string, extra: Partial<AuditContext> = {}) =>
  createAuditLog(path, { ...context, ...extra }, { clock: fakeClock(), redactor: new Redactor() });

const linesOf = async (path: string): Promise<string[]> =>
  (await readFile(path, 'utf8')).split('\n').filter((l) => l !== '');

describe('audit log', () => {
  it('appends one schema-valid, chained line per call with who, where and what', async () => {
    const path = join(await tempDir(), 'databricks-ml-pipe', 'audit.jsonl');
    const audit = open(path);
    expect(await audit.prepare()).toMatchObject({ seq: 0, appended: 0 });
    await audit.record(event(1));
    await audit.record(
      event(2, { result: 'failed', error: { code: 'ERR_API', message: 'quota exceeded' } }),
    );
    const lines = await linesOf(path);
    const validate = await schemaValidator('audit-record');
    for (const line of lines) expect(validate(JSON.parse(line)) ? [] : validate.errors).toEqual([]);
    expect(JSON.parse(lines[0] ?? '')).toMatchObject({
      seq: 1,
      operation: 'jobs.run-now',
      target: 'job:1',
      action: { index: 1, id: 'a1', type: 'run_job' },
      identity: { auth_type: 'bitbucket-oidc', client_id: 'sp-app-id' },
      workspace: HOST,
      repo: 'acme/churn',
      commit: BITBUCKET.commit,
      branch: 'main',
      pipeline_uuid: BITBUCKET.pipelineUuid,
      step_uuid: BITBUCKET.stepUuid,
      build_number: '42',
      deployment_environment: 'production',
      request: { job_id: 1, idempotency_token: 'f'.repeat(64) },
      response: { run_id: 101 },
    });
    expect(JSON.parse(lines[1] ?? '')).toMatchObject({
      seq: 2,
      result: 'failed',
      error: { code: 'ERR_API' },
    });
    const verdict = verifyAuditChain(await readFile(path));
    expect(verdict).toEqual({
      ok: true,
      records: 2,
      head: { seq: 2, sha256: sha256Hex(lines[1] ?? '') },
    });
    expect(audit.head()).toMatchObject({ seq: 2, sha256: sha256Hex(lines[1] ?? ''), appended: 2 });
  });

  it('chains onto the existing last line across invocations', async () => {
    const path = join(await tempDir(), 'audit.jsonl');
    const first = open(path);
    await first.record(event(1));
    await first.record(event(2));
    const second = open(path);
    expect(await second.prepare()).toMatchObject({ seq: 2, appended: 0 });
    await second.record(event(3));
    await second.record(event(4));
    expect(verifyAuditChain(await readFile(path))).toMatchObject({
      ok: true,
      records: 4,
      head: { seq: 4 },
    });
    expect(second.head()).toMatchObject({ seq: 4, appended: 2 });
  });

  it('keeps the chain when parallel actions record at once', async () => {
    const path = join(await tempDir(), 'audit.jsonl');
    const audit = open(path);
    const yieldNow = () => new Promise<void>((resolve) => setImmediate(resolve));
    await Promise.all(
      Array.from({ length: 8 }, async (_, worker) => {
        for (let call = 0; call < 6; call++) {
          await yieldNow();
          await audit.record(event(worker * 10 + call + 1));
        }
      }),
    );
    const lines = await linesOf(path);
    expect(lines).toHaveLength(48);
    expect(lines.map((l) => (JSON.parse(l) as { seq: number }).seq)).toEqual(
      Array.from({ length: 48 }, (_, i) => i + 1),
    );
    expect(verifyAuditChain(await readFile(path))).toMatchObject({ ok: true, records: 48 });
  });

  it('writes nothing on a dry run', async () => {
    const path = join(await tempDir(), 'audit.jsonl');
    const audit = open(path, { dryRun: true });
    expect(await audit.prepare()).toBeUndefined();
    await audit.record(event(1));
    await expect(stat(path)).rejects.toMatchObject({ code: 'ENOENT' });
    expect(audit.head()).toBeUndefined();
  });

  it('finds an unusable AUDIT_FILE before anything changes', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'file'), '');
    await expect(open(join(dir, 'file', 'audit.jsonl')).prepare()).rejects.toMatchObject({
      code: 'ERR_CONFIG_INVALID',
    });
  });

  it('fails the call it could not record, then recovers the chain for the next', async () => {
    const path = join(await tempDir(), 'audit.jsonl');
    const audit = open(path);
    await audit.record(event(1));
    await rm(path);
    await mkdir(path);
    await expect(audit.record(event(2))).rejects.toMatchObject({
      code: 'ERR_INTERNAL',
      hint: expect.stringContaining('jobs.run-now call on job:2') as string,
    });
    await rm(path, { recursive: true });
    await audit.record(event(3));
    // The file was replaced, so the chain starts afresh rather than pointing at a lost line.
    expect(verifyAuditChain(await readFile(path))).toMatchObject({ ok: true, records: 1 });
  });

  it('starts a new line after a torn last line, leaving the damage visible to verification', async () => {
    const path = join(await tempDir(), 'audit.jsonl');
    const audit = open(path);
    await audit.record(event(1));
    await appendFile(path, '{"seq":2,"operation":"jobs.ru');
    const next = open(path);
    await next.record(event(3));
    const lines = await linesOf(path);
    expect(lines).toHaveLength(3);
    expect(JSON.parse(lines[2] ?? '')).toMatchObject({
      seq: 3,
      prev_sha256: sha256Hex('{"seq":2,"operation":"jobs.ru'),
    });
    expect(verifyAuditChain(await readFile(path))).toMatchObject({
      ok: false,
      line: 2,
      reason: 'invalid_json',
    });
  });

  it('records the identity learnt after the log was opened', async () => {
    const path = join(await tempDir(), 'audit.jsonl');
    const audit = createAuditLog(
      path,
      { host: HOST, bitbucket: BITBUCKET },
      { clock: fakeClock(), redactor: new Redactor() },
    );
    await audit.record(event(1));
    audit.setIdentity({ authType: 'oauth-m2m', clientId: 'sp' });
    await audit.record(event(2));
    const [first, second] = (await linesOf(path)).map(
      (l) => JSON.parse(l) as { identity: unknown },
    );
    expect(first?.identity).toBeNull();
    expect(second?.identity).toEqual({ auth_type: 'oauth-m2m', client_id: 'sp', claims: {} });
  });

  describe('tampering with a real file is named by line', () => {
    const written = async (): Promise<{
      path: string;
      anchor: { seq: number; sha256: string };
    }> => {
      const path = join(await tempDir(), 'audit.jsonl');
      const audit = open(path);
      for (let n = 1; n <= 5; n++) await audit.record(event(n));
      const head = audit.head();
      return { path, anchor: { seq: head?.seq ?? 0, sha256: head?.sha256 ?? '' } };
    };
    const rows = [1, 2, 3, 4, 5].flatMap((line) => [
      {
        name: `edit line ${line}`,
        line,
        mutate: (l: string[]) =>
          l.splice(line - 1, 1, (l[line - 1] ?? '').replace(`"job:${line}"`, '"job:0"')),
      },
      { name: `delete line ${line}`, line, mutate: (l: string[]) => l.splice(line - 1, 1) },
      {
        name: `insert a copy of line ${line} before it`,
        line,
        mutate: (l: string[]) => l.splice(line - 1, 0, l[line - 1] ?? ''),
      },
    ]);
    it.each(rows)('$name', async ({ line, mutate }) => {
      const { path, anchor } = await written();
      const lines = await linesOf(path);
      mutate(lines);
      await writeFile(path, lines.map((l) => `${l}\n`).join(''));
      expect(verifyAuditChain(await readFile(path), { anchors: [anchor] })).toMatchObject({
        ok: false,
        line,
      });
    });
  });
});

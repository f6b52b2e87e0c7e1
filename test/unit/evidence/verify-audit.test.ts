import { createHash } from 'node:crypto';
import { GENESIS_SHA256, sha256Hex } from '../../../src/evidence/audit-chain.js';
import {
  formatVerification,
  verifyAuditChain,
  type AuditAnchor,
} from '../../../src/evidence/verify-audit.js';

const N = 5;

/** A well-formed chain of `n` lines (without newlines). */
function chain(n = N): string[] {
  const lines: string[] = [];
  let prev = GENESIS_SHA256;
  for (let seq = 1; seq <= n; seq++) {
    const line = JSON.stringify({
      seq,
      operation: 'jobs.run-now',
      target: `job:${seq}`,
      prev_sha256: prev,
    });
    lines.push(line);
    prev = sha256Hex(line);
  }
  return lines;
}

const text = (lines: readonly string[]): string => lines.map((l) => `${l}\n`).join('');
const headOf = (lines: readonly string[]): AuditAnchor => ({
  seq: lines.length,
  sha256: sha256Hex(lines.at(-1) ?? ''),
});

type Mutation = (lines: string[]) => void;
const edit =
  (k: number): Mutation =>
  (lines) => {
    lines[k - 1] = (lines[k - 1] ?? '').replace(`"job:${k}"`, '"job:999"');
  };
const remove =
  (k: number): Mutation =>
  (lines) => {
    lines.splice(k - 1, 1);
  };
/** A forged line placed at position k, chained correctly onto the line before it. */
const insertForged =
  (k: number): Mutation =>
  (lines) => {
    const prev = k === 1 ? GENESIS_SHA256 : sha256Hex(lines[k - 2] ?? '');
    lines.splice(
      k - 1,
      0,
      JSON.stringify({ seq: k, operation: 'forged', target: 'x', prev_sha256: prev }),
    );
  };
const insertGarbage =
  (k: number): Mutation =>
  (lines) => {
    lines.splice(k - 1, 0, 'not json');
  };
const duplicate =
  (k: number): Mutation =>
  (lines) => {
    lines.splice(k, 0, lines[k - 1] ?? '');
  };
const editPrev =
  (k: number): Mutation =>
  (lines) => {
    lines[k - 1] = (lines[k - 1] ?? '').replace(
      /"prev_sha256":"[0-9a-f]{64}"/,
      `"prev_sha256":"${'a'.repeat(64)}"`,
    );
  };

const positions = Array.from({ length: N }, (_, i) => i + 1);
const rows = [
  ...positions.map((k) => ({
    name: `edited line ${k}`,
    mutate: edit(k),
    line: k,
    reason: 'edited',
  })),
  ...positions.map((k) => ({
    name: `deleted line ${k}`,
    mutate: remove(k),
    line: k,
    reason: k === 1 ? 'bad_first_line' : 'deleted',
  })),
  ...positions.map((k) => ({
    name: `forged line inserted at ${k}`,
    mutate: insertForged(k),
    line: k,
    reason: 'inserted',
  })),
  ...positions.map((k) => ({
    name: `garbage inserted at ${k}`,
    mutate: insertGarbage(k),
    line: k,
    reason: 'invalid_json',
  })),
  ...positions.map((k) => ({
    // The two copies are identical bytes: naming the first one is as right as the second.
    name: `line ${k} duplicated`,
    mutate: duplicate(k),
    line: k,
    reason: 'inserted',
  })),
  ...positions.slice(0, -1).map((k) => ({
    name: `prev_sha256 of line ${k + 1} changed`,
    mutate: editPrev(k + 1),
    line: k + 1,
    reason: 'edited',
  })),
];

describe('verifyAuditChain', () => {
  it('accepts an intact chain and reports its head', () => {
    const lines = chain();
    expect(verifyAuditChain(text(lines))).toEqual({ ok: true, records: N, head: headOf(lines) });
  });

  it('accepts an empty file', () => {
    expect(verifyAuditChain('')).toEqual({ ok: true, records: 0 });
  });

  it.each(rows)('names the line: $name', ({ mutate, line, reason }) => {
    const original = chain();
    const lines = [...original];
    mutate(lines);
    // The anchor (results.json's audit head) protects the lines the chain alone cannot: the last.
    const result = verifyAuditChain(text(lines), { anchors: [headOf(original)] });
    expect(result).toMatchObject({ ok: false, line, reason });
  });

  it.each([
    { name: 'edits to the last line', mutate: edit(N) },
    { name: 'deletion of the last line', mutate: remove(N) },
  ])('cannot see $name without an anchor, and names the line with one', ({ mutate }) => {
    const original = chain();
    const lines = [...original];
    mutate(lines);
    expect(verifyAuditChain(text(lines)).ok).toBe(true);
    expect(verifyAuditChain(text(lines), { anchors: [headOf(original)] })).toMatchObject({
      ok: false,
      line: N,
    });
  });

  it('checks an anchor in the middle of a longer chain (a later invocation appended)', () => {
    const lines = chain(8);
    const anchor = { seq: 3, sha256: sha256Hex(lines[2] ?? '') };
    expect(verifyAuditChain(text(lines), { anchors: [anchor] }).ok).toBe(true);
    expect(
      verifyAuditChain(text(lines), { anchors: [{ ...anchor, sha256: '0'.repeat(64) }] }),
    ).toMatchObject({
      ok: false,
      line: 3,
      reason: 'edited',
    });
  });

  it.each([
    {
      name: 'CRLF line endings',
      data: chain()
        .map((l) => `${l}\r\n`)
        .join(''),
      line: 1,
      reason: 'crlf',
    },
    {
      name: 'a blank line',
      data: text([...chain().slice(0, 2), '', ...chain().slice(2)]),
      line: 3,
      reason: 'invalid_json',
    },
    {
      name: 'a JSON line that is not a record',
      data: text([...chain().slice(0, 2), '{"seq":"x"}']),
      line: 3,
      reason: 'not_a_record',
    },
    {
      name: 'a first line not chained from the empty string',
      data: text(chain().slice(1)),
      line: 1,
      reason: 'bad_first_line',
    },
    {
      name: 'invalid UTF-8',
      data: Buffer.concat([Buffer.from(text(chain(2))), Buffer.from([0xff, 0x0a])]),
      line: 3,
      reason: 'invalid_json',
    },
  ])('reports $name', ({ data, line, reason }) => {
    expect(verifyAuditChain(data)).toMatchObject({ ok: false, line, reason });
  });

  it('hashes the exact bytes, so re-serialising a line (same JSON, other spacing) is an edit', () => {
    const lines = chain();
    lines[1] = JSON.stringify(JSON.parse(lines[1] ?? ''), null, 0).replace('{', '{ ');
    expect(verifyAuditChain(text(lines))).toMatchObject({ ok: false, line: 2, reason: 'edited' });
  });

  it('accepts a last line without its newline', () => {
    const lines = chain();
    expect(verifyAuditChain(text(lines).slice(0, -1))).toMatchObject({ ok: true, records: N });
  });

  it('formats verdicts naming the file and the line', () => {
    expect(
      formatVerification('audit.jsonl', { ok: true, records: 2, head: { seq: 2, sha256: 'ab' } }),
    ).toBe('OK: audit.jsonl: 2 records, chain intact (last seq 2, sha256 ab)');
    expect(
      formatVerification('audit.jsonl', {
        ok: false,
        line: 4,
        reason: 'deleted',
        message: 'gone',
        records: 5,
      }),
    ).toBe('BROKEN: audit.jsonl: line 4: deleted: gone');
  });
});

describe('GENESIS_SHA256', () => {
  it('is the SHA-256 of the empty string, as sha256Hex and node:crypto compute it', () => {
    expect(GENESIS_SHA256).toBe(sha256Hex(''));
    expect(GENESIS_SHA256).toBe(createHash('sha256').update('').digest('hex'));
  });
});

import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { GENESIS_SHA256, readChainTail, sha256Hex } from '../../../src/evidence/audit-chain.js';
import { tempDir } from './support.js';

const record = (seq: number, pad = ''): string =>
  JSON.stringify({ seq, pad, prev_sha256: GENESIS_SHA256 });

describe('readChainTail', () => {
  it('is the genesis for a missing or empty file', async () => {
    const dir = await tempDir();
    const genesis = { seq: 0, sha256: GENESIS_SHA256, needsNewline: false };
    expect(await readChainTail(join(dir, 'missing.jsonl'))).toEqual(genesis);
    await writeFile(join(dir, 'empty.jsonl'), '');
    expect(await readChainTail(join(dir, 'empty.jsonl'))).toEqual(genesis);
  });

  it.each([
    { name: 'a short file', lines: [record(1), record(2)], seq: 2 },
    {
      name: 'a last line longer than one tail read',
      lines: [record(1), record(2, 'x'.repeat(200_000))],
      seq: 2,
    },
    { name: 'a single line', lines: [record(5)], seq: 5 },
  ])('hashes the exact last line of $name', async ({ lines, seq }) => {
    const path = join(await tempDir(), 'audit.jsonl');
    await writeFile(path, lines.map((l) => `${l}\n`).join(''));
    expect(await readChainTail(path)).toEqual({
      seq,
      sha256: sha256Hex(lines.at(-1) ?? ''),
      needsNewline: false,
    });
  });

  it('asks for a newline after a torn last line and counts lines to continue seq', async () => {
    const path = join(await tempDir(), 'audit.jsonl');
    await writeFile(path, `${record(1)}\n${record(2)}\n{"seq":3,"pa`);
    expect(await readChainTail(path)).toEqual({
      seq: 3,
      sha256: sha256Hex('{"seq":3,"pa'),
      needsNewline: true,
    });
  });
});

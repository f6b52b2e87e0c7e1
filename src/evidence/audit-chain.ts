/**
 * The hash chain of the audit file: every line carries `prev_sha256`, the SHA-256 (hex) of the
 * previous line's exact bytes without its `\n` (for the first line, of the empty string).
 */
// fs.promises is read when used, not at start (issue #9).
import { createReadStream, promises as fs } from 'node:fs';
import { sha256Hex } from '../util/node-crypto.js';

export { sha256Hex };

/**
 * `prev_sha256` of a file's first line: the SHA-256 of the empty string (written out, so that
 * loading this module does not load node:crypto; a unit test checks it).
 */
export const GENESIS_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

const NEWLINE = 0x0a;
const FIRST_TAIL_READ_BYTES = 64 * 1024;

/** Where an append continues the chain. */
export interface ChainTail {
  /** `seq` of the last record (0 for an empty file). */
  seq: number;
  /** SHA-256 of the last line (GENESIS_SHA256 for an empty file). */
  sha256: string;
  /** The file does not end with `\n` (a torn write): the next append must start a new line. */
  needsNewline: boolean;
}

/**
 * Returns the chain tail of the file at `path`, reading only its last line (from the end, in
 * growing chunks) unless that line is not a record, when lines are counted to continue `seq`.
 * A missing file is an empty chain.
 */
export async function readChainTail(path: string): Promise<ChainTail> {
  let handle;
  try {
    handle = await fs.open(path, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return emptyTail();
    throw error;
  }
  try {
    const { size } = await handle.stat();
    if (size === 0) return emptyTail();
    const last = Buffer.alloc(1);
    await handle.read(last, 0, 1, size - 1);
    const needsNewline = last[0] !== NEWLINE;
    const end = needsNewline ? size : size - 1;
    const line = await readLastLine(handle, end);
    const seq = seqOf(line) ?? (await countLines(path));
    return { seq, sha256: sha256Hex(line), needsNewline };
  } finally {
    await handle.close();
  }
}

function emptyTail(): ChainTail {
  return { seq: 0, sha256: GENESIS_SHA256, needsNewline: false };
}

type ReadHandle = Awaited<ReturnType<typeof fs.open>>;

/** Returns the bytes of the line that ends at `end` (exclusive). */
async function readLastLine(handle: ReadHandle, end: number): Promise<Buffer> {
  for (let chunk = FIRST_TAIL_READ_BYTES; ; chunk *= 2) {
    const start = Math.max(0, end - chunk);
    const buffer = Buffer.alloc(end - start);
    await handle.read(buffer, 0, buffer.length, start);
    const newline = buffer.lastIndexOf(NEWLINE);
    if (newline >= 0) return buffer.subarray(newline + 1);
    if (start === 0) return buffer;
  }
}

function seqOf(line: Buffer): number | undefined {
  try {
    const record = JSON.parse(line.toString('utf8')) as { seq?: unknown };
    return Number.isSafeInteger(record.seq) && (record.seq as number) > 0
      ? (record.seq as number)
      : undefined;
  } catch {
    return undefined;
  }
}

/** Returns the number of lines in the file (a final line without `\n` counts). */
async function countLines(path: string): Promise<number> {
  let lines = 0;
  let lastByte = NEWLINE;
  for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) {
    for (const byte of chunk) if (byte === NEWLINE) lines += 1;
    lastByte = chunk[chunk.length - 1] ?? lastByte;
  }
  return lastByte === NEWLINE ? lines : lines + 1;
}

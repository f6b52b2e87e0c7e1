/**
 * Verifies an audit file's hash chain and names the first broken line and why. A chain alone
 * cannot show that its last lines were edited or removed; an anchor (`seq` + SHA-256 of a line,
 * as results.json and the Code Insights report record them) closes that gap up to its line.
 */
import { GENESIS_SHA256, sha256Hex } from './audit-chain.js';

/** A line's expected hash, recorded outside the file. */
export interface AuditAnchor {
  seq: number;
  sha256: string;
}

export type AuditBreakReason =
  'invalid_json' | 'not_a_record' | 'crlf' | 'bad_first_line' | 'edited' | 'deleted' | 'inserted';

export type AuditVerification =
  | { ok: true; records: number; head?: AuditAnchor }
  | { ok: false; line: number; reason: AuditBreakReason; message: string; records: number };

interface Line {
  hash: string;
  record?: { seq: number; prev: string };
  problem?: { reason: AuditBreakReason; message: string };
}

type Break = { line: number; reason: AuditBreakReason; message: string };

const NEWLINE = 0x0a;
const SHA256_HEX = /^[0-9a-f]{64}$/;

/** Returns whether the chain in `data` (the file's bytes) is intact, or its first broken line. */
export function verifyAuditChain(
  data: Uint8Array | string,
  options: { anchors?: readonly AuditAnchor[] } = {},
): AuditVerification {
  const lines = splitLines(typeof data === 'string' ? Buffer.from(data, 'utf8') : data).map(
    parseLine,
  );
  const anchors = options.anchors ?? [];
  const broken = findChainBreak(lines, anchors) ?? findAnchorBreak(lines, anchors);
  if (broken) return { ok: false, ...broken, records: lines.length };
  const last = lines.at(-1);
  return last?.record
    ? { ok: true, records: lines.length, head: { seq: last.record.seq, sha256: last.hash } }
    : { ok: true, records: 0 };
}

/** Returns a one-line verdict for people, e.g. `OK: audit.jsonl: 12 records, chain intact …`. */
export function formatVerification(file: string, result: AuditVerification): string {
  if (!result.ok)
    return `BROKEN: ${file}: line ${result.line}: ${result.reason}: ${result.message}`;
  const head = result.head ? ` (last seq ${result.head.seq}, sha256 ${result.head.sha256})` : '';
  return `OK: ${file}: ${result.records} records, chain intact${head}`;
}

function splitLines(bytes: Uint8Array): Uint8Array[] {
  const lines: Uint8Array[] = [];
  let start = 0;
  for (let at = bytes.indexOf(NEWLINE); at >= 0; at = bytes.indexOf(NEWLINE, start)) {
    lines.push(bytes.subarray(start, at));
    start = at + 1;
  }
  // A final line without `\n` still counts (the pipe always ends lines, but a copy may not).
  if (start < bytes.length) lines.push(bytes.subarray(start));
  return lines;
}

function parseLine(bytes: Uint8Array): Line {
  const hash = sha256Hex(bytes);
  if (bytes.at(-1) === 0x0d) {
    return {
      hash,
      problem: { reason: 'crlf', message: 'line ends with CR: line endings were converted' },
    };
  }
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    return {
      hash,
      problem: {
        reason: 'invalid_json',
        message: 'not valid JSON (edited, truncated or inserted)',
      },
    };
  }
  const seq = (value as { seq?: unknown } | null)?.seq;
  const prev = (value as { prev_sha256?: unknown } | null)?.prev_sha256;
  if (
    !Number.isSafeInteger(seq) ||
    (seq as number) < 1 ||
    typeof prev !== 'string' ||
    !SHA256_HEX.test(prev)
  ) {
    return { hash, problem: { reason: 'not_a_record', message: 'no valid seq and prev_sha256' } };
  }
  return { hash, record: { seq: seq as number, prev } };
}

function findChainBreak(
  lines: readonly Line[],
  anchors: readonly AuditAnchor[],
): Break | undefined {
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as Line;
    const n = i + 1;
    if (!line.record) return { line: n, ...(line.problem as NonNullable<Line['problem']>) };
    if (i === 0) {
      if (line.record.prev === GENESIS_SHA256 && line.record.seq === 1) continue;
      return {
        line: 1,
        reason: 'bad_first_line',
        message:
          'the first line must have seq 1 and prev_sha256 = SHA-256 of the empty string: earlier lines were deleted or it was replaced',
      };
    }
    const before = lines[i - 1]?.record as { seq: number };
    if (line.record.prev === lines[i - 1]?.hash) {
      if (line.record.seq === before.seq + 1) continue;
      return {
        line: n,
        reason: 'edited',
        message: `seq is ${line.record.seq}, expected ${before.seq + 1}`,
      };
    }
    return classifyMismatch(lines, i, anchors);
  }
  return undefined;
}

/** Line `i` (0-based) does not chain onto line `i - 1`: decide which line was changed. */
function classifyMismatch(
  lines: readonly Line[],
  i: number,
  anchors: readonly AuditAnchor[],
): Break {
  const line = lines[i] as Line & { record: { seq: number; prev: string } };
  const before = lines[i - 1] as Line & { record: { seq: number } };
  const n = i + 1;
  const twoBack = i >= 2 ? lines[i - 2]?.hash : GENESIS_SHA256;
  if (line.record.prev === twoBack) {
    return {
      line: n - 1,
      reason: 'inserted',
      message: `line ${n} chains onto line ${n - 2}, not onto this line`,
    };
  }
  if (line.record.seq > before.record.seq + 1) {
    const first = before.record.seq + 1;
    const missing =
      first === line.record.seq - 1 ? `seq ${first}` : `seq ${first}..${line.record.seq - 1}`;
    return {
      line: n,
      reason: 'deleted',
      message: `the record(s) with ${missing} that stood here were deleted`,
    };
  }
  const after = lines[i + 1];
  if (after === undefined) {
    // Only the last line's own anchor can tell its edit from an edit of the line before.
    const anchor = anchors.find((a) => a.seq === line.record.seq);
    if (anchor && anchor.sha256.toLowerCase() !== line.hash) {
      return { line: n, reason: 'edited', message: 'does not match the anchored SHA-256' };
    }
    return {
      line: n - 1,
      reason: 'edited',
      message: `line ${n} records a different hash for this line (or line ${n}'s prev_sha256 was changed)`,
    };
  }
  if (after.record?.prev === line.hash) {
    return {
      line: n - 1,
      reason: 'edited',
      message: `line ${n} records a different hash for this line`,
    };
  }
  return {
    line: n,
    reason: 'edited',
    message: `its prev_sha256 matches neither line ${n - 1} nor its own successor's record of it`,
  };
}

function findAnchorBreak(
  lines: readonly Line[],
  anchors: readonly AuditAnchor[],
): Break | undefined {
  const breaks: Break[] = [];
  for (const anchor of anchors) {
    // With the chain intact, seq k is line k.
    const line = lines[anchor.seq - 1];
    if (line === undefined) {
      breaks.push({
        line: lines.length + 1,
        reason: 'deleted',
        message: `the file ends at seq ${lines.length} but an anchor records seq ${anchor.seq}: the last lines were deleted`,
      });
    } else if (line.hash !== anchor.sha256.toLowerCase()) {
      breaks.push({
        line: anchor.seq,
        reason: 'edited',
        message: 'does not match the anchored SHA-256',
      });
    }
  }
  return breaks.sort((a, b) => a.line - b.line)[0];
}

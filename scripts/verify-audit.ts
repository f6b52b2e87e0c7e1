/**
 * `npm run verify-audit -- <audit.jsonl> [--results <results.json>] [--anchor <seq>:<sha256>]`
 *
 * Checks an audit file's hash chain. `--results` takes the anchor a results file recorded
 * (`audit.last_seq`, `audit.last_sha256`), which also protects the lines the chain alone cannot:
 * the last ones. Exit 0: intact; 1: broken (the first broken line is named); 2: usage or I/O.
 */
import { readFile } from 'node:fs/promises';
import {
  formatVerification,
  verifyAuditChain,
  type AuditAnchor,
} from '../src/evidence/verify-audit.js';

const USAGE =
  'usage: verify-audit <audit.jsonl> [--results <results.json>] [--anchor <seq>:<sha256>]…';

interface Args {
  file: string;
  anchors: AuditAnchor[];
  resultsFiles: string[];
}

function parseArgs(argv: readonly string[]): Args | string {
  const args: Args = { file: '', anchors: [], resultsFiles: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const value = argv[i + 1];
    if ((arg === '--anchor' || arg === '--results') && value === undefined)
      return `${arg} needs a value`;
    if (arg === '--anchor') {
      const match = /^(\d+):([0-9a-fA-F]{64})$/.exec(value as string);
      if (!match) return `--anchor must be <seq>:<sha256>, got ${value}`;
      args.anchors.push({ seq: Number(match[1]), sha256: (match[2] as string).toLowerCase() });
      i++;
    } else if (arg === '--results') {
      args.resultsFiles.push(value as string);
      i++;
    } else if (arg.startsWith('-') || args.file) {
      return `unexpected argument ${arg}`;
    } else {
      args.file = arg;
    }
  }
  return args.file ? args : 'missing the audit file';
}

async function anchorFromResults(path: string): Promise<AuditAnchor> {
  const results = JSON.parse(await readFile(path, 'utf8')) as {
    audit?: { last_seq?: unknown; last_sha256?: unknown } | null;
  };
  const { last_seq: seq, last_sha256: sha256 } = results.audit ?? {};
  if (typeof seq !== 'number' || typeof sha256 !== 'string') {
    throw new Error(`${path} records no audit anchor (audit.last_seq, audit.last_sha256)`);
  }
  return { seq, sha256 };
}

async function run(argv: readonly string[]): Promise<number> {
  const args = parseArgs(argv);
  if (typeof args === 'string') {
    console.error(`${args}\n${USAGE}`);
    return 2;
  }
  let data: Buffer;
  try {
    for (const path of args.resultsFiles) {
      const anchor = await anchorFromResults(path);
      // An empty chain (seq 0) anchors nothing.
      if (anchor.seq > 0) args.anchors.push(anchor);
    }
    data = await readFile(args.file);
  } catch (error) {
    console.error(`verify-audit: ${error instanceof Error ? error.message : String(error)}`);
    return 2;
  }
  const result = verifyAuditChain(data, { anchors: args.anchors });
  console.log(formatVerification(args.file, result));
  return result.ok ? 0 : 1;
}

run(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(`verify-audit: ${String(error)}`);
    process.exitCode = 2;
  },
);

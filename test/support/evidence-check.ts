/**
 * Reads a run's evidence (RESULTS_FILE, AUDIT_FILE) and returns every way it is incomplete,
 * schema-invalid or inconsistent with itself: a list of problems, empty when all is well, so a
 * property test can report them together with its seed.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { verifyAuditChain } from '../../src/evidence/verify-audit.js';

/** The parts of results.json the checks read. */
export interface ResultsDoc {
  status: string;
  exit_code: number | null;
  error: { code: string; message: string; hint?: string; details?: string[] } | null;
  audit: { file: string; last_seq: number; last_sha256: string; appended: number } | null;
  actions: {
    index: number;
    id: string | null;
    type: string;
    status: string;
    outputs: Record<string, unknown>;
    error: { code: string; message: string } | null;
  }[];
}

/** The parts of an audit line the checks read. */
export interface AuditLine {
  seq: number;
  operation: string;
  target: string;
  result: 'succeeded' | 'failed';
  action: { index: number; id: string | null; type: string };
  response: Record<string, unknown> | null;
  error: { code: string; message: string } | null;
}

/** A run's evidence files, parsed, with every problem found in them. */
export interface Evidence {
  results?: ResultsDoc;
  audit: AuditLine[];
  auditText: string;
  problems: string[];
}

/** RESULTS_FILE's default, relative to the clone dir. */
export const DEFAULT_RESULTS = 'databricks-ml-pipe/results.json';
/** AUDIT_FILE's default, relative to the clone dir. */
export const DEFAULT_AUDIT = 'databricks-ml-pipe/audit.jsonl';

const validators = new Map<string, ValidateFunction>();

async function validatorFor(name: 'results' | 'audit-record'): Promise<ValidateFunction> {
  const cached = validators.get(name);
  if (cached) return cached;
  const text = await readFile(
    new URL(`../../schemas/${name}.schema.json`, import.meta.url),
    'utf8',
  );
  const ajv = new Ajv({ allErrors: true, strict: true, strictTypes: false });
  // ajv-formats is CommonJS: under NodeNext its default export sits on `.default`.
  addFormats.default(ajv);
  const validate = ajv.compile(JSON.parse(text) as object);
  validators.set(name, validate);
  return validate;
}

/**
 * Returns the evidence under `cloneDir` (default file locations) and its problems: results
 * missing, unfinished or schema-invalid, exit code disagreeing, audit lines schema-invalid, the
 * chain broken, or its head not the one results.json anchors.
 */
export async function readEvidence(cloneDir: string, exitCode: number): Promise<Evidence> {
  const problems: string[] = [];
  const results = await readEvidenceFile(join(cloneDir, DEFAULT_RESULTS), exitCode, problems);
  const auditText = await readFile(join(cloneDir, DEFAULT_AUDIT), 'utf8').catch(() => '');
  const audit = await readAudit(auditText, problems);
  if (results?.audit) {
    const anchor = { seq: results.audit.last_seq, sha256: results.audit.last_sha256 };
    const verdict = verifyAuditChain(auditText, { anchors: anchor.seq > 0 ? [anchor] : [] });
    if (!verdict.ok)
      problems.push(`audit chain does not verify: line ${verdict.line} ${verdict.reason}`);
    if (results.audit.appended !== audit.length) {
      problems.push(
        `results.json says ${results.audit.appended} audit lines appended, the file has ${audit.length}`,
      );
    }
  } else if (audit.length > 0) {
    problems.push(`audit has ${audit.length} lines but results.json anchors none`);
  }
  return { ...(results ? { results } : {}), audit, auditText, problems };
}

/**
 * Returns the results document at `path`, adding to `problems` when it is missing, unfinished,
 * schema-invalid or disagrees with the process exit code.
 */
export async function readEvidenceFile(
  path: string,
  exitCode: number,
  problems: string[],
): Promise<ResultsDoc | undefined> {
  let doc: ResultsDoc;
  try {
    doc = JSON.parse(await readFile(path, 'utf8')) as ResultsDoc;
  } catch (error) {
    problems.push(`results.json unreadable: ${(error as Error).message}`);
    return undefined;
  }
  const validate = await validatorFor('results');
  if (!validate(doc))
    problems.push(`results.json schema: ${JSON.stringify(validate.errors?.slice(0, 3))}`);
  if (doc.status === 'running') problems.push('results.json still says running');
  if (doc.exit_code !== exitCode)
    problems.push(`results.json exit_code ${doc.exit_code}, process ${exitCode}`);
  return doc;
}

async function readAudit(text: string, problems: string[]): Promise<AuditLine[]> {
  const lines = text.split('\n').filter((line) => line !== '');
  const validate = await validatorFor('audit-record');
  const records: AuditLine[] = [];
  lines.forEach((line, i) => {
    let record: unknown;
    try {
      record = JSON.parse(line);
    } catch {
      problems.push(`audit line ${i + 1} is not JSON`);
      return;
    }
    if (!validate(record))
      problems.push(`audit line ${i + 1} schema: ${JSON.stringify(validate.errors?.slice(0, 2))}`);
    records.push(record as AuditLine);
  });
  if (text !== '' && !text.endsWith('\n')) problems.push('audit file does not end with a newline');
  return records;
}

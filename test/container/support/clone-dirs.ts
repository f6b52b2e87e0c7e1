import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** Where scratch clone dirs go; on Bitbucket it must lie under $BITBUCKET_CLONE_DIR (mount rules). */
export function scratchRoot(): string {
  const root = process.env['PIPE_TEST_SCRATCH_DIR'] ?? tmpdir();
  mkdirSync(root, { recursive: true });
  return root;
}

/** Returns a fresh clone dir, mode 0755 like Bitbucket's, holding `files`. */
export function makeCloneDir(files: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(scratchRoot(), 'dmp-image-clone-'));
  chmodSync(dir, 0o755);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

/** Returns every file under `dir` (relative path → text), except those in `skip`. */
export function readTree(
  dir: string,
  skip: ReadonlySet<string> = new Set(),
  prefix = '',
): Record<string, string> {
  const here = prefix ? join(dir, prefix) : dir;
  if (!existsSync(here)) return {};
  const out: Record<string, string> = {};
  for (const entry of readdirSync(here, { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) Object.assign(out, readTree(dir, skip, rel));
    else if (!skip.has(rel)) out[rel] = readFileSync(join(dir, rel), 'utf8');
  }
  return out;
}

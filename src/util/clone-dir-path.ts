import { realpath } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep } from 'node:path';

/** Where a repository path really leads, or why it may not be read. */
export type CloneDirPath =
  | { ok: true; path: string }
  | { ok: false; problem: 'outside' | 'links-outside' | 'missing'; path: string };

/**
 * Returns the real path of `path` (relative to the clone dir) when it stays inside the clone
 * dir, symlinks resolved — a plan is code from the repository, but it must not turn the pipe
 * into a reader of the runner's other files (`../../etc/passwd`, a link to `/etc`).
 */
export async function resolveInCloneDir(cloneDir: string, path: string): Promise<CloneDirPath> {
  const root = await realpath(cloneDir).catch(() => resolve(cloneDir));
  const lexical = resolve(root, path);
  if (!isInside(root, lexical)) return { ok: false, problem: 'outside', path: lexical };
  let real: string;
  try {
    real = await realpath(lexical);
  } catch {
    return { ok: false, problem: 'missing', path: lexical };
  }
  return isInside(root, real)
    ? { ok: true, path: real }
    : { ok: false, problem: 'links-outside', path: lexical };
}

/** True when `path` is below `root`. */
export function isInside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel !== '' && rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel);
}

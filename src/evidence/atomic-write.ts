import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/**
 * Replaces `path` with `text` so that a reader (or a process killed mid-write) only ever sees
 * the old content or the new one: the text goes to a temporary file in the same directory
 * (rename is atomic only within one file system), is flushed, then renamed over the target.
 * Creates missing parent directories. Returns when the new content is in place.
 */
export async function writeFileAtomic(path: string, text: string): Promise<void> {
  const dir = dirname(path);
  await mkdir(dir, { recursive: true });
  const temp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    const handle = await open(temp, 'w', 0o644);
    try {
      await handle.writeFile(text, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

/** Returns a short reason for a file-system error, e.g. `EACCES: permission denied`. */
export function describeFsError(error: unknown): string {
  // Duck-typed: errors from another realm (vm contexts, test runners) are not `instanceof Error`.
  const message = (error as { message?: unknown } | null)?.message;
  if (typeof message !== 'string') return String(error);
  const code = (error as NodeJS.ErrnoException).code;
  const text = message.replace(/^[A-Z]+: /, '').replace(/, \w+ '.*'$/, '');
  return typeof code === 'string' ? `${code}: ${text}` : text;
}

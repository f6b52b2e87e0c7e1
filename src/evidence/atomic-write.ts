import {
  closeSync,
  mkdirSync,
  openSync,
  promises as fs,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';

let temporaryFiles = 0;

/**
 * Returns a temporary path beside `path` (rename is atomic only within one file system),
 * unique without randomness, as node:crypto is not loaded at start (issue #9): the pid tells
 * processes apart, the counter the writes of one process.
 */
function temporaryPathFor(path: string): string {
  temporaryFiles += 1;
  return join(dirname(path), `.${basename(path)}.${process.pid}.${temporaryFiles}.tmp`);
}

/**
 * Replaces `path` with `text` so that a reader (or a process killed mid-write) only ever sees
 * the old content or the new one: the text goes to a temporary file in the same directory,
 * then is renamed over the target. Creates missing parent directories. Returns when the new
 * content is in place.
 *
 * No fsync: what the kernel has accepted survives the process being killed, which is the
 * failure a CI step has; only a crash of the machine itself, which ends the step anyway, could
 * lose it. On this project's CI disk an fsync took 3–15 ms, more than the rest of a start.
 */
export async function writeFileAtomic(path: string, text: string): Promise<void> {
  await fs.mkdir(dirname(path), { recursive: true });
  const temp = temporaryPathFor(path);
  try {
    const handle = await fs.open(temp, 'w', 0o644);
    try {
      await handle.writeFile(text, 'utf8');
    } finally {
      await handle.close();
    }
    await fs.rename(temp, path);
  } catch (error) {
    await fs.rm(temp, { force: true });
    throw error;
  }
}

/**
 * Does what writeFileAtomic does, synchronously: for the last write of a run, when nothing else
 * is waiting for the event loop. A start that stops at invalid variables writes its results
 * this way without loading fs/promises or waiting on the thread pool (issue #9).
 */
export function writeFileAtomicSync(path: string, text: string): void {
  const temp = temporaryPathFor(path);
  // The directory usually exists (the run wrote results before): create it only when missing.
  let fd: number;
  try {
    fd = openSync(temp, 'w', 0o644);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    mkdirSync(dirname(path), { recursive: true });
    fd = openSync(temp, 'w', 0o644);
  }
  try {
    try {
      const bytes = Buffer.from(text, 'utf8');
      for (let offset = 0; offset < bytes.length; ) offset += writeSync(fd, bytes, offset);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, path);
  } catch (error) {
    rmSync(temp, { force: true });
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

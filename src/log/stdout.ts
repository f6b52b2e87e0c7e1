/**
 * The process's standard output without `process.stdout`. Creating that stream loads Node's
 * stream and socket machinery, about 6 ms of every start (issue #9, `npm run bench -- --only
 * startup`); writing to file descriptor 1 directly is what `process.stdout` does for files and
 * pipes on Linux anyway (synchronously), so lines keep their order and none is lost at exit.
 */
import { fstatSync, statSync, writeSync } from 'node:fs';

/** Where the pipe's lines go: any object with a `write(text)`, e.g. a Writable stream. */
export interface TextSink {
  write(text: string | Uint8Array): unknown;
}

const STDOUT_FD = 1;

/** A sink on a file descriptor, which can tell whether all it was given has been written. */
export interface FdSink extends TextSink {
  /** Bytes handed to the fallback stream that it has not written yet (0 without one). */
  pendingBytes(): number;
}

/**
 * Returns a sink that writes to file descriptor 1 synchronously. If the descriptor is
 * non-blocking and full (EAGAIN) or fails otherwise, it hands the rest, and every later
 * write, to `fallback()` (process.stdout), which queues what cannot be written yet. A reader
 * that went away (EPIPE) loses the output but does not stop the pipe: its evidence files are
 * still written.
 */
export function fdSink(
  fallback: () => TextSink,
  fd = STDOUT_FD,
  write: typeof writeSync = writeSync,
): FdSink {
  let stream: TextSink | undefined;
  let closed = false;
  return {
    pendingBytes(): number {
      return (stream as { writableLength?: number } | undefined)?.writableLength ?? 0;
    },
    write(text: string | Uint8Array): boolean {
      if (closed) return false;
      if (stream) return stream.write(text) !== false;
      const bytes = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
      let offset = 0;
      try {
        while (offset < bytes.length) offset += write(fd, bytes, offset);
        return true;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'EPIPE') {
          closed = true;
          return false;
        }
        stream = fallback();
        return stream.write(bytes.subarray(offset)) !== false;
      }
    },
  };
}

// Linux's /dev/null is character device 1:3, whose device number Node reports as 259.
const LINUX_DEV_NULL_RDEV = 259;

/**
 * Resolves to true when file descriptor 1 is a terminal. Only a character device other than
 * /dev/null can be one, which a stat call tells (a second one only if the device number is not
 * Linux's /dev/null's); node:tty (5 ms to load) settles the rest.
 */
export async function isStdoutTerminal(fd = STDOUT_FD): Promise<boolean> {
  try {
    const stats = fstatSync(fd);
    if (!stats.isCharacterDevice() || stats.rdev === LINUX_DEV_NULL_RDEV) return false;
    if (stats.rdev === statSync('/dev/null').rdev) return false;
    const tty = await import('node:tty');
    return tty.isatty(fd);
  } catch {
    return false;
  }
}

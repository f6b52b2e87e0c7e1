import { closeSync, openSync, readFileSync, writeSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fdSink, isStdoutTerminal } from '../../../src/log/stdout.js';

function errno(code: string): NodeJS.ErrnoException {
  return Object.assign(new Error(code), { code });
}

/** A sink recording what it is given, as text. */
function recorder(): {
  sink: { write(text: string | Uint8Array): boolean };
  text: () => string;
} {
  const chunks: string[] = [];
  return {
    sink: {
      write: (text) => {
        chunks.push(typeof text === 'string' ? text : Buffer.from(text).toString('utf8'));
        return true;
      },
    },
    text: () => chunks.join(''),
  };
}

describe('fdSink', () => {
  it('writes every line to the descriptor in order, multi-byte text intact', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'dmp-stdout-')), 'out.txt');
    const fd = openSync(path, 'w');
    const sink = fdSink(() => {
      throw new Error('no fallback expected');
    }, fd);
    sink.write('first ✔\n');
    sink.write(Buffer.from('second — é\n'));
    closeSync(fd);
    expect(readFileSync(path, 'utf8')).toBe('first ✔\nsecond — é\n');
  });

  it('hands the unwritten rest and every later line to the fallback after EAGAIN', () => {
    const rec = recorder();
    let calls = 0;
    const written: string[] = [];
    // The first call takes 3 bytes, the second finds the descriptor full.
    const fake = ((_fd: number, buffer: Uint8Array, offset?: number) => {
      calls += 1;
      if (calls === 1) {
        written.push(Buffer.from(buffer.subarray(offset ?? 0, (offset ?? 0) + 3)).toString('utf8'));
        return 3;
      }
      throw errno('EAGAIN');
    }) as typeof writeSync;
    let fallbacks = 0;
    const sink = fdSink(
      () => {
        fallbacks += 1;
        return rec.sink;
      },
      99,
      fake,
    );
    sink.write('abcdef\n');
    sink.write('next\n');
    expect(written).toEqual(['abc']);
    expect(rec.text()).toBe('def\nnext\n');
    expect(fallbacks).toBe(1);
    expect(calls).toBe(2);
  });

  it('reports what the fallback stream has not written yet, and nothing without one', () => {
    let queued = 0;
    const stream = {
      get writableLength() {
        return queued;
      },
      write: (text: string | Uint8Array) => {
        queued += typeof text === 'string' ? Buffer.byteLength(text) : text.length;
        return false;
      },
    };
    const sink = fdSink(() => stream, 99, () => {
      throw errno('EAGAIN');
    });
    expect(sink.pendingBytes()).toBe(0);
    sink.write('line\n');
    expect(sink.pendingBytes()).toBe(5);
    queued = 0;
    expect(sink.pendingBytes()).toBe(0);
  });

  it('drops output without throwing once the reader has gone (EPIPE)', () => {
    let calls = 0;
    const fake = (() => {
      calls += 1;
      throw errno('EPIPE');
    }) as typeof writeSync;
    const sink = fdSink(
      () => {
        throw new Error('no fallback expected');
      },
      99,
      fake,
    );
    expect(sink.write('lost\n')).toBe(false);
    expect(sink.write('also lost\n')).toBe(false);
    expect(calls).toBe(1);
  });
});

describe('isStdoutTerminal', () => {
  it.each([
    { name: 'a regular file', path: () => join(mkdtempSync(join(tmpdir(), 'dmp-tty-')), 'f') },
    { name: '/dev/null (a character device, but no terminal)', path: () => '/dev/null' },
    { name: '/dev/zero (a character device, neither /dev/null nor a terminal)', path: () => '/dev/zero' },
  ])('is false for $name', async ({ path }) => {
    const fd = openSync(path(), 'w');
    try {
      expect(await isStdoutTerminal(fd)).toBe(false);
    } finally {
      closeSync(fd);
    }
  });

  it('is true for a terminal (a pseudo-terminal master)', async () => {
    const fd = openSync('/dev/ptmx', 'r+');
    try {
      expect(await isStdoutTerminal(fd)).toBe(true);
    } finally {
      closeSync(fd);
    }
  });

  it('is false for a closed descriptor', async () => {
    const fd = openSync('/dev/null', 'r');
    closeSync(fd);
    expect(await isStdoutTerminal(fd)).toBe(false);
  });
});

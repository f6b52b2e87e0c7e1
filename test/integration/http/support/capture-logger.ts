import { Writable } from 'node:stream';
import { createLogger, type Logger } from '../../../../src/log/logger.js';
import { Redactor } from '../../../../src/log/redactor.js';

/** A debug-level logger whose lines a test can read back. */
export interface CapturedLogger {
  logger: Logger;
  /** Every line written so far (after letting the stream's writes settle). */
  lines(): Promise<string[]>;
}

/**
 * Returns a logger at debug level with its own empty redactor: nothing is masked for the test,
 * so a secret the code under test logs shows up in `lines()` instead of as `***`.
 */
export function captureLogger(): CapturedLogger {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer | string, _encoding, callback) {
      chunks.push(chunk.toString());
      callback();
    },
  });
  const logger = createLogger({ stream, debug: true, redactor: new Redactor() });
  return {
    logger,
    lines: async () => {
      await new Promise((resolve) => setImmediate(resolve));
      return chunks
        .join('')
        .split('\n')
        .filter((line) => line !== '');
    },
  };
}

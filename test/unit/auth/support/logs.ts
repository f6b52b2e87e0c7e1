import { createLogger, type Logger } from '../../../../src/log/logger.js';
import { Redactor } from '../../../../src/log/redactor.js';
import { CaptureStream } from '../../../support/capture.js';

/**
 * A redactor that masks nothing, so a canary sees exactly what the code handed the logger
 * (the real redactor would hide a leak instead of exposing it).
 */
export class TransparentRedactor extends Redactor {
  override redact(text: string): string {
    return text;
  }

  override redactDeep<T>(value: T): T {
    return value;
  }
}

/** Returns a debug-level logger writing to a capture, unredacted unless a redactor is given. */
export function captureLogger(redactor: Redactor = new TransparentRedactor()): {
  logger: Logger;
  capture: CaptureStream;
} {
  const capture = new CaptureStream();
  return { logger: createLogger({ stream: capture, debug: true, redactor }), capture };
}

import type { Logger } from '../../../../src/log/logger.js';
import { createTransport } from '../../../../src/databricks/transport.js';
import type { HttpTransport } from '../../../../src/databricks/transport-types.js';

/** Returns the pipe's real HTTP transport (no proxy, no extra CA), logging to `logger`. */
export function testTransport(logger: Logger): HttpTransport {
  return createTransport({ version: '0.0.0-test', network: {}, logger, timeoutMs: 5_000 });
}

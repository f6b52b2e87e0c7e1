import type { IncomingMessage } from 'node:http';
import { ApiError } from './router.js';

/** Request bodies as the workspace reads them: JSON, or form-encoded for the token endpoint. */

const MAX_BODY_BYTES = 10 * 1024 * 1024;

/** Returns the raw request body (bodies beyond 10 MB are cut there). */
export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function isForm(req: IncomingMessage): boolean {
  return String(req.headers['content-type'] ?? '')
    .toLowerCase()
    .startsWith('application/x-www-form-urlencoded');
}

/**
 * Returns the parsed body: a form as a record, JSON as a value, nothing as undefined.
 * @throws ApiError 400 MALFORMED_REQUEST for a body that is not valid JSON.
 */
export function parseBody(req: IncomingMessage, raw: string): unknown {
  if (raw === '') return undefined;
  if (isForm(req)) return Object.fromEntries(new URLSearchParams(raw));
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    throw new ApiError(
      400,
      'MALFORMED_REQUEST',
      'Invalid JSON given in the body of the request - expected a map',
    );
  }
}

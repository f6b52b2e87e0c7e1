import { createHash } from 'node:crypto';

/**
 * Returns the SHA-256 of `data` as lowercase hex. The boot part of dist/pipe.js never imports
 * this module: loading node:crypto costs about 4 ms, a third of what a start that stops at
 * invalid variables may take (issue #9).
 */
export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

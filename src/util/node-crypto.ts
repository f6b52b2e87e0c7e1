/**
 * node:crypto, loaded on first use. Loading it costs about 4 ms, a third of what a start that
 * stops at invalid variables may take in all (issue #9), and that start never hashes anything.
 */
import type * as Crypto from 'node:crypto';
import { createRequire } from 'node:module';

let crypto: typeof Crypto | undefined;

/** Returns the node:crypto module, loading it on the first call. */
export function nodeCrypto(): typeof Crypto {
  // Any absolute path will do: built-in modules resolve the same from everywhere.
  crypto ??= createRequire('/')('node:crypto') as typeof Crypto;
  return crypto;
}

/** Returns the SHA-256 of `data` as lowercase hex. */
export function sha256Hex(data: string | Uint8Array): string {
  return nodeCrypto().createHash('sha256').update(data).digest('hex');
}

import type { IncomingMessage } from 'node:http';
import { createHash } from 'node:crypto';
import type { EmulatorState } from './state.js';
import { lookupBearer } from './auth.js';
import { parseBody } from './http-body.js';

/** One request as the workspace saw it; tests assert on these. */
export interface RequestLogEntry {
  readonly seq: number;
  /** Emulator clock time when the request arrived. */
  readonly time: number;
  readonly method: string;
  readonly path: string;
  readonly query: Record<string, string>;
  /** Parsed body; a `subject_token` is replaced by its {@link fingerprint}. */
  readonly body: unknown;
  /** Lower-cased headers; `authorization` reduced to its scheme (`Bearer`, `Basic`). */
  readonly headers: Record<string, string>;
  /** Response status; 0 when a fault reset the connection. */
  status: number;
  /** Principal of a valid bearer token. */
  principal?: string;
  /** Label of the bearer token sent (`oauth-2`, `pat-1`), valid or not. */
  tokenId?: string;
  /** Id of the fault rule that answered instead of the workspace. */
  faultId?: number;
}

/** Returns `sha256:<hex>` of a secret, the form the request log keeps subject tokens in. */
export function fingerprint(secret: string): string {
  return `sha256:${createHash('sha256').update(secret).digest('hex')}`;
}

/** Returns the log entry for a request as it arrives (status 0 until it is answered). */
export function logEntry(
  state: EmulatorState,
  seq: number,
  req: IncomingMessage,
  url: URL,
  raw: string,
): RequestLogEntry {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  if (headers.authorization) headers.authorization = headers.authorization.split(' ')[0] ?? '';
  const tokenId = lookupBearer(state, req.headers.authorization)?.id;
  return {
    seq,
    time: state.clock.now(),
    method: (req.method ?? 'GET').toUpperCase(),
    path: url.pathname,
    query: Object.fromEntries(url.searchParams),
    body: loggedBody(req, raw),
    headers,
    status: 0,
    ...(tokenId !== undefined ? { tokenId } : {}),
  };
}

function loggedBody(req: IncomingMessage, raw: string): unknown {
  let body: unknown;
  try {
    body = parseBody(req, raw);
  } catch {
    return raw;
  }
  if (body && typeof body === 'object' && 'subject_token' in body) {
    const form = body as Record<string, string>;
    return { ...form, subject_token: fingerprint(String(form.subject_token)) };
  }
  return body;
}

/**
 * Plain-HTTP requests through the Bitbucket Pipelines authenticating proxy. The pipe sends
 * `http://api.bitbucket.org/2.0/...` in absolute form to the proxy, which adds the step's
 * credentials; so no Authorization header ever leaves the pipe. Not a Databricks call: it does
 * not go through the Databricks transport.
 */
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { PIPE_VERSION } from '../version.js';

export interface ProxiedRequest {
  method: 'PUT' | 'POST';
  /** Absolute `http://` URL of the Bitbucket API resource. */
  url: string;
  body: unknown;
}

export interface ProxiedResponse {
  status: number;
  body: string;
}

/** A failure before any HTTP response: the proxy could not be reached. */
export class ProxyUnreachableError extends Error {
  override readonly name = 'ProxyUnreachableError';
}

const MAX_RESPONSE_BYTES = 64 * 1024;

/**
 * Returns the API's response to `req` sent through the proxy at `proxyUrl`.
 * Rejects with ProxyUnreachableError (connection refused, name not resolved, reset, timeout).
 */
export function sendThroughProxy(
  proxyUrl: string,
  req: ProxiedRequest,
  timeoutMs: number,
): Promise<ProxiedResponse> {
  const proxy = new URL(proxyUrl);
  const target = new URL(req.url);
  const payload = Buffer.from(JSON.stringify(req.body), 'utf8');
  return new Promise((resolve, reject) => {
    const fail = (error: Error): void => reject(unreachable(proxyUrl, error));
    const outgoing = httpRequest(
      {
        host: proxy.hostname,
        port: proxy.port === '' ? 80 : Number(proxy.port),
        method: req.method,
        // Absolute-form request-target: how a client asks a forward proxy for a resource.
        path: target.href,
        agent: false,
        timeout: timeoutMs,
        headers: {
          host: target.host,
          'content-type': 'application/json',
          'content-length': payload.length,
          accept: 'application/json',
          'user-agent': `databricks-ml-pipe/${PIPE_VERSION}`,
        },
      },
      (response) => void readResponse(response).then(resolve, fail),
    );
    outgoing.on('timeout', () => {
      const error = Object.assign(new Error(`no answer within ${timeoutMs}ms`), {
        code: 'ETIMEDOUT',
      });
      outgoing.destroy(error);
    });
    outgoing.on('error', fail);
    outgoing.end(payload);
  });
}

/** Returns the status and (at most MAX_RESPONSE_BYTES of) the body. */
function readResponse(response: IncomingMessage): Promise<ProxiedResponse> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    response.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_RESPONSE_BYTES) chunks.push(chunk);
    });
    response.on('end', () =>
      resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
    );
    response.on('error', reject);
  });
}

const REASONS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host not found',
  ECONNRESET: 'connection reset',
  EPIPE: 'connection reset',
};

function unreachable(proxyUrl: string, error: Error): ProxyUnreachableError {
  const code = (error as NodeJS.ErrnoException).code;
  const why = (code === undefined ? undefined : REASONS[code]) ?? error.message;
  return new ProxyUnreachableError(`pipelines proxy ${proxyUrl} unreachable (${why})`, {
    cause: error,
  });
}

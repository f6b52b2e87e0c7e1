import { PipeError } from '../errors.js';
import type { TokenRequestDeps } from './token-request.js';

const DISCOVERY_PATH = '/oidc/.well-known/oauth-authorization-server';
const DEFAULT_TOKEN_PATH = '/oidc/v1/token';
const DISCOVERY_TIMEOUT_MS = 10_000;

/**
 * Returns the workspace's OAuth token endpoint: `token_endpoint` from
 * `{host}/oidc/.well-known/oauth-authorization-server`, or `{host}/oidc/v1/token` when
 * discovery fails (404 means the document is not served; anything else is best effort,
 * exactly as the SDKs treat it).
 * @throws PipeError ERR_TOKEN_EXCHANGE_FAILED when the document names an endpoint on another
 *   origin: the step token or client secret must never leave the workspace's origin.
 */
export async function resolveTokenEndpoint(deps: TokenRequestDeps, host: string): Promise<string> {
  const origin = new URL(host).origin;
  const fallback = `${origin}${DEFAULT_TOKEN_PATH}`;
  const discovered = await fetchDiscoveredEndpoint(deps, `${origin}${DISCOVERY_PATH}`);
  if (discovered === undefined) {
    deps.logger.debug(`token endpoint: using ${fallback}`);
    return fallback;
  }
  let url: URL;
  try {
    url = new URL(discovered);
  } catch {
    deps.logger.debug(`token endpoint: discovery named an invalid URL; using ${fallback}`);
    return fallback;
  }
  if (url.origin !== origin) {
    throw new PipeError(
      'ERR_TOKEN_EXCHANGE_FAILED',
      `the workspace's OAuth discovery document names a token endpoint on another origin (${url.origin}); refusing to send credentials there`,
      { hint: `check DATABRICKS_HOST (${origin}) and any proxy between the pipe and the workspace` },
    );
  }
  deps.logger.debug(`token endpoint: discovered ${url.href}`);
  return url.href;
}

async function fetchDiscoveredEndpoint(deps: TokenRequestDeps, url: string): Promise<string | undefined> {
  try {
    const res = await deps.transport.send({ method: 'GET', url, timeoutMs: DISCOVERY_TIMEOUT_MS });
    if (res.status !== 200) {
      deps.logger.debug(`token endpoint discovery: HTTP ${res.status}`);
      return undefined;
    }
    const body = res.body;
    const endpoint =
      typeof body === 'object' && body !== null ? (body as Record<string, unknown>)['token_endpoint'] : undefined;
    return typeof endpoint === 'string' && endpoint !== '' ? endpoint : undefined;
  } catch (error) {
    deps.logger.debug(`token endpoint discovery failed: ${error instanceof Error ? error.message : String(error)}`);
    return undefined;
  }
}

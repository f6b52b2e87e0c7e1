import { capWaitToCredential } from '../auth/credential-lifetime.js';
import { createTokenProvider } from '../auth/create-token-provider.js';
import { selectAuth } from '../auth/select-auth.js';
import type { TokenProvider } from '../auth/types.js';
import type { Clock } from '../clock.js';
import type { Config } from '../config/types.js';
import { createApiClient } from '../databricks/api-client.js';
import { createRateLimiter } from '../databricks/rate-limiter.js';
import { createTransport } from '../databricks/transport.js';
import type { HttpTransport } from '../databricks/transport-types.js';
import type { ApiClient } from '../databricks/types.js';
import type { Logger } from '../log/logger.js';

/** An authenticated connection to one workspace. */
export interface Connection {
  api: ApiClient;
  tokens: TokenProvider;
  /** WAIT_TIMEOUT capped at the credential's remaining life (DESIGN §7.6). */
  defaultWaitMs: number;
}

export interface ConnectOptions {
  config: Config;
  clock: Clock;
  log: Logger;
  signal: AbortSignal;
  /** Tests and the benchmark may inject a transport; the real one otherwise. */
  transport?: HttpTransport;
  /** Entra authority override for azure-oidc (tests point it at loopback). */
  azureAuthority?: string;
}

/**
 * Returns an authenticated connection: selects the auth method, obtains the first token
 * (so a refused exchange stops the pipe before anything else) and builds the API client.
 * @throws PipeError ERR_AUTH_CONFLICT | ERR_OIDC_TOKEN_MISSING | ERR_TOKEN_EXCHANGE_REJECTED | …
 */
export async function connect(options: ConnectOptions): Promise<Connection> {
  const { config, clock, log } = options;
  const authType = selectAuth(config, log);
  const transport =
    options.transport ?? createTransport({ network: config.network, logger: log.child('http') });
  const tokens = createTokenProvider({
    config,
    authType,
    transport,
    clock,
    logger: log,
    ...(options.azureAuthority === undefined ? {} : { azureAuthority: options.azureAuthority }),
  });
  await tokens.getToken(options.signal);
  log.info(`authenticated to ${config.host} with ${authType}`);
  const rateLimiter = createRateLimiter({ clock });
  const api = createApiClient({ transport, host: config.host, tokens, clock, logger: log, rateLimiter });
  const capped = capWaitToCredential(config.waitTimeoutMs, {
    deadlineMs: tokens.credentialDeadline(),
    nowMs: clock.now(),
  });
  if (capped.note) log.info(capped.note);
  return { api, tokens, defaultWaitMs: capped.waitMs };
}

import type { Clock } from '../clock.js';
import { cancellationError } from '../databricks/api-error.js';
import type { Logger } from '../log/logger.js';
import { untilAborted } from '../util/abort.js';
import { isoTime } from './step-token.js';
import type { IssuedToken } from './token-request.js';

/** What a TokenCache needs: time, a logger and how to obtain a fresh token. */
export interface TokenCacheOptions {
  clock: Clock;
  logger: Logger;
  /** Obtains a fresh token (an exchange or a client-credentials grant). */
  fetchToken: () => Promise<IssuedToken>;
}

// Refresh when this close to expiry: min(TTL/2, 5 min), so an hour-long token is renewed
// five minutes early and a short one half-way through its life.
const MAX_REFRESH_MARGIN_MS = 5 * 60_000;
// After a failed early refresh the current token is still good; do not hammer the endpoint.
const REFRESH_RETRY_PAUSE_MS = 60_000;

/**
 * One cached bearer token: fetched on first use, refreshed before expiry, shared by
 * concurrent callers (one request in flight), and dropped by `invalidate()` after a 401.
 */
export class TokenCache {
  private current: IssuedToken | undefined;
  private inFlight: Promise<IssuedToken> | undefined;
  private pauseRefreshUntil = 0;

  constructor(private readonly options: TokenCacheOptions) {}

  /**
   * Returns a token valid now, fetching one when none is cached or the cached one is
   * within its refresh margin. A failed early refresh keeps the current token (with a warning).
   * @throws whatever `fetchToken` throws when no valid token is left; ERR_CANCELLED when
   *   `signal` aborts (the shared fetch itself carries on for other callers).
   */
  async get(signal?: AbortSignal): Promise<string> {
    if (isAborted(signal)) throw cancellationError(signal, 'token request');
    const now = this.options.clock.now();
    const cached = this.current;
    if (cached !== undefined && now < refreshAt(cached)) return cached.accessToken;
    if (cached !== undefined && now < cached.expiresAtMs && now < this.pauseRefreshUntil) {
      return cached.accessToken;
    }
    try {
      const fresh = await untilAborted(this.fetchShared(), signal, (aborted) =>
        cancellationError(aborted, 'token request'),
      );
      return fresh.accessToken;
    } catch (error) {
      const later = this.options.clock.now();
      if (isAborted(signal)) throw error;
      if (cached === undefined || later >= cached.expiresAtMs || this.current !== cached) throw error;
      this.pauseRefreshUntil = later + REFRESH_RETRY_PAUSE_MS;
      const reason = error instanceof Error ? error.message : String(error);
      this.options.logger.warn(
        `could not refresh the Databricks token (${reason}); using the current one, valid until ${isoTime(cached.expiresAtMs)}`,
      );
      return cached.accessToken;
    }
  }

  /** Forgets the cached token so the next `get` fetches a new one. */
  invalidate(): void {
    this.current = undefined;
    this.pauseRefreshUntil = 0;
  }

  // The fetch is shared by concurrent callers, so no single caller's signal may cancel it;
  // each caller stops waiting on its own signal instead (see untilAborted).
  private fetchShared(): Promise<IssuedToken> {
    if (this.inFlight === undefined) {
      this.inFlight = this.options
        .fetchToken()
        .then((token) => {
          this.current = token;
          return token;
        })
        .finally(() => {
          this.inFlight = undefined;
        });
    }
    return this.inFlight;
  }
}

function isAborted(signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true;
}

function refreshAt(token: IssuedToken): number {
  const ttl = Math.max(0, token.expiresAtMs - token.issuedAtMs);
  return token.expiresAtMs - Math.min(ttl / 2, MAX_REFRESH_MARGIN_MS);
}

import type { TokenProvider } from '../../../../src/auth/types.js';
import { createApiClient, type ApiClientOptions } from '../../../../src/databricks/api-client.js';
import { createRateLimiter } from '../../../../src/databricks/rate-limiter.js';
import { createTransport } from '../../../../src/databricks/transport.js';
import type { HttpTransport, RawRequest } from '../../../../src/databricks/transport-types.js';
import type { ApiClient } from '../../../../src/databricks/types.js';
import type { NetworkConfig } from '../../../../src/config/types.js';
import { Redactor } from '../../../../src/log/redactor.js';
import { captureLogger, type CapturedLogger } from './capture-logger.js';
import { createFakeClock, type FakeClock } from './fake-clock.js';

/** A token provider handing out `values` in turn, one per exchange; counts what it was asked. */
export interface FakeTokens extends TokenProvider {
  readonly exchanges: number;
  readonly invalidations: number;
}

export function fakeTokens(values: string[]): FakeTokens {
  let cached: string | undefined;
  let exchanges = 0;
  let invalidations = 0;
  return {
    get exchanges() {
      return exchanges;
    },
    get invalidations() {
      return invalidations;
    },
    getToken: () => {
      if (cached === undefined) {
        cached = values[Math.min(exchanges, values.length - 1)] ?? 'no-token';
        exchanges += 1;
      }
      return Promise.resolve(cached);
    },
    invalidate: () => {
      cached = undefined;
      invalidations += 1;
    },
    credentialDeadline: () => undefined,
    identity: { authType: 'pat' },
  };
}

export interface ClientFixture {
  client: ApiClient;
  clock: FakeClock;
  log: CapturedLogger;
  tokens: FakeTokens;
  /** Every request handed to the transport, with the virtual time it was sent at. */
  sent: Array<{ at: number; req: RawRequest }>;
}

export interface FixtureOptions {
  tokens?: string[];
  network?: NetworkConfig;
  timeoutMs?: number;
  retry?: ApiClientOptions['retry'];
  requestsPerSecond?: number;
  burst?: number;
  /** Retry sleeps never end by themselves (cancellation tests). */
  isClockFrozen?: boolean;
}

/**
 * Returns an API client on a real transport to `origin`, with a fake clock (retry sleeps are
 * recorded in `clock.sleeps`; the rate limiter runs on the same clock only when configured).
 */
export function clientFixture(origin: string, options: FixtureOptions = {}): ClientFixture {
  const clock = createFakeClock(undefined, { isFrozen: options.isClockFrozen ?? false });
  const log = captureLogger();
  const tokens = fakeTokens(options.tokens ?? ['token-one', 'token-two']);
  const real = createTransport({
    version: '9.9.9-test',
    network: options.network ?? {},
    logger: log.logger,
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
  });
  const sent: ClientFixture['sent'] = [];
  const transport: HttpTransport = {
    send: (req) => {
      sent.push({ at: clock.now(), req });
      return real.send(req);
    },
  };
  // Without a configured rate, the limiter gets its own clock so its waits stay out of `sleeps`.
  const limiterClock = options.requestsPerSecond === undefined ? createFakeClock() : clock;
  const rateLimiter = createRateLimiter({
    clock: limiterClock,
    ...(options.requestsPerSecond === undefined
      ? {}
      : { requestsPerSecond: options.requestsPerSecond }),
    ...(options.burst === undefined ? {} : { burst: options.burst }),
  });
  const client = createApiClient({
    transport,
    host: origin,
    tokens,
    clock,
    logger: log.logger,
    rateLimiter,
    redactor: new Redactor(),
    ...(options.retry === undefined ? {} : { retry: options.retry }),
  });
  return { client, clock, log, tokens, sent };
}

/** Returns the rejection of `promise` (fails the test when it resolves). */
export async function rejectionOf(
  promise: Promise<unknown>,
): Promise<Error & Record<string, unknown>> {
  try {
    await promise;
  } catch (error) {
    return error as Error & Record<string, unknown>;
  }
  throw new Error('expected a rejection, got a result');
}

import { PipeError } from '../../../src/errors.js';
import { TokenCache } from '../../../src/auth/token-cache.js';
import type { IssuedToken } from '../../../src/auth/token-request.js';
import { createFakeClock } from './support/fake-clock.js';
import { captureLogger } from './support/logs.js';

const MIN = 60_000;

function setup(ttlMs: number, failWith?: () => Error) {
  const clock = createFakeClock();
  const { logger, capture } = captureLogger();
  let issued = 0;
  let failing = false;
  const fetchToken = (): Promise<IssuedToken> => {
    if (failing && failWith) return Promise.reject(failWith());
    issued += 1;
    const now = clock.now();
    return Promise.resolve({
      accessToken: `token-${issued}`,
      issuedAtMs: now,
      expiresAtMs: now + ttlMs,
    });
  };
  const cache = new TokenCache({ clock, logger, fetchToken });
  return { clock, cache, capture, issuedCount: () => issued, fail: () => (failing = true) };
}

describe('TokenCache', () => {
  it.each([
    // min(TTL/2, 5 min) before expiry
    { name: '1 h token: reused at 54 min', ttlMs: 60 * MIN, atMs: 54 * MIN, isRefreshed: false },
    { name: '1 h token: refreshed at 55 min', ttlMs: 60 * MIN, atMs: 55 * MIN, isRefreshed: true },
    {
      name: '4 min token: reused at 1:59',
      ttlMs: 4 * MIN,
      atMs: 2 * MIN - 1000,
      isRefreshed: false,
    },
    {
      name: '4 min token: refreshed at half-life',
      ttlMs: 4 * MIN,
      atMs: 2 * MIN,
      isRefreshed: true,
    },
  ])('$name', async ({ ttlMs, atMs, isRefreshed }) => {
    const { clock, cache, issuedCount } = setup(ttlMs);
    expect(await cache.get()).toBe('token-1');
    clock.advance(atMs);
    expect(await cache.get()).toBe(isRefreshed ? 'token-2' : 'token-1');
    expect(issuedCount()).toBe(isRefreshed ? 2 : 1);
  });

  it('shares one fetch between concurrent callers', async () => {
    const { cache, issuedCount } = setup(60 * MIN);
    const tokens = await Promise.all([cache.get(), cache.get(), cache.get()]);
    expect(tokens).toEqual(['token-1', 'token-1', 'token-1']);
    expect(issuedCount()).toBe(1);
  });

  it('invalidate forces a new fetch', async () => {
    const { cache, issuedCount } = setup(60 * MIN);
    await cache.get();
    cache.invalidate();
    expect(await cache.get()).toBe('token-2');
    expect(issuedCount()).toBe(2);
  });

  it('keeps a still-valid token when an early refresh fails, and pauses refreshing', async () => {
    const failure = () => new PipeError('ERR_OIDC_TOKEN_EXPIRED', 'the step OIDC token expired');
    const { clock, cache, capture, fail } = setup(60 * MIN, failure);
    await cache.get();
    fail();
    clock.advance(56 * MIN);
    expect(await cache.get()).toBe('token-1');
    expect(capture.text).toContain(
      'could not refresh the Databricks token (the step OIDC token expired)',
    );
    clock.advance(MIN / 2);
    expect(await cache.get()).toBe('token-1');
    expect(capture.lines.filter((l) => l.includes('could not refresh'))).toHaveLength(1);
  });

  it.each([
    { name: 'after expiry', advanceMs: 61 * MIN },
    { name: 'after invalidate', advanceMs: 0, isInvalidated: true },
  ])(
    'throws the fetch error when no valid token is left ($name)',
    async ({ advanceMs, isInvalidated }) => {
      const { clock, cache, fail } = setup(
        60 * MIN,
        () => new PipeError('ERR_TOKEN_EXCHANGE_REJECTED', 'refused'),
      );
      await cache.get();
      fail();
      clock.advance(advanceMs);
      if (isInvalidated === true) cache.invalidate();
      await expect(cache.get()).rejects.toMatchObject({ code: 'ERR_TOKEN_EXCHANGE_REJECTED' });
    },
  );

  it("one caller's abort cancels only its own wait, not the shared fetch", async () => {
    const clock = createFakeClock();
    const { logger } = captureLogger();
    let release: (token: IssuedToken) => void = () => undefined;
    const fetchToken = (): Promise<IssuedToken> => new Promise((resolve) => (release = resolve));
    const cache = new TokenCache({ clock, logger, fetchToken });
    const controller = new AbortController();
    const aborted = cache.get(controller.signal);
    const patient = cache.get();
    controller.abort();
    await expect(aborted).rejects.toMatchObject({ code: 'ERR_CANCELLED' });
    release({ accessToken: 'shared', issuedAtMs: clock.now(), expiresAtMs: clock.now() + 60 * MIN });
    expect(await patient).toBe('shared');
  });

  it('an already-aborted signal fetches nothing', async () => {
    const { cache, issuedCount } = setup(60 * MIN);
    await expect(cache.get(AbortSignal.abort())).rejects.toMatchObject({ code: 'ERR_CANCELLED' });
    expect(issuedCount()).toBe(0);
  });
});

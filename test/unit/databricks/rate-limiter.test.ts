import {
  createRateLimiter,
  DEFAULT_BURST,
  DEFAULT_REQUESTS_PER_SECOND,
  SPACING_MARGIN_MS,
} from '../../../src/databricks/rate-limiter.js';
import { createFakeClock } from '../../integration/http/support/fake-clock.js';

/** Returns the most timestamps inside any half-open window of `windowMs`. */
function busiest(times: number[], windowMs: number): number {
  return Math.max(...times.map((t) => times.filter((u) => u >= t && u < t + windowMs).length));
}

describe('createRateLimiter', () => {
  it.each([
    {
      name: 'default 15/s, default burst',
      rate: undefined,
      burst: undefined,
      count: 100,
      maxPerSecond: 15,
    },
    { name: '15/s, burst 1', rate: 15, burst: 1, count: 100, maxPerSecond: 15 },
    { name: '2/s, burst 1', rate: 2, burst: 1, count: 10, maxPerSecond: 2 },
    { name: '50/s, burst 10', rate: 50, burst: 10, count: 300, maxPerSecond: 59 },
  ])(
    'keeps $name within the rate in every second',
    async ({ rate, burst, count, maxPerSecond }) => {
      const clock = createFakeClock(0);
      const limiter = createRateLimiter({
        clock,
        ...(rate === undefined ? {} : { requestsPerSecond: rate }),
        ...(burst === undefined ? {} : { burst }),
      });
      const times: number[] = [];
      await Promise.all(
        Array.from({ length: count }, () => limiter.acquire().then(() => times.push(clock.now()))),
      );
      expect(busiest(times, 1000)).toBeLessThanOrEqual(maxPerSecond);
      const perSecond = rate ?? DEFAULT_REQUESTS_PER_SECOND;
      // Not slower than needed either: the last request goes when the rate allows it.
      expect(Math.max(...times)).toBeLessThanOrEqual(
        Math.ceil((count - (burst ?? DEFAULT_BURST)) * (1000 / perSecond + SPACING_MARGIN_MS)) + 1,
      );
    },
  );

  it('lets a burst through at once after a quiet spell, then spaces requests', async () => {
    const clock = createFakeClock(0);
    const limiter = createRateLimiter({ clock, requestsPerSecond: 10, burst: 3 });
    await clock.sleep(5000);
    const start = clock.now();
    const times: number[] = [];
    await Promise.all(
      Array.from({ length: 5 }, () =>
        limiter.acquire().then(() => times.push(clock.now() - start)),
      ),
    );
    const slot = 100 + SPACING_MARGIN_MS;
    expect(times).toEqual([0, 0, 0, slot, 2 * slot]);
  });

  it('is shared: callers arriving later queue behind earlier reservations', async () => {
    const clock = createFakeClock(0);
    const limiter = createRateLimiter({ clock, requestsPerSecond: 10, burst: 1 });
    const times: number[] = [];
    const first = Promise.all([limiter.acquire(), limiter.acquire()]).then(() =>
      times.push(clock.now()),
    );
    const late = limiter.acquire().then(() => times.push(clock.now()));
    await Promise.all([first, late]);
    const slot = 100 + SPACING_MARGIN_MS;
    expect(times.sort((a, b) => a - b)).toEqual([slot, 2 * slot]);
  });

  it('gives the slot back when a waiting caller is cancelled', async () => {
    const clock = createFakeClock(0, { isFrozen: true });
    const limiter = createRateLimiter({ clock, requestsPerSecond: 1, burst: 1 });
    await limiter.acquire();
    const controller = new AbortController();
    const waiting = limiter.acquire(controller.signal);
    controller.abort();
    await expect(waiting).rejects.toMatchObject({ code: 'ERR_CANCELLED' });
    const slot = 1000 + SPACING_MARGIN_MS;
    expect(clock.sleeps).toEqual([slot]);
    // The cancelled reservation was returned: the next caller waits one interval, not two.
    void limiter.acquire();
    expect(clock.sleeps).toEqual([slot, slot]);
  });

  it('leaves arrival jitter room: rate + 1 requests span more than a second by 15 margins', async () => {
    const clock = createFakeClock(0);
    const limiter = createRateLimiter({ clock });
    const times: number[] = [];
    await Promise.all(
      Array.from({ length: DEFAULT_REQUESTS_PER_SECOND + 1 }, () =>
        limiter.acquire().then(() => times.push(clock.now())),
      ),
    );
    const span = Math.max(...times) - Math.min(...times);
    expect(span).toBeGreaterThanOrEqual(1000 + DEFAULT_REQUESTS_PER_SECOND * SPACING_MARGIN_MS - 1);
  });

  it.each([
    { name: 'a zero rate', requestsPerSecond: 0, burst: 1 },
    { name: 'a negative rate', requestsPerSecond: -5, burst: 1 },
    { name: 'a burst below 1', requestsPerSecond: 5, burst: 0 },
  ])('rejects $name', ({ requestsPerSecond, burst }) => {
    expect(() =>
      createRateLimiter({ clock: createFakeClock(0), requestsPerSecond, burst }),
    ).toThrow(expect.objectContaining({ code: 'ERR_INTERNAL' }));
  });
});

import { TransportError } from '../../../src/databricks/api-error.js';
import {
  API_RETRY_POLICY,
  isRetryable,
  parseRetryAfterMs,
  retryDelayMs,
  TOKEN_EXCHANGE_RETRY_POLICY,
  withRetries,
  type AttemptOutcome,
} from '../../../src/databricks/retry.js';
import type { RawResponse } from '../../../src/databricks/transport-types.js';
import { PipeError } from '../../../src/errors.js';
import { createFakeClock } from '../../integration/http/support/fake-clock.js';

const NOW = Date.UTC(2026, 0, 1, 12, 0, 0);
const status = (code: number, headers: Record<string, string> = {}): AttemptOutcome => ({
  response: { status: code, headers, body: '' },
});
const network = (
  kind: 'reset' | 'refused' | 'tls',
  isTransient: boolean,
  isUnsent: boolean,
): AttemptOutcome => ({
  error: new TransportError(kind, kind, { isTransient, isUnsent }),
});

describe('parseRetryAfterMs', () => {
  it.each([
    { name: 'absent', value: undefined, ms: undefined },
    { name: 'integer seconds', value: '2', ms: 2000 },
    { name: 'seconds with spaces', value: ' 10 ', ms: 10_000 },
    { name: 'zero', value: '0', ms: 0 },
    { name: 'an HTTP-date 5 s ahead', value: new Date(NOW + 5000).toUTCString(), ms: 5000 },
    { name: 'an HTTP-date in the past', value: new Date(NOW - 60_000).toUTCString(), ms: 0 },
    { name: 'garbage', value: 'soon', ms: undefined },
    { name: 'a negative number', value: '-3', ms: undefined },
  ])('$name → $ms', ({ value, ms }) => {
    expect(parseRetryAfterMs(value, NOW)).toBe(ms);
  });
});

describe('isRetryable', () => {
  it.each([
    { name: '429 on an unsafe request', outcome: status(429), isSafe: false, expected: true },
    { name: '503 when safe', outcome: status(503), isSafe: true, expected: true },
    { name: '503 when unsafe', outcome: status(503), isSafe: false, expected: false },
    { name: '502 when safe', outcome: status(502), isSafe: true, expected: true },
    { name: '504 when safe', outcome: status(504), isSafe: true, expected: true },
    { name: 'plain 500 even when safe', outcome: status(500), isSafe: true, expected: false },
    { name: '400', outcome: status(400), isSafe: true, expected: false },
    {
      name: '401 (handled by re-exchange, not retry)',
      outcome: status(401),
      isSafe: true,
      expected: false,
    },
    { name: '403', outcome: status(403), isSafe: true, expected: false },
    { name: '404', outcome: status(404), isSafe: true, expected: false },
    { name: '200', outcome: status(200), isSafe: true, expected: false },
    {
      name: 'a reset when safe',
      outcome: network('reset', true, false),
      isSafe: true,
      expected: true,
    },
    {
      name: 'a reset when unsafe',
      outcome: network('reset', true, false),
      isSafe: false,
      expected: false,
    },
    {
      name: 'a refused connection even when unsafe (never sent)',
      outcome: network('refused', true, true),
      isSafe: false,
      expected: true,
    },
    { name: 'a TLS failure', outcome: network('tls', false, true), isSafe: true, expected: false },
    {
      name: 'a cancellation',
      outcome: { error: new PipeError('ERR_CANCELLED', 'x') },
      isSafe: true,
      expected: false,
    },
    { name: 'a plain Error', outcome: { error: new Error('bug') }, isSafe: true, expected: false },
  ])('API policy: $name → $expected', ({ outcome, isSafe, expected }) => {
    expect(isRetryable(outcome, API_RETRY_POLICY, isSafe)).toBe(expected);
  });

  it.each([
    { name: '429', code: 429, expected: true },
    { name: '503', code: 503, expected: true },
    { name: '400 (a rejected policy)', code: 400, expected: false },
    { name: '401', code: 401, expected: false },
  ])('token exchange policy: $name → $expected', ({ code, expected }) => {
    expect(isRetryable(status(code), TOKEN_EXCHANGE_RETRY_POLICY, true)).toBe(expected);
  });
});

describe('retryDelayMs', () => {
  it.each([
    { name: 'Retry-After on a 429', outcome: status(429, { 'retry-after': '7' }), ms: 7000 },
    { name: 'Retry-After on a 503', outcome: status(503, { 'retry-after': '3' }), ms: 3000 },
    {
      name: 'Retry-After ignored on a 502',
      outcome: status(502, { 'retry-after': '30' }),
      ms: 499,
    },
    { name: 'a 429 without Retry-After backs off', outcome: status(429), ms: 499 },
  ])('$name', ({ outcome, ms }) => {
    const clock = createFakeClock(NOW);
    clock.setRandom(0.999);
    expect(retryDelayMs(outcome, 1, API_RETRY_POLICY, clock)).toBe(ms);
  });

  it.each([
    {
      name: 'near-1 random: the doubling ceiling, capped at 10 s',
      random: 0.999,
      delays: [499, 999, 1998, 3996, 7992, 9990, 9990],
    },
    { name: 'zero random: no wait at all (full jitter)', random: 0, delays: [0, 0, 0, 0, 0, 0, 0] },
    {
      name: 'half: half the ceiling',
      random: 0.5,
      delays: [250, 500, 1000, 2000, 4000, 5000, 5000],
    },
  ])('full jitter: $name', ({ random, delays }) => {
    const clock = createFakeClock(NOW);
    clock.setRandom(random);
    const actual = delays.map((_d, i) => retryDelayMs(status(503), i + 1, API_RETRY_POLICY, clock));
    expect(actual).toEqual(delays);
  });
});

describe('withRetries', () => {
  const responses = (codes: number[]): (() => Promise<RawResponse>) => {
    let index = 0;
    return () => {
      const code = codes[Math.min(index, codes.length - 1)] ?? 200;
      index += 1;
      return Promise.resolve({ status: code, headers: {}, body: '' });
    };
  };

  it('retries until a final outcome, reporting each wait', async () => {
    const clock = createFakeClock(NOW);
    const waits: number[] = [];
    const result = await withRetries(responses([503, 503, 200]), {
      policy: API_RETRY_POLICY,
      isSafeToRepeat: true,
      clock,
      label: 'GET /p',
      onRetry: ({ delayMs }) => waits.push(delayMs),
    });
    expect(result).toMatchObject({
      attempts: 3,
      isExhausted: false,
      outcome: { response: { status: 200 } },
    });
    expect(waits).toEqual(clock.sleeps);
    expect(result.elapsedMs).toBe(waits.reduce((a, b) => a + b, 0));
  });

  it('stops before a wait that would pass the budget', async () => {
    const clock = createFakeClock(NOW);
    clock.setRandom(0.999);
    const result = await withRetries(responses([503]), {
      policy: { ...API_RETRY_POLICY, budgetMs: 4000 },
      isSafeToRepeat: true,
      clock,
      label: 'GET /p',
    });
    // 499 + 999 + 1998 = 3496; the next wait (3996) would end past 4000.
    expect(result).toMatchObject({ attempts: 4, isExhausted: true, elapsedMs: 3496 });
  });

  it('returns a non-retryable outcome at once', async () => {
    const clock = createFakeClock(NOW);
    const result = await withRetries(responses([400]), {
      policy: API_RETRY_POLICY,
      isSafeToRepeat: true,
      clock,
      label: 'x',
    });
    expect(result).toMatchObject({ attempts: 1, isExhausted: false });
    expect(clock.sleeps).toEqual([]);
  });

  it('turns an abort during a wait into ERR_CANCELLED', async () => {
    const clock = createFakeClock(NOW, { isFrozen: true });
    const controller = new AbortController();
    const pending = withRetries(responses([429]), {
      policy: API_RETRY_POLICY,
      isSafeToRepeat: false,
      clock,
      label: 'POST /p',
      signal: controller.signal,
    });
    await new Promise((resolve) => setImmediate(resolve));
    controller.abort();
    await expect(pending).rejects.toMatchObject({
      code: 'ERR_CANCELLED',
      message: 'POST /p cancelled',
    });
  });
});

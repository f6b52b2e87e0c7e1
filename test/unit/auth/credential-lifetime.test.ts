import {
  capWaitToCredential,
  credentialLifetimeWarning,
  formatDuration,
} from '../../../src/auth/credential-lifetime.js';

const NOW = Date.UTC(2026, 0, 15, 10, 0, 0);
const MIN = 60_000;

describe('capWaitToCredential', () => {
  it.each([
    {
      name: 'unbounded credential',
      wait: 120 * MIN,
      deadline: undefined,
      expected: 120 * MIN,
      isCapped: false,
    },
    {
      name: 'wait fits',
      wait: 20 * MIN,
      deadline: NOW + 60 * MIN,
      expected: 20 * MIN,
      isCapped: false,
    },
    {
      name: 'capped at life minus 2 min',
      wait: 60 * MIN,
      deadline: NOW + 45 * MIN,
      expected: 43 * MIN,
      isCapped: true,
    },
    {
      name: 'nearly expired → zero',
      wait: 60 * MIN,
      deadline: NOW + MIN,
      expected: 0,
      isCapped: true,
    },
  ])('$name', ({ wait, deadline, expected, isCapped }) => {
    const capped = capWaitToCredential(wait, { deadlineMs: deadline, nowMs: NOW });
    expect(capped.waitMs).toBe(expected);
    expect(capped.note !== undefined).toBe(isCapped);
    if (isCapped) expect(capped.note).toContain('2026-01-15T');
  });
});

describe('credentialLifetimeWarning', () => {
  it.each([
    { name: 'unbounded', wait: 600 * MIN, deadline: undefined, isWarned: false },
    { name: 'ends well before expiry', wait: 30 * MIN, deadline: NOW + 60 * MIN, isWarned: false },
    {
      name: 'ends inside the safety margin',
      wait: 59 * MIN,
      deadline: NOW + 60 * MIN,
      isWarned: true,
    },
    { name: 'outlives the token', wait: 120 * MIN, deadline: NOW + 60 * MIN, isWarned: true },
  ])('$name', ({ wait, deadline, isWarned }) => {
    const warning = credentialLifetimeWarning(
      wait,
      { deadlineMs: deadline, nowMs: NOW },
      'run_job train',
    );
    expect(warning !== undefined).toBe(isWarned);
    if (warning === undefined || deadline === undefined) return;
    // Both times: when the wait could end and when the step token expires.
    expect(warning).toContain(new Date(NOW + wait).toISOString().replace('.000', ''));
    expect(warning).toContain(new Date(deadline).toISOString().replace('.000', ''));
    expect(warning).toContain('run_job train');
  });
});

describe('formatDuration', () => {
  it.each([
    { ms: 0, text: '0s' },
    { ms: 45_000, text: '45s' },
    { ms: 20 * MIN, text: '20m' },
    { ms: 65 * MIN + 5000, text: '1h 5m 5s' },
    { ms: 120 * MIN, text: '2h' },
  ])('$ms ms → $text', ({ ms, text }) => {
    expect(formatDuration(ms)).toBe(text);
  });
});

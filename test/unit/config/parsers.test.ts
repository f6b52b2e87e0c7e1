import fc from 'fast-check';
import { isLoopbackHost, parseHost } from '../../../src/config/host.js';
import { formatDuration, parseBoolean, parseDuration, quote } from '../../../src/config/parsers.js';
import { closestMatch, distanceUpToOne, editDistance } from '../../../src/config/suggest.js';

describe('parseBoolean', () => {
  it.each([
    { name: 'true', text: 'true', value: true },
    { name: 'TRUE', text: 'TRUE', value: true },
    { name: 'Yes', text: 'Yes', value: true },
    { name: '1', text: '1', value: true },
    { name: 'false', text: 'False', value: false },
    { name: 'no', text: 'no', value: false },
    { name: '0 with spaces', text: ' 0 ', value: false },
  ])('$name', ({ text, value }) => {
    expect(parseBoolean(text)).toEqual({ ok: true, value });
  });

  it.each(['', 'on', 'off', 'y', 'n', '2', 'truee'])('refuses %p', (text) => {
    expect(parseBoolean(text).ok).toBe(false);
  });
});

describe('parseDuration and formatDuration', () => {
  it.each([
    { name: 'seconds', text: '45s', ms: 45_000, formatted: '45s' },
    { name: 'minutes', text: '20m', ms: 1_200_000, formatted: '20m' },
    { name: 'hours and minutes', text: '1h30m', ms: 5_400_000, formatted: '1h30m' },
    { name: 'all three units', text: '1h2m3s', ms: 3_723_000, formatted: '1h2m3s' },
    { name: 'plain seconds', text: '3600', ms: 3_600_000, formatted: '1h' },
    { name: 'upper-case units', text: '2H', ms: 7_200_000, formatted: '2h' },
    { name: 'over-full minutes', text: '90m', ms: 5_400_000, formatted: '1h30m' },
  ])('$name: $text', ({ text, ms, formatted }) => {
    expect(parseDuration(text)).toEqual({ ok: true, value: ms });
    expect(formatDuration(ms)).toBe(formatted);
  });

  it.each(['', ' ', '1d', '1.5h', 'PT1H', '1h 30m', 'm', '-1s', '30m1h', '0', '0h0m', '172801'])(
    'refuses %p',
    (text) => {
      expect(parseDuration(text).ok).toBe(false);
    },
  );

  it('formats zero as 0s', () => {
    expect(formatDuration(0)).toBe('0s');
  });
});

describe('parseHost', () => {
  it.each([
    {
      name: 'a bare https host',
      text: 'https://dbc-1.cloud.databricks.com',
      origin: 'https://dbc-1.cloud.databricks.com',
    },
    {
      name: 'an Azure host with ?o=',
      text: 'https://adb-1.2.azuredatabricks.net/?o=1',
      origin: 'https://adb-1.2.azuredatabricks.net',
      dropped: '?o=1',
    },
    {
      name: 'an IPv6 loopback host over http',
      text: 'http://[::1]:8080/',
      origin: 'http://[::1]:8080',
    },
    { name: 'a short IPv4 loopback form', text: 'http://127.1:80', origin: 'http://127.0.0.1' },
  ])('$name', ({ text, origin, dropped }) => {
    expect(parseHost(text)).toEqual({
      ok: true,
      value: dropped === undefined ? { origin } : { origin, dropped },
    });
  });

  it.each([
    {
      name: 'no scheme',
      text: 'dbc-1.cloud.databricks.com',
      problem: "'dbc-1.cloud.databricks.com' has no scheme; use https://dbc-1.cloud.databricks.com",
    },
    {
      name: 'an empty value',
      text: '',
      problem: "'' is not a URL; use e.g. https://dbc-1234abcd-5678.cloud.databricks.com",
    },
    {
      name: 'user info without a scheme',
      text: 'me:pw@dbc-1.example.com',
      problem: '(value hidden) contains a user name or password; use the workspace URL alone',
    },
  ])('refuses $name', ({ text, problem }) => {
    expect(parseHost(text)).toEqual({ ok: false, problem });
  });

  it.each([
    { hostname: 'localhost', isLoopback: true },
    { hostname: 'LOCALHOST', isLoopback: true },
    { hostname: '127.255.0.1', isLoopback: true },
    { hostname: '[::1]', isLoopback: true },
    { hostname: '127.0.0.1.example.com', isLoopback: false },
    { hostname: '10.0.0.1', isLoopback: false },
    { hostname: '[::2]', isLoopback: false },
    { hostname: 'localhost.localdomain', isLoopback: false },
  ])('isLoopbackHost($hostname) is $isLoopback', ({ hostname, isLoopback }) => {
    expect(isLoopbackHost(hostname)).toBe(isLoopback);
  });
});

describe('quote', () => {
  it('escapes line breaks and control characters so a problem stays on one line', () => {
    expect(quote('a\nb\tc')).toBe("'a\\nb\\u0009c'");
  });

  it('shortens long values', () => {
    expect(quote('x'.repeat(200))).toBe(`'${'x'.repeat(80)}…'`);
  });
});

describe('closestMatch and editDistance', () => {
  it.each([
    { name: 'identical', a: 'HOST', b: 'HOST', distance: 0 },
    { name: 'one substitution', a: 'HOST', b: 'HOSE', distance: 1 },
    { name: 'adjacent swap counts once', a: 'HOTS', b: 'HOST', distance: 1 },
    { name: 'insertion', a: 'DRYRUN', b: 'DRY_RUN', distance: 1 },
    { name: 'empty', a: '', b: 'abc', distance: 3 },
  ])('editDistance: $name', ({ a, b, distance }) => {
    expect(editDistance(a, b)).toBe(distance);
    expect(editDistance(b, a)).toBe(distance);
  });

  it('returns the closest candidate within the edit limit', () => {
    expect(closestMatch('DATABRICKS_TOKN', ['DATABRICKS_HOST', 'DATABRICKS_TOKEN'])).toBe(
      'DATABRICKS_TOKEN',
    );
    expect(closestMatch('oidc', ['bitbucket-oidc', 'pat'])).toBeUndefined();
    expect(closestMatch('DEBUGGER', ['DEBUG'], 1)).toBeUndefined();
  });

  it('with a limit, agrees with the full distance up to limit + 1', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 12, unit: fc.constantFrom('A', 'B', 'C', '_') }),
        fc.string({ maxLength: 12, unit: fc.constantFrom('A', 'B', 'C', '_') }),
        fc.nat(5),
        (a, b, limit) => {
          expect(editDistance(a, b, limit)).toBe(Math.min(editDistance(a, b), limit + 1));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('equals the textbook optimal-string-alignment distance', () => {
    // The recurrence as written down, unoptimised: a full table.
    const reference = (a: string, b: string): number => {
      const d = Array.from({ length: a.length + 1 }, (_, i) =>
        Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
      );
      for (let i = 1; i <= a.length; i++) {
        for (let j = 1; j <= b.length; j++) {
          const cost = a[i - 1] === b[j - 1] ? 0 : 1;
          let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
          if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
            best = Math.min(best, d[i - 2]![j - 2]! + 1);
          }
          d[i]![j] = best;
        }
      }
      return d[a.length]![b.length]!;
    };
    fc.assert(
      fc.property(
        fc.string({ maxLength: 12, unit: fc.constantFrom('A', 'B', 'C', '_') }),
        fc.string({ maxLength: 12, unit: fc.constantFrom('A', 'B', 'C', '_') }),
        (a, b) => {
          expect(editDistance(a, b)).toBe(reference(a, b));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('distanceUpToOne equals editDistance up to 2', () => {
    const text = fc.string({ maxLength: 8, unit: fc.constantFrom('A', 'B', 'C', '_') });
    fc.assert(
      fc.property(text, text, (a, b) => {
        expect(distanceUpToOne(a, b)).toBe(Math.min(editDistance(a, b), 2));
      }),
      { numRuns: 5000 },
    );
    expect(distanceUpToOne('dry_run', 'dryrun')).toBe(1);
    expect(distanceUpToOne('DEUBG', 'DEBUG')).toBe(1);
    expect(distanceUpToOne('DEBGU', 'DEBUG')).toBe(1);
    expect(distanceUpToOne('DBEUG', 'DEBUG')).toBe(1);
    expect(distanceUpToOne('EDBGU', 'DEBUG')).toBe(2);
  });

  it('never suggests for a short word more than one edit away', () => {
    expect(closestMatch('ab', ['xy'])).toBeUndefined();
  });
});

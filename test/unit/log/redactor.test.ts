import fc from 'fast-check';
import { Redactor } from '../../../src/log/redactor.js';

const JWT =
  'eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiJodHRwczovL2V4YW1wbGUifQ.c2lnbmF0dXJlLXBhcnQtaGVyZQ';

describe('Redactor', () => {
  it.each([
    { name: 'registered secret', input: 'token is canary-secret-123 ok', expected: 'token is *** ok' },
    { name: 'url-encoded secret', input: 'x=canary%2Fslash%3D', expected: 'x=***' },
    { name: 'any JWT', input: `got ${JWT}.`, expected: 'got ***.' },
    { name: 'PAT shape', input: 'dapi0123456789abcdef0123456789abcdef', expected: '***' },
    { name: 'bearer header', input: 'Authorization: Bearer abcdefghijkl', expected: 'Authorization: Bearer ***' },
    { name: 'basic header', input: 'Basic Y2xpZW50OnNlY3JldA==', expected: 'Basic ***' },
    { name: 'plain text untouched', input: 'run 42 finished', expected: 'run 42 finished' },
  ])('masks $name', ({ input, expected }) => {
    const redactor = new Redactor();
    redactor.register('canary-secret-123');
    redactor.register('canary/slash=');
    expect(redactor.redact(input)).toBe(expected);
  });

  it('masks the longest secret first when one contains another', () => {
    const redactor = new Redactor();
    redactor.register('abcd');
    redactor.register('abcdefgh');
    expect(redactor.redact('abcdefgh')).toBe('***');
  });

  it('ignores values too short to be secrets', () => {
    const redactor = new Redactor();
    redactor.register('ab');
    expect(redactor.redact('abc')).toBe('abc');
  });

  it('masks secret-named keys and secret values deep in structures', () => {
    const redactor = new Redactor();
    redactor.register('canary-secret-123');
    const input = {
      headers: { Authorization: 'Bearer zzz', 'content-type': 'json' },
      form: { subject_token: 'x', client_secret: 'y', subject_token_type: 'jwt' },
      identity: { subject_token_expires_at: '2026-11-29T12:00:00Z', access_token: 'z' },
      idempotency_token: 'abc',
      nested: [{ note: 'has canary-secret-123 inside' }],
    };
    expect(redactor.redactDeep(input)).toEqual({
      headers: { Authorization: '***', 'content-type': 'json' },
      form: { subject_token: '***', client_secret: '***', subject_token_type: 'jwt' },
      identity: { subject_token_expires_at: '2026-11-29T12:00:00Z', access_token: '***' },
      idempotency_token: 'abc',
      nested: [{ note: 'has *** inside' }],
    });
    expect(input.form.client_secret).toBe('y');
  });

  it('survives circular structures', () => {
    const redactor = new Redactor();
    const a: Record<string, unknown> = { name: 'a' };
    a['self'] = a;
    expect(redactor.redactDeep(a)).toEqual({ name: 'a', self: '[circular]' });
  });

  describe('isSecretKey', () => {
    // The rule as it was first written, as regular expressions: the substring tests that
    // replaced them at start-up (issue #9) must judge every key the same way.
    const SECRET = /authorization|token|secret|password|passwd|cookie|assertion|credential|api[-_]?key/;
    const NOT_SECRET_SUFFIX = /(?:_type|_expires_at|_expires_in|ExpiresAt)$/;
    const NOT_SECRET = new Set(['idempotency_token', 'idempotencyToken', 'token_type', 'page_token', 'next_page_token', 'prev_page_token', 'subject_token_type', 'expires_in']);
    const oracle = (key: string): boolean =>
      !NOT_SECRET.has(key) && !NOT_SECRET_SUFFIX.test(key) && SECRET.test(key.toLowerCase());

    it.each([
      ['DATABRICKS_TOKEN', true],
      ['X_API-KEY', true],
      ['myApiKey', true],
      ['api.key', false],
      ['token_type', false],
      ['ACCESS_TOKEN_EXPIRES_AT', true],
      ['access_token_expires_at', false],
      ['tokenExpiresAt', false],
      ['Cookie', true],
      ['BITBUCKET_BRANCH', false],
    ])('judges %s as secret: %s', (key, secret) => {
      expect(new Redactor().isSecretKey(key)).toBe(secret);
      expect(oracle(key)).toBe(secret);
    });

    it('agrees with the regular-expression rule on generated keys', () => {
      const pieces = ['token', 'TOKEN', 'Secret', 'api', '-', '_', 'key', 'KEY', 'pass', 'wd', 'word',
        'cookie', 'assertion', 'credential', 'authorization', '_type', '_expires_at', '_expires_in',
        'ExpiresAt', 'expires', 'id', 'x', 'page', 'idempotency', 'Token'];
      const key = fc.oneof(
        fc.array(fc.constantFrom(...pieces), { maxLength: 6 }).map((parts) => parts.join('')),
        fc.string({ maxLength: 20 }),
      );
      fc.assert(
        fc.property(key, (k) => {
          expect(new Redactor().isSecretKey(k)).toBe(oracle(k));
        }),
        { numRuns: 5000 },
      );
    });
  });
});


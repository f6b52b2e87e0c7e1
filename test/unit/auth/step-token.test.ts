import { Redactor } from '../../../src/log/redactor.js';
import { isPipeError } from '../../../src/errors.js';
import {
  assertStepTokenFresh,
  claimsForLog,
  decodeStepToken,
} from '../../../src/auth/step-token.js';
import { ENVIRONMENT_UUID, REPOSITORY_UUID, mintStepToken } from './support/step-tokens.js';

const NOW = Date.UTC(2026, 0, 15, 10, 0, 0);

describe('decodeStepToken', () => {
  it('returns the claims a policy matches on, braces kept, and registers the token', async () => {
    const token = await mintStepToken(NOW, { deploymentEnvironmentUuid: ENVIRONMENT_UUID });
    const redactor = new Redactor();
    const claims = decodeStepToken(token, redactor);
    expect(claims).toMatchObject({
      repositoryUuid: REPOSITORY_UUID,
      deploymentEnvironmentUuid: ENVIRONMENT_UUID,
      branchName: 'main',
      exp: Math.floor(NOW / 1000) + 3600,
    });
    expect(redactor.redact(`x ${token} y`)).toBe('x *** y');
  });

  it.each([
    { name: 'string audience', aud: 'one', expected: 'one' },
    { name: 'audience list', aud: ['one', 'two'], expected: ['one', 'two'] },
    { name: 'non-string audiences dropped', aud: ['one', 7], expected: ['one'] },
  ])('keeps $name', async ({ aud, expected }) => {
    const claims = decodeStepToken(await mintStepToken(NOW, { aud }), new Redactor());
    expect(claims.aud).toEqual(expected);
  });

  it.each([
    { name: 'not a JWT', token: 'not-a-jwt-at-all' },
    { name: 'garbage payload', token: 'eyJhbGciOiJIUzI1NiJ9.bm90IGpzb24.c2ln' },
  ])('rejects $name as ERR_OIDC_TOKEN_INVALID without quoting it', ({ token }) => {
    let error: unknown;
    try {
      decodeStepToken(token, new Redactor());
    } catch (e) {
      error = e;
    }
    expect(isPipeError(error, 'ERR_OIDC_TOKEN_INVALID')).toBe(true);
    expect((error as Error).message).not.toContain(token);
    expect((error as Error).cause).toBeUndefined();
  });

  it('rejects a token without exp', async () => {
    const token = await mintStepToken(NOW, { exp: undefined });
    expect(() => decodeStepToken(token, new Redactor())).toThrow(
      expect.objectContaining({ code: 'ERR_OIDC_TOKEN_INVALID' }),
    );
  });
});

describe('assertStepTokenFresh', () => {
  const exp = Math.floor(NOW / 1000) + 60;
  it.each([
    { name: 'one second before exp', nowMs: exp * 1000 - 1000, isExpired: false },
    { name: 'exactly at exp', nowMs: exp * 1000, isExpired: true },
    { name: 'an hour after exp', nowMs: exp * 1000 + 3_600_000, isExpired: true },
  ])('$name', ({ nowMs, isExpired }) => {
    const check = (): void => assertStepTokenFresh({ exp }, nowMs);
    if (!isExpired) {
      expect(check).not.toThrow();
      return;
    }
    expect(check).toThrow(expect.objectContaining({ code: 'ERR_OIDC_TOKEN_EXPIRED' }));
    // Both times, so a user can see the skew or the length of the step.
    expect(check).toThrow(new Date(exp * 1000).toISOString().replace('.000', ''));
    expect(check).toThrow(new Date(nowMs).toISOString().replace('.000', ''));
  });
});

describe('claimsForLog', () => {
  it('shows the policy claims and never sub or the token', async () => {
    const token = await mintStepToken(NOW);
    const shown = claimsForLog(decodeStepToken(token, new Redactor()));
    expect(Object.keys(shown).sort()).toEqual([
      'aud',
      'branchName',
      'expires',
      'iss',
      'repositoryUuid',
    ]);
    expect(JSON.stringify(shown)).not.toContain(token);
  });
});

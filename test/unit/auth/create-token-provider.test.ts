import type { AuthType } from '../../../src/config/types.js';
import type { HttpTransport } from '../../../src/databricks/transport-types.js';
import { createTokenProvider, type AuthConfig } from '../../../src/auth/create-token-provider.js';
import { Redactor } from '../../../src/log/redactor.js';
import { createFakeClock } from './support/fake-clock.js';
import { captureLogger } from './support/logs.js';
import { mintStepToken } from './support/step-tokens.js';

// Creation makes no network call; a transport that throws proves it.
const noNetwork: HttpTransport = {
  send: () => Promise.reject(new Error('no network expected at creation')),
};

function create(authType: AuthType, config: Partial<AuthConfig>) {
  const clock = createFakeClock();
  const redactor = new Redactor();
  const { logger, capture } = captureLogger(redactor);
  const provider = createTokenProvider({
    config: { host: 'https://dbc-1.cloud.databricks.com', ...config },
    authType,
    transport: noNetwork,
    clock,
    logger,
    redactor,
  });
  return { provider, capture, redactor, clock };
}

describe('createTokenProvider', () => {
  it('pat: returns the token as given, registered, with a warning recommending OIDC', async () => {
    const { provider, capture, redactor } = create('pat', {
      token: 'dapi-personal-0123456789abcdef',
    });
    expect(await provider.getToken()).toBe('dapi-personal-0123456789abcdef');
    provider.invalidate();
    expect(await provider.getToken()).toBe('dapi-personal-0123456789abcdef');
    expect(provider.credentialDeadline()).toBeUndefined();
    expect(redactor.redact('dapi-personal-0123456789abcdef')).toBe('***');
    expect(capture.lines.find((l) => l.startsWith('WARNING: [auth]'))).toContain(
      'prefer bitbucket-oidc',
    );
  });

  it.each([
    { name: 'bitbucket-oidc', authType: 'bitbucket-oidc' as const, deadline: true },
    { name: 'azure-oidc', authType: 'azure-oidc' as const, deadline: true },
    { name: 'oauth-m2m', authType: 'oauth-m2m' as const, deadline: false },
  ])(
    '$name: built without a network call, step claims logged at info',
    async ({ authType, deadline }) => {
      const clock = createFakeClock();
      const oidcToken = await mintStepToken(clock.now());
      const { provider, capture } = create(authType, {
        oidcToken,
        clientId: 'sp',
        clientSecret: 'shh-secret',
        azureClientId: 'az',
        azureTenantId: 'tenant',
      });
      expect(provider.identity.authType).toBe(authType);
      expect(provider.credentialDeadline() !== undefined).toBe(deadline);
      if (deadline) expect(capture.text).toContain('[auth] step OIDC token claims');
    },
  );

  it.each([
    {
      name: 'invalid step token',
      authType: 'bitbucket-oidc' as const,
      config: { oidcToken: 'garbage' },
      code: 'ERR_OIDC_TOKEN_INVALID',
    },
    {
      name: 'missing secret',
      authType: 'oauth-m2m' as const,
      config: { clientId: 'sp' },
      code: 'ERR_CONFIG_INVALID',
    },
    {
      name: 'missing tenant',
      authType: 'azure-oidc' as const,
      config: { azureClientId: 'az', oidcToken: 'x' },
      code: 'ERR_CONFIG_INVALID',
    },
  ])('$name → $code', ({ authType, config, code }) => {
    expect(() => create(authType, config)).toThrow(expect.objectContaining({ code }));
  });
});

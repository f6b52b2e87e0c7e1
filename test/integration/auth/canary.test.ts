import { createTokenProvider, type AuthConfig } from '../../../src/auth/create-token-provider.js';
import type { AuthType } from '../../../src/config/types.js';
import { PipeError } from '../../../src/errors.js';
import { Redactor } from '../../../src/log/redactor.js';
import { createFakeClock } from '../../unit/auth/support/fake-clock.js';
import { captureLogger } from '../../unit/auth/support/logs.js';
import { mintStepToken } from '../../unit/auth/support/step-tokens.js';
import { byPath, inSequence, startLoopbackServer, type LoopbackServer, type Reply } from './support/loopback-server.js';
import { testTransport } from './support/transport.js';

// Canary: the logger here masks NOTHING, so any secret the auth code hands it shows up.
const JWT_SHAPE = /eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\./;
const SECRET = 'canary-client-secret-7d1f';
const PAT = 'canary-personal-token-93ab';
const ACCESS = ['canary-access-1', 'canary-access-2'];
const ok = (i: number): Reply => ({ status: 200, body: { access_token: ACCESS[i], expires_in: 3600 } });
const REFUSED: Reply = { status: 401, body: { error: 'invalid_client', error_description: 'no matching policy' } };

let server: LoopbackServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

function errorText(error: unknown): string {
  if (!(error instanceof PipeError)) return String(error);
  return JSON.stringify({ m: error.message, d: error.details, h: error.hint, a: error.api });
}

const flows: { name: string; authType: AuthType; replies: Reply[]; isRefused: boolean }[] = [
  { name: 'bitbucket-oidc: retry, exchange, refresh', authType: 'bitbucket-oidc', replies: [{ status: 503 }, ok(0), ok(1)], isRefused: false },
  { name: 'bitbucket-oidc: refusal', authType: 'bitbucket-oidc', replies: [REFUSED], isRefused: true },
  { name: 'oauth-m2m: grant and refresh', authType: 'oauth-m2m', replies: [ok(0), ok(1)], isRefused: false },
  { name: 'oauth-m2m: refusal', authType: 'oauth-m2m', replies: [REFUSED], isRefused: true },
  { name: 'azure-oidc: grant and refresh', authType: 'azure-oidc', replies: [ok(0), ok(1)], isRefused: false },
  { name: 'azure-oidc: refusal', authType: 'azure-oidc', replies: [{ status: 400, body: { error: 'invalid_client', error_codes: [70021] } }], isRefused: true },
  { name: 'pat', authType: 'pat', replies: [], isRefused: false },
];

describe('canary: no secret in debug output or errors', () => {
  it.each(flows)('$name', async ({ authType, replies, isRefused }) => {
    const tokenReply = inSequence(replies.length > 0 ? replies : [ok(0)]);
    server = await startLoopbackServer(
      byPath({ '/oidc/v1/token': tokenReply, '/tenant/oauth2/v2.0/token': tokenReply }),
    );
    const clock = createFakeClock();
    const stepToken = await mintStepToken(clock.now());
    const { logger, capture } = captureLogger();
    const config: AuthConfig = {
      host: server.url,
      oidcToken: stepToken,
      clientId: 'sp-app',
      ...(authType === 'oauth-m2m' ? { clientSecret: SECRET } : {}),
      ...(authType === 'pat' ? { token: PAT } : {}),
      ...(authType === 'azure-oidc' ? { azureClientId: 'az-app', azureTenantId: 'tenant' } : {}),
    };
    const provider = createTokenProvider({
      config,
      authType,
      transport: testTransport(logger),
      clock,
      logger,
      redactor: new Redactor(),
      azureAuthority: server.url,
    });
    const seen: string[] = [];
    try {
      seen.push(await provider.getToken());
      clock.advance(56 * 60_000);
      seen.push(await provider.getToken());
      expect(isRefused).toBe(false);
    } catch (error) {
      expect(isRefused).toBe(true);
      seen.push(errorText(error));
    }
    const secrets = [stepToken, SECRET, PAT, ...ACCESS, Buffer.from(`sp-app:${SECRET}`).toString('base64')];
    const output = capture.text;
    expect(output.length).toBeGreaterThan(0);
    for (const secret of secrets) expect(output).not.toContain(secret);
    expect(output).not.toMatch(JWT_SHAPE);
    if (isRefused) {
      for (const secret of secrets) expect(seen.join('\n')).not.toContain(secret);
      expect(seen.join('\n')).not.toMatch(JWT_SHAPE);
    }
  });
});

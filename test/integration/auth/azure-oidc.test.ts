import { AZURE_DATABRICKS_SCOPE, createAzureOidcProvider } from '../../../src/auth/azure-oidc.js';
import { Redactor } from '../../../src/log/redactor.js';
import { createFakeClock } from '../../unit/auth/support/fake-clock.js';
import { captureLogger } from '../../unit/auth/support/logs.js';
import { mintStepToken } from '../../unit/auth/support/step-tokens.js';
import { byPath, inSequence, startLoopbackServer, type LoopbackServer, type Reply } from './support/loopback-server.js';
import { testTransport } from './support/transport.js';

const TENANT = 'contoso.onmicrosoft.com';
const APP = '5e6f7a8b-0000-4c1d-9e2f-112233445566';
const PATH = `/${TENANT}/oauth2/v2.0/token`;

let server: LoopbackServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function harness(replies: Reply[], claims: Record<string, unknown> = {}) {
  server = await startLoopbackServer(byPath({ [PATH]: inSequence(replies) }));
  const clock = createFakeClock();
  const stepToken = await mintStepToken(clock.now(), claims);
  const redactor = new Redactor();
  const { logger, capture } = captureLogger(redactor);
  const provider = createAzureOidcProvider({
    tenantId: TENANT,
    clientId: APP,
    stepToken,
    authority: `${server.url}/`,
    transport: testTransport(logger),
    clock,
    logger,
    redactor,
  });
  return { provider, clock, capture, stepToken, server };
}

describe('azure-oidc', () => {
  it('presents the step token as a jwt-bearer client assertion for the Azure Databricks scope', async () => {
    const h = await harness([{ status: 200, body: { access_token: 'entra-access-1', expires_in: '3599', token_type: 'Bearer' } }]);
    expect(await h.provider.getToken()).toBe('entra-access-1');
    const [request] = h.server.to(PATH);
    expect(request?.headers.authorization).toBeUndefined();
    expect(request?.form).toEqual({
      client_id: APP,
      scope: AZURE_DATABRICKS_SCOPE,
      grant_type: 'client_credentials',
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: h.stepToken,
    });
    expect(h.provider.credentialDeadline()).toBe(h.clock.now() + 3_600_000);
    expect(h.provider.identity).toMatchObject({ authType: 'azure-oidc', clientId: APP });
  });

  it('explains AADSTS70021 with the token values and does not retry', async () => {
    const body = {
      error: 'invalid_request',
      error_description: 'AADSTS70021: No matching federated identity record found for presented assertion. Trace ID: x',
      error_codes: [70021],
    };
    const h = await harness([{ status: 400, body }]);
    const error: unknown = await h.provider.getToken().catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ERR_TOKEN_EXCHANGE_REJECTED' });
    expect((error as Error).message).toContain('most likely field: audience');
    expect((error as Error).message).toContain('api://AzureADTokenExchange');
    expect(h.server.to(PATH)).toHaveLength(1);
    expect(h.clock.sleeps).toEqual([]);
  });

  it('an expired step token fails before calling Entra', async () => {
    const clock = createFakeClock();
    const h = await harness([{ status: 200, body: { access_token: 'x' } }], { exp: Math.floor(clock.now() / 1000) - 1 });
    await expect(h.provider.getToken()).rejects.toMatchObject({ code: 'ERR_OIDC_TOKEN_EXPIRED' });
    expect(h.server.requests).toHaveLength(0);
  });

  it('retries a 503 from Entra', async () => {
    const h = await harness([{ status: 503 }, { status: 200, body: { access_token: 'entra-2', expires_in: 3600 } }]);
    expect(await h.provider.getToken()).toBe('entra-2');
    expect(h.server.to(PATH)).toHaveLength(2);
  });
});

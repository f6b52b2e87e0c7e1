import { SignJWT, decodeJwt, generateKeyPair } from 'jose';

describe('toolchain', () => {
  it('loads jose 6 (ESM-only) natively under Jest', async () => {
    const { privateKey } = await generateKeyPair('RS256');
    const jwt = await new SignJWT({ repositoryUuid: '{r}' })
      .setProtectedHeader({ alg: 'RS256' })
      .setIssuer('https://issuer.example')
      .sign(privateKey);
    expect(decodeJwt(jwt)).toMatchObject({ iss: 'https://issuer.example', repositoryUuid: '{r}' });
  });
});

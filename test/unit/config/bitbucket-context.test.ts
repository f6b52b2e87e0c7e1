import {
  BITBUCKET_VARIABLES,
  readBitbucketContext,
  readNetworkConfig,
} from '../../../src/config/bitbucket-context.js';
import { Redactor } from '../../../src/log/redactor.js';
import { BASE, load } from './support.js';

describe('readBitbucketContext', () => {
  it('maps every Bitbucket default variable onto its field', () => {
    const env = Object.fromEntries(
      Object.values(BITBUCKET_VARIABLES).map((name) => [name, `value of ${name}`]),
    );
    const { bitbucket } = load({ ...BASE, ...env, BITBUCKET_CLONE_DIR: '/build' }).config;
    for (const [field, name] of Object.entries(BITBUCKET_VARIABLES)) {
      expect(bitbucket[field as keyof typeof bitbucket]).toBe(`value of ${name}`);
    }
    expect(bitbucket.cloneDir).toBe('/build');
  });

  it('leaves unset variables out', () => {
    expect(readBitbucketContext({ BITBUCKET_COMMIT: 'abc' }, '/w')).toEqual({
      cloneDir: '/w',
      commit: 'abc',
    });
  });

  it.each([
    {
      name: 'Bitbucket Cloud http origin',
      origin: 'http://bitbucket.org/acme/churn',
      expected: 'https://bitbucket.org/acme/churn',
    },
    {
      name: 'already https',
      origin: 'https://bitbucket.org/acme/churn',
      expected: 'https://bitbucket.org/acme/churn',
    },
    {
      name: 'another host stays as it is',
      origin: 'http://git.example.com/acme/churn',
      expected: 'http://git.example.com/acme/churn',
    },
    {
      name: 'a bitbucket.org look-alike stays as it is',
      origin: 'http://bitbucket.org.example.com/x',
      expected: 'http://bitbucket.org.example.com/x',
    },
  ])('git origin: $name', ({ origin, expected }) => {
    expect(readBitbucketContext({ BITBUCKET_GIT_HTTP_ORIGIN: origin }, '/w').gitHttpOrigin).toBe(
      expected,
    );
  });
});

describe('readNetworkConfig', () => {
  it.each([
    { name: 'nothing set', env: {}, network: {} },
    {
      name: 'upper-case names',
      env: { HTTPS_PROXY: 'http://proxy:3128', NO_PROXY: 'localhost' },
      network: { httpsProxy: 'http://proxy:3128', noProxy: 'localhost' },
    },
    {
      name: 'lower-case names win',
      env: {
        HTTPS_PROXY: 'http://upper:3128',
        https_proxy: 'http://lower:3128',
        NO_PROXY: 'a',
        no_proxy: 'b',
      },
      network: { httpsProxy: 'http://lower:3128', noProxy: 'b' },
    },
    {
      name: 'a proxy without a scheme means http://',
      env: { HTTPS_PROXY: 'proxy.corp:3128' },
      network: { httpsProxy: 'proxy.corp:3128' },
    },
    {
      name: 'extra CA certificates',
      env: { NODE_EXTRA_CA_CERTS: '/etc/ssl/corp.pem' },
      network: { extraCaCertsFile: '/etc/ssl/corp.pem' },
    },
  ])('$name', ({ env, network }) => {
    expect(readNetworkConfig(env, new Redactor())).toEqual({ network, problems: [] });
  });

  it('hides a proxy URL with credentials when refusing it', () => {
    const { problems } = readNetworkConfig(
      { HTTPS_PROXY: 'socks5://me:pw1234@proxy:1080' },
      new Redactor(),
    );
    expect(problems).toEqual([
      expect.stringMatching(/^HTTPS_PROXY: \(value hidden\) is not an http/),
    ]);
    expect(problems[0]).not.toContain('pw1234');
  });
});

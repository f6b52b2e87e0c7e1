import { rootCertificates } from 'node:tls';
import {
  isProxyBypassed,
  parseProxyUrl,
  proxyFor,
  trustedCas,
} from '../../../src/databricks/proxy.js';
import { redactor } from '../../../src/log/redactor.js';
import { TEST_CERT_FILE } from '../../integration/http/support/loopback-server.js';

describe('isProxyBypassed (NO_PROXY)', () => {
  it.each([
    {
      name: 'unset',
      noProxy: undefined,
      url: 'https://dbc-1.cloud.databricks.com',
      bypassed: false,
    },
    { name: 'empty', noProxy: '', url: 'https://dbc-1.cloud.databricks.com', bypassed: false },
    { name: 'wildcard', noProxy: '*', url: 'https://dbc-1.cloud.databricks.com', bypassed: true },
    {
      name: 'exact host',
      noProxy: 'dbc-1.cloud.databricks.com',
      url: 'https://dbc-1.cloud.databricks.com/api',
      bypassed: true,
    },
    {
      name: 'domain suffix',
      noProxy: 'databricks.com',
      url: 'https://dbc-1.cloud.databricks.com',
      bypassed: true,
    },
    {
      name: 'leading dot',
      noProxy: '.databricks.com',
      url: 'https://dbc-1.cloud.databricks.com',
      bypassed: true,
    },
    {
      name: 'leading *.',
      noProxy: '*.databricks.com',
      url: 'https://dbc-1.cloud.databricks.com',
      bypassed: true,
    },
    {
      name: 'not a label boundary',
      noProxy: 'bricks.com',
      url: 'https://dbc-1.cloud.databricks.com',
      bypassed: false,
    },
    {
      name: 'case-insensitive',
      noProxy: 'DBC-1.Cloud.Databricks.COM',
      url: 'https://dbc-1.cloud.databricks.com',
      bypassed: true,
    },
    {
      name: 'list with spaces',
      noProxy: 'localhost, .corp ,dbc-1.cloud.databricks.com',
      url: 'https://dbc-1.cloud.databricks.com',
      bypassed: true,
    },
    {
      name: 'matching port',
      noProxy: 'example.com:8443',
      url: 'https://example.com:8443',
      bypassed: true,
    },
    {
      name: 'other port',
      noProxy: 'example.com:8443',
      url: 'https://example.com',
      bypassed: false,
    },
    {
      name: 'default port spelled out',
      noProxy: 'example.com:443',
      url: 'https://example.com',
      bypassed: true,
    },
    { name: 'IPv4 literal', noProxy: '10.1.2.3', url: 'https://10.1.2.3', bypassed: true },
    { name: 'IPv4 CIDR inside', noProxy: '10.0.0.0/8', url: 'https://10.1.2.3', bypassed: true },
    { name: 'IPv4 CIDR outside', noProxy: '10.0.0.0/8', url: 'https://11.1.2.3', bypassed: false },
    { name: 'IPv6 bracketed', noProxy: '[::1]', url: 'https://[::1]:8443', bypassed: true },
    { name: 'IPv6 bare', noProxy: '::1', url: 'https://[::1]', bypassed: true },
  ])('$name → $bypassed', ({ noProxy, url, bypassed }) => {
    expect(isProxyBypassed(new URL(url), noProxy)).toBe(bypassed);
  });
});

describe('parseProxyUrl (HTTPS_PROXY)', () => {
  it.each([
    {
      name: 'host and port',
      value: 'http://proxy.corp:3128',
      expected: { protocol: 'http', host: 'proxy.corp', port: 3128 },
    },
    {
      name: 'no scheme means http',
      value: 'proxy.corp:3128',
      expected: { protocol: 'http', host: 'proxy.corp', port: 3128 },
    },
    {
      name: 'default port',
      value: 'http://proxy.corp',
      expected: { protocol: 'http', host: 'proxy.corp', port: 80 },
    },
    {
      name: 'https proxy',
      value: 'https://proxy.corp',
      expected: { protocol: 'https', host: 'proxy.corp', port: 443 },
    },
    {
      name: 'percent-encoded credentials',
      value: 'http://me%40corp:pa%3Ass@proxy.corp:8080',
      expected: {
        protocol: 'http',
        host: 'proxy.corp',
        port: 8080,
        auth: { username: 'me@corp', password: 'pa:ss' },
      },
    },
  ])('$name', ({ value, expected }) => {
    expect(parseProxyUrl(value)).toEqual(expected);
  });

  it('registers the proxy password with the redactor', () => {
    parseProxyUrl('http://u:proxy-pass-4242@proxy.corp:1');
    expect(redactor.redact('using proxy-pass-4242')).toBe('using ***');
  });

  it.each([
    { name: 'not a URL', value: 'http://' },
    { name: 'a socks proxy', value: 'socks5://proxy.corp:1080' },
  ])('rejects $name with ERR_CONFIG_INVALID', ({ value }) => {
    expect(() => parseProxyUrl(value)).toThrow(
      expect.objectContaining({ code: 'ERR_CONFIG_INVALID' }),
    );
  });
});

describe('proxyFor', () => {
  const proxy = parseProxyUrl('http://proxy.corp:3128');
  it.each([
    {
      name: 'https target',
      url: 'https://dbc.cloud.databricks.com',
      noProxy: undefined,
      expected: proxy,
    },
    {
      name: 'plain http target (loopback emulator)',
      url: 'http://127.0.0.1:8080',
      noProxy: undefined,
      expected: undefined,
    },
    {
      name: 'https target on NO_PROXY',
      url: 'https://dbc.cloud.databricks.com',
      noProxy: '.databricks.com',
      expected: undefined,
    },
  ])('$name', ({ url, noProxy, expected }) => {
    expect(proxyFor(new URL(url), proxy, noProxy)).toEqual(expected);
  });
});

describe('trustedCas', () => {
  it('leaves Node defaults alone when no file is configured', () => {
    expect(trustedCas({})).toBeUndefined();
  });

  it("adds the file to Node's bundled roots rather than replacing them", () => {
    const cas = trustedCas({ extraCaCertsFile: TEST_CERT_FILE });
    expect(cas).toHaveLength(rootCertificates.length + 1);
    expect(cas?.slice(0, rootCertificates.length)).toEqual([...rootCertificates]);
    expect(cas?.at(-1)).toContain('BEGIN CERTIFICATE');
  });
});

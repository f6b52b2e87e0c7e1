import { TransportError } from '../../../src/databricks/api-error.js';
import { displayPath, transportErrorFrom } from '../../../src/databricks/transport.js';

const coded = (code: string): Error => Object.assign(new Error('x'), { code });

describe('transportErrorFrom', () => {
  it.each([
    {
      name: 'ECONNRESET',
      error: coded('ECONNRESET'),
      kind: 'reset',
      isTransient: true,
      isUnsent: false,
    },
    { name: 'EPIPE', error: coded('EPIPE'), kind: 'reset', isTransient: true, isUnsent: false },
    {
      name: 'ECONNREFUSED',
      error: coded('ECONNREFUSED'),
      kind: 'refused',
      isTransient: true,
      isUnsent: true,
    },
    {
      name: 'EHOSTUNREACH',
      error: coded('EHOSTUNREACH'),
      kind: 'refused',
      isTransient: true,
      isUnsent: true,
    },
    {
      name: 'ETIMEDOUT',
      error: coded('ETIMEDOUT'),
      kind: 'timeout',
      isTransient: true,
      isUnsent: false,
    },
    {
      name: 'EAI_AGAIN (resolver hiccup)',
      error: coded('EAI_AGAIN'),
      kind: 'dns',
      isTransient: true,
      isUnsent: true,
    },
    {
      name: 'ENOTFOUND (no such host)',
      error: coded('ENOTFOUND'),
      kind: 'dns',
      isTransient: false,
      isUnsent: true,
    },
    {
      name: 'CERT_HAS_EXPIRED',
      error: coded('CERT_HAS_EXPIRED'),
      kind: 'tls',
      isTransient: false,
      isUnsent: true,
    },
    {
      name: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
      error: coded('UNABLE_TO_VERIFY_LEAF_SIGNATURE'),
      kind: 'tls',
      isTransient: false,
      isUnsent: true,
    },
    {
      name: 'ERR_TLS_CERT_ALTNAME_INVALID',
      error: coded('ERR_TLS_CERT_ALTNAME_INVALID'),
      kind: 'tls',
      isTransient: false,
      isUnsent: true,
    },
    {
      name: 'an unknown code',
      error: coded('HPE_INVALID_CONSTANT'),
      kind: 'other',
      isTransient: false,
      isUnsent: false,
    },
    {
      name: 'no code at all',
      error: new Error('weird'),
      kind: 'other',
      isTransient: false,
      isUnsent: false,
    },
    {
      name: 'a wrapper whose cause holds the code',
      error: Object.assign(new Error('outer'), { code: 'ERR_NETWORK', cause: coded('ECONNRESET') }),
      kind: 'reset',
      isTransient: true,
      isUnsent: false,
    },
    {
      name: "happy eyeballs' AggregateError",
      error: Object.assign(new Error('outer'), {
        cause: { errors: [coded('ECONNREFUSED'), coded('ECONNREFUSED')] },
      }),
      kind: 'refused',
      isTransient: true,
      isUnsent: true,
    },
  ])('$name → $kind', ({ error, kind, isTransient, isUnsent }) => {
    const failure = transportErrorFrom(error, 'dbc.example:443');
    expect(failure).toBeInstanceOf(TransportError);
    expect(failure).toMatchObject({ code: 'ERR_API', kind, isTransient, isUnsent });
    expect(failure.message).toContain('dbc.example:443');
    expect(failure.cause).toBeUndefined();
  });
});

describe('displayPath', () => {
  it.each([
    { name: 'no query', url: 'https://h/api/2.2/jobs/list', shown: '/api/2.2/jobs/list' },
    {
      name: 'plain query values stay',
      url: 'https://h/api/2.2/jobs/runs/get?run_id=5',
      shown: '/api/2.2/jobs/runs/get?run_id=5',
    },
    {
      name: 'secret-named values are masked',
      url: 'https://h/p?access_token=abc&client_secret=s&page_token=n',
      shown: '/p?access_token=***&client_secret=***&page_token=n',
    },
  ])('$name', ({ url, shown }) => {
    expect(displayPath(new URL(url))).toBe(shown);
  });
});

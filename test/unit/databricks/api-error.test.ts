import {
  cancellationError,
  mapApiError,
  parseErrorBody,
} from '../../../src/databricks/api-error.js';
import type { RawResponse } from '../../../src/databricks/transport-types.js';
import { PipeError } from '../../../src/errors.js';

const response = (
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): RawResponse => ({
  status,
  headers,
  body,
});

describe('parseErrorBody', () => {
  it.each([
    {
      name: 'REST {error_code, message, details} with a RequestInfo',
      body: {
        error_code: 'INVALID_STATE',
        message: 'Run is not active',
        details: [
          { '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'X' },
          { '@type': 'type.googleapis.com/google.rpc.RequestInfo', request_id: 'rq-1' },
        ],
      },
      expected: { errorCode: 'INVALID_STATE', message: 'Run is not active', requestId: 'rq-1' },
    },
    {
      name: 'error_code without a message',
      body: { error_code: 'ABORTED' },
      expected: { errorCode: 'ABORTED', message: '' },
    },
    {
      name: 'API 1.2 {error}',
      body: { error: 'Cluster gone' },
      expected: { message: 'Cluster gone' },
    },
    {
      name: 'OAuth {error, error_description}',
      body: { error: 'invalid_request', error_description: 'no policy matched' },
      expected: { errorCode: 'invalid_request', message: 'no policy matched' },
    },
    {
      name: 'SCIM {detail, status}',
      body: { detail: 'User not found', status: '404', scimType: 'invalidValue' },
      expected: { errorCode: 'SCIM_404', message: 'User not found' },
    },
    {
      name: 'only a message',
      body: { message: 'just words' },
      expected: { message: 'just words' },
    },
    {
      name: 'an unknown object',
      body: { foo: 1 },
      expected: { errorCode: 'UNKNOWN', message: '{"foo":1}' },
    },
    {
      name: 'CODE: message text',
      body: 'RESOURCE_DOES_NOT_EXIST: Job 5 does not exist',
      expected: { errorCode: 'RESOURCE_DOES_NOT_EXIST', message: 'Job 5 does not exist' },
    },
    {
      name: 'HTML with a <pre>',
      body: '<html><body><h1>Error</h1><pre>Bad &lt;thing&gt; &amp;\n more</pre></body></html>',
      expected: { message: 'Bad <thing> & more' },
    },
    { name: 'an empty body', body: '', expected: { message: 'Service Unavailable' } },
    {
      name: 'plain text',
      body: 'upstream connect error',
      expected: { errorCode: 'UNKNOWN', message: 'upstream connect error' },
    },
  ])('$name', ({ body, expected }) => {
    expect(parseErrorBody(body, 503)).toEqual(expected);
  });

  it('clips a huge body to 500 characters', () => {
    const parsed = parseErrorBody('x'.repeat(5000), 502);
    expect(parsed.message).toHaveLength(501);
    expect(parsed.message.endsWith('…')).toBe(true);
  });
});

describe('mapApiError', () => {
  it.each([
    {
      name: 'RESOURCE_DOES_NOT_EXIST',
      res: response(404, { error_code: 'RESOURCE_DOES_NOT_EXIST', message: 'no' }),
      code: 'ERR_NOT_FOUND',
    },
    {
      name: '400 INVALID_PARAMETER_VALUE "does not exist"',
      res: response(400, {
        error_code: 'INVALID_PARAMETER_VALUE',
        message: 'Run 5 does not exist.',
      }),
      code: 'ERR_NOT_FOUND',
    },
    {
      name: '400 INVALID_PARAMETER_VALUE otherwise',
      res: response(400, { error_code: 'INVALID_PARAMETER_VALUE', message: 'bad limit' }),
      code: 'ERR_API',
    },
    {
      name: 'error_code before status (PERMISSION_DENIED on a 400)',
      res: response(400, { error_code: 'PERMISSION_DENIED', message: 'no' }),
      code: 'ERR_PERMISSION_DENIED',
    },
    { name: 'a bare 403', res: response(403, ''), code: 'ERR_PERMISSION_DENIED' },
    { name: 'a bare 401', res: response(401, ''), code: 'ERR_UNAUTHENTICATED' },
    {
      name: '401 CUSTOMER_UNAUTHORIZED',
      res: response(401, { error_code: 'CUSTOMER_UNAUTHORIZED', message: 'x' }),
      code: 'ERR_UNAUTHENTICATED',
    },
    { name: 'a bare 404', res: response(404, ''), code: 'ERR_NOT_FOUND' },
    {
      name: '404 ENDPOINT_NOT_FOUND (an API this workspace lacks)',
      res: response(404, { error_code: 'ENDPOINT_NOT_FOUND', message: 'x' }),
      code: 'ERR_API',
    },
    {
      name: '409 RESOURCE_ALREADY_EXISTS',
      res: response(409, { error_code: 'RESOURCE_ALREADY_EXISTS', message: 'x' }),
      code: 'ERR_API',
    },
    { name: 'a 500', res: response(500, 'oops'), code: 'ERR_API' },
    {
      name: 'a redirect',
      res: response(302, '', { location: 'https://sso.example.com/login?token=abc' }),
      code: 'ERR_API',
    },
  ])('$name → $code', ({ res, code }) => {
    const error = mapApiError(res, { method: 'GET', path: '/api/2.2/jobs/get' });
    expect(error).toBeInstanceOf(PipeError);
    expect(error.code).toBe(code);
    expect(error.api).toMatchObject({
      status: res.status,
      method: 'GET',
      path: '/api/2.2/jobs/get',
    });
  });

  it.each([
    {
      name: 'with an error_code and a request id header',
      res: response(
        403,
        { error_code: 'PERMISSION_DENIED', message: 'no access' },
        { 'x-request-id': 'abc' },
      ),
      message:
        'POST /api/2.2/jobs/run-now failed: 403 PERMISSION_DENIED: no access (request id abc)',
    },
    {
      name: 'without an error_code',
      res: response(503, ''),
      message: 'POST /api/2.2/jobs/run-now failed: 503: Service Unavailable',
    },
    {
      name: 'a redirect names only the target origin',
      res: response(302, '', { location: 'https://sso.example.com/login?token=abc' }),
      message:
        'POST /api/2.2/jobs/run-now failed: 302 redirect to https://sso.example.com not followed',
    },
  ])('words the message $name', ({ res, message }) => {
    expect(mapApiError(res, { method: 'POST', path: '/api/2.2/jobs/run-now' }).message).toBe(
      message,
    );
  });

  it.each([
    {
      name: 'x-request-id wins',
      headers: { 'x-request-id': 'h1' },
      details: 'd1',
      requestId: 'h1',
    },
    {
      name: 'x-databricks-request-id',
      headers: { 'x-databricks-request-id': 'h2' },
      details: undefined,
      requestId: 'h2',
    },
    { name: 'RequestInfo in the body', headers: {}, details: 'd3', requestId: 'd3' },
    { name: 'none', headers: {}, details: undefined, requestId: undefined },
  ])('takes the request id: $name', ({ headers, details, requestId }) => {
    const body = {
      error_code: 'INTERNAL_ERROR',
      message: 'x',
      ...(details ? { details: [{ request_id: details }] } : {}),
    };
    expect(
      mapApiError(response(500, body, headers), { method: 'GET', path: '/p' }).api?.requestId,
    ).toBe(requestId);
  });

  it.each([
    { name: 'a 5xx points at support with the request id', status: 500, hint: /request id/ },
    { name: 'a 407 points at HTTPS_PROXY', status: 407, hint: /HTTPS_PROXY/ },
    { name: 'a 403 points at permissions', status: 403, hint: /permission/ },
    { name: 'a 404 points at the name and its visibility', status: 404, hint: /visible/ },
  ])('hints: $name', ({ status, hint }) => {
    expect(mapApiError(response(status, ''), { method: 'GET', path: '/p' }).hint).toMatch(hint);
  });
});

describe('cancellationError', () => {
  it.each([
    { name: 'no signal', reason: undefined, code: 'ERR_CANCELLED' },
    { name: 'a plain abort reason', reason: new Error('AbortError'), code: 'ERR_CANCELLED' },
    {
      name: 'a PipeError reason',
      reason: new PipeError('ERR_TIMEOUT', 'waited 2h'),
      code: 'ERR_TIMEOUT',
    },
  ])('returns $code for $name', ({ reason, code }) => {
    const controller = new AbortController();
    controller.abort(reason);
    const error = cancellationError(reason === undefined ? undefined : controller.signal, 'GET /p');
    expect(error.code).toBe(code);
    if (reason instanceof PipeError) expect(error).toBe(reason);
  });
});

import { describe, expect, test } from 'vitest';
import { http2RequestHeaders, requestFromHttp2 } from '../../src/http2/request-conversion.js';
import {
  fieldsToObject,
  http2ResponseHeaders,
  responseHeadFromHttp2,
} from '../../src/http2/response-conversion.js';
import { Http2MalformedRequestError } from '../../src/http2/stream-errors.js';
import { request } from './harness.js';

const info = request({ path: '/' }).connection;
const BASE = [':method', 'GET', ':scheme', 'https', ':authority', 'svc.ns:8080', ':path', '/x?y=1'];
const convert = (raw: string[], limit = 65_536) => requestFromHttp2(raw, info, limit, 1);

function malformed(raw: string[], limit?: number): Http2MalformedRequestError {
  try {
    convert(raw, limit);
  } catch (err) {
    expect(err).toBeInstanceOf(Http2MalformedRequestError);
    return err as Http2MalformedRequestError;
  }
  throw new Error(`accepted ${JSON.stringify(raw)}`);
}

describe('requestFromHttp2', () => {
  test('maps pseudo-headers to the request line and keeps the fields in order', () => {
    const req = convert([...BASE, 'accept', '*/*', 'x-a', '1', 'x-a', '2', 'te', 'trailers']);
    expect(req).toMatchObject({
      method: 'GET',
      scheme: 'https',
      authority: 'svc.ns:8080',
      path: '/x?y=1',
      version: 20,
      contentLength: -1,
      body: null,
      absoluteForm: false,
      grpc: false,
    });
    expect(req.headers).toEqual(['accept', '*/*', 'x-a', '1', 'x-a', '2', 'te', 'trailers']);
  });

  test('content-length, gRPC content type, expect: 100-continue', () => {
    const req = convert([
      ':method',
      'POST',
      ...BASE.slice(2),
      'content-type',
      'application/grpc+proto',
      'content-length',
      '42',
      'expect',
      '100-continue',
    ]);
    expect(req.method).toBe('POST');
    expect(req.grpc).toBe(true);
    expect(req.contentLength).toBe(42);
    expect(req.expectContinue).toBe(true);
  });

  test('host stands in for a missing :authority; a different host is malformed', () => {
    const req = convert([':method', 'GET', ':scheme', 'http', ':path', '/', 'host', 'h.example']);
    expect(req.authority).toBe('h.example');
    expect(req.headers).toEqual([]);
    expect(malformed([...BASE, 'host', 'other.example']).message).toContain('differs from :authority');
  });

  test('split cookie fields are joined for HTTP/1 (RFC 9113 §8.2.3)', () => {
    const req = convert([...BASE, 'cookie', 'a=1', 'x', 'y', 'cookie', 'b=2', 'cookie', 'c=3']);
    expect(req.headers).toEqual(['cookie', 'a=1; b=2; c=3', 'x', 'y']);
  });

  test('CONNECT takes the authority as its target', () => {
    const req = convert([':method', 'CONNECT', ':authority', 'db.internal:5432']);
    expect(req.path).toBe('db.internal:5432');
    expect(malformed([':method', 'CONNECT', ':authority', 'x:1', ':path', '/']).message).toContain('CONNECT');
  });

  test.each([
    [['connection', 'close'], 'connection-specific field connection'],
    [['keep-alive', '1'], 'connection-specific field keep-alive'],
    [['proxy-connection', 'x'], 'connection-specific field proxy-connection'],
    [['transfer-encoding', 'chunked'], 'connection-specific field transfer-encoding'],
    [['upgrade', 'h2c'], 'connection-specific field upgrade'],
    [['te', 'gzip'], 'only "trailers" is allowed'],
    [['X-Upper', '1'], 'invalid field name'],
    [['x-a', 'a\r\nb: c'], 'CR, LF or NUL'],
    [['x-a', 'nul\0'], 'CR, LF or NUL'],
    [['content-length', '12a'], 'invalid content-length'],
    [['content-length', '1', 'content-length', '2'], 'conflicting content-length'],
  ])('rejects %j (%s) with PROTOCOL_ERROR', (extra, why) => {
    const err = malformed([...BASE, ...extra]);
    expect(err.message).toContain(why);
    expect(err.rstCode).toBe(1);
  });

  test.each([
    [[':method', 'GET', ':scheme', 'http', ':authority', 'a'], 'missing :path'],
    [[':scheme', 'http', ':authority', 'a', ':path', '/'], 'missing :method'],
    [[':method', 'GET', ':authority', 'a', ':path', '/'], 'missing :scheme'],
    [[':method', 'GET', ':scheme', 'http', ':path', 'rel', ':authority', 'a'], 'not origin-form'],
    [[':method', 'GET', ':scheme', 'http', ':path', '/a b', ':authority', 'a'], 'invalid characters'],
    [[...BASE, ':path', '/again'], 'repeated :path'],
    [[...BASE, 'x-a', '1', ':scheme', 'http'], 'after regular fields'],
    [[':method', 'GET', ':method', 'POST', ':scheme', 'http', ':path', '/'], 'repeated :method'],
    [[':protocol', 'websocket', ...BASE], 'unknown pseudo-header'],
  ])('rejects pseudo-header problems: %j (%s)', (raw, why) => {
    expect(malformed(raw).message).toContain(why);
  });

  test('a header list over the limit is answered with 431, not a reset', () => {
    const err = malformed([...BASE, 'x-big', 'v'.repeat(2000)], 1024);
    expect(err.status).toBe(431);
    expect(err.rstCode).toBe(0);
  });
});

describe('http2RequestHeaders', () => {
  test('builds pseudo-headers first; host becomes :authority; connection-specific fields go', () => {
    const raw = http2RequestHeaders(
      request({
        method: 'POST',
        scheme: 'http',
        authority: '',
        path: '/p',
        version: 11,
        headers: [
          'host',
          'h:1',
          'keep-alive',
          '5',
          'te',
          'Trailers',
          'x-a',
          '1',
          'transfer-encoding',
          'chunked',
        ],
      }),
    );
    expect(raw).toEqual([
      ':method',
      'POST',
      ':scheme',
      'http',
      ':path',
      '/p',
      ':authority',
      'h:1',
      'te',
      'trailers',
      'x-a',
      '1',
    ]);
  });

  test('CONNECT has only :method and :authority', () => {
    expect(
      http2RequestHeaders(request({ method: 'CONNECT', path: 'db:5432', authority: 'db:5432' })),
    ).toEqual([':method', 'CONNECT', ':authority', 'db:5432']);
  });

  test('round-trips through requestFromHttp2', () => {
    const original = request({
      method: 'PUT',
      scheme: 'https',
      authority: 'svc:443',
      path: '/r?q',
      headers: ['content-type', 'application/grpc', 'te', 'trailers', 'x-k', 'v'],
    });
    const back = convert(http2RequestHeaders(original));
    expect(back).toMatchObject({
      method: 'PUT',
      scheme: 'https',
      authority: 'svc:443',
      path: '/r?q',
      grpc: true,
    });
    expect(back.headers).toEqual(original.headers);
  });
});

describe('responseHeadFromHttp2 / http2ResponseHeaders', () => {
  test('content-length gives contentLength; without it the length is unknown', () => {
    expect(responseHeadFromHttp2([':status', '200', 'content-length', '5'], false, 'GET')).toEqual({
      status: 200,
      reason: '',
      headers: ['content-length', '5'],
      contentLength: 5,
      hasBody: true,
      version: 20,
    });
    expect(responseHeadFromHttp2([':status', '200'], false, 'GET')?.contentLength).toBe(-1);
  });

  test('a response ended by its HEADERS gets content-length: 0 so HTTP/1 clients can frame it', () => {
    const trailersOnly = responseHeadFromHttp2([':status', '200', 'grpc-status', '5'], true, 'POST')!;
    expect(trailersOnly.hasBody).toBe(false);
    expect(trailersOnly.headers).toEqual(['grpc-status', '5', 'content-length', '0']);
  });

  test('HEAD, 204 and 304 have no body and keep their fields as they are', () => {
    expect(responseHeadFromHttp2([':status', '200', 'content-length', '99'], true, 'HEAD')).toMatchObject({
      hasBody: false,
      headers: ['content-length', '99'],
    });
    expect(responseHeadFromHttp2([':status', '204'], true, 'GET')).toMatchObject({
      hasBody: false,
      headers: [],
    });
    expect(responseHeadFromHttp2([':status', '304', 'etag', 'x'], true, 'GET')?.headers).toEqual([
      'etag',
      'x',
    ]);
  });

  test('a missing or non-final :status, or a bad content-length, is refused', () => {
    expect(responseHeadFromHttp2(['x', 'y'], false, 'GET')).toBeUndefined();
    expect(responseHeadFromHttp2([':status', '100'], false, 'GET')).toBeUndefined();
    expect(responseHeadFromHttp2([':status', '200', 'content-length', '-1'], false, 'GET')).toBeUndefined();
  });

  test('response headers drop fields HTTP/2 forbids; objects collect repeated fields', () => {
    const head = {
      status: 200,
      reason: 'OK',
      headers: ['set-cookie', 'a', 'connection', 'x', 'set-cookie', 'b'],
      contentLength: -1,
      hasBody: true,
      version: 11 as const,
    };
    const out = http2ResponseHeaders(head);
    if (Array.isArray(out)) expect(out).toEqual([':status', '200', 'set-cookie', 'a', 'set-cookie', 'b']);
    else expect(out).toEqual({ ':status': 200, 'set-cookie': ['a', 'b'] });
    expect({ ...fieldsToObject(['a', '1', 'a', '2', 'a', '3', 'keep-alive', 'x']) }).toEqual({
      a: ['1', '2', '3'],
    });
  });
});

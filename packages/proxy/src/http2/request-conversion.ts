import { getHeader, isGrpcContentType } from '../http/headers.js';
import type { HeaderList, HttpRequest } from '../http/types.js';
import type { ConnectionInfo } from '../transport/connection-info.js';
import { H2, Http2MalformedRequestError } from './stream-errors.js';

// Field names of RFC 9110 tokens, lowercase only (RFC 9113 §8.2.1).
const INVALID_NAME = /[^a-z0-9!#$%&'*+.^_`|~-]/;
// CR, LF and NUL are never valid in a field value (RFC 9113 §8.2.1).
const INVALID_VALUE = /[\r\n\0]/;
const DIGITS = /^[0-9]{1,15}$/;
const FIELD_OVERHEAD = 32;

function malformed(message: string): Http2MalformedRequestError {
  return new Http2MalformedRequestError(message, H2.PROTOCOL_ERROR);
}

/**
 * Whether `name` is a connection-specific field that HTTP/2 forbids (RFC 9113 §8.2.2). `te` is
 * handled separately: it is allowed with the value `trailers` only.
 */
export function isConnectionSpecificField(name: string): boolean {
  switch (name) {
    case 'connection':
    case 'keep-alive':
    case 'proxy-connection':
    case 'transfer-encoding':
    case 'upgrade':
    case 'http2-settings':
      return true;
    default:
      return false;
  }
}

/**
 * Converts the raw header block of an HTTP/2 request (`[name, value, …]` as `node:http2` hands
 * it over, pseudo-headers first) into the proxy's {@link HttpRequest}, validating it as RFC 9113
 * §8.2–8.3 requires even where nghttp2 already did (this function is also the entry point for
 * interceptors such as `l5d-orig-proto`). The request gets `body: null`; the caller attaches a
 * body when the stream did not end with the headers.
 *
 * @throws {@link Http2MalformedRequestError} when the request must not be forwarded: a
 * connection-specific field, `te` other than `trailers`, an invalid name or value, missing or
 * conflicting pseudo-headers, a bad `content-length` (PROTOCOL_ERROR), or a header list larger
 * than `maxHeaderListSize` (431).
 */
export function requestFromHttp2(
  raw: readonly string[],
  connection: ConnectionInfo,
  maxHeaderListSize: number,
  receivedAt: number,
): HttpRequest {
  let method: string | undefined;
  let scheme: string | undefined;
  let authority: string | undefined;
  let path: string | undefined;
  let host: string | undefined;
  let contentLength = -1;
  let grpc = false;
  let expectContinue = false;
  let cookies = 0;
  let size = 0;
  const headers: HeaderList = [];
  const n = raw.length;
  let i = 0;
  for (; i < n; i += 2) {
    const name = raw[i]!;
    if (name.charCodeAt(0) !== 58 /* : */) break;
    const value = raw[i + 1]!;
    size += name.length + value.length + FIELD_OVERHEAD;
    switch (name) {
      case ':method':
        if (method !== undefined) throw malformed('repeated :method');
        method = value;
        break;
      case ':scheme':
        if (scheme !== undefined) throw malformed('repeated :scheme');
        scheme = value;
        break;
      case ':authority':
        if (authority !== undefined) throw malformed('repeated :authority');
        authority = value;
        break;
      case ':path':
        if (path !== undefined) throw malformed('repeated :path');
        path = value;
        break;
      default:
        throw malformed(`unknown pseudo-header ${JSON.stringify(name)}`);
    }
  }
  for (; i < n; i += 2) {
    const name = raw[i]!;
    const value = raw[i + 1]!;
    size += name.length + value.length + FIELD_OVERHEAD;
    if (INVALID_NAME.test(name)) {
      throw malformed(
        name.charCodeAt(0) === 58
          ? `pseudo-header ${JSON.stringify(name)} after regular fields`
          : `invalid field name ${JSON.stringify(name)}`,
      );
    }
    if (INVALID_VALUE.test(value)) throw malformed(`field ${name} has CR, LF or NUL in its value`);
    switch (name) {
      case 'te':
        if (value !== 'trailers')
          throw malformed(`te: ${JSON.stringify(value)} (only "trailers" is allowed)`);
        break;
      case 'host':
        if (host !== undefined) throw malformed('repeated host');
        host = value;
        continue;
      case 'content-length': {
        if (!DIGITS.test(value)) throw malformed(`invalid content-length ${JSON.stringify(value)}`);
        const cl = Number(value);
        if (contentLength >= 0 && cl !== contentLength) throw malformed('conflicting content-length');
        if (contentLength >= 0) continue;
        contentLength = cl;
        break;
      }
      case 'content-type':
        grpc = isGrpcContentType(value);
        break;
      case 'expect':
        if (value.toLowerCase() === '100-continue') expectContinue = true;
        break;
      case 'cookie':
        cookies++;
        break;
      default:
        if (isConnectionSpecificField(name)) throw malformed(`connection-specific field ${name}`);
    }
    headers.push(name, value);
  }
  if (size > maxHeaderListSize) {
    throw new Http2MalformedRequestError(
      `header list of ${size} bytes exceeds ${maxHeaderListSize}`,
      H2.NO_ERROR,
      431,
    );
  }
  if (method === undefined) throw malformed('missing :method');
  if (authority === undefined) {
    authority = host ?? '';
  } else if (host !== undefined && host !== authority) {
    throw malformed(`host ${JSON.stringify(host)} differs from :authority ${JSON.stringify(authority)}`);
  }
  if (method === 'CONNECT') {
    if (scheme !== undefined || path !== undefined) throw malformed('CONNECT with :scheme or :path');
    if (authority === '') throw malformed('CONNECT without :authority');
    scheme = '';
    path = authority;
  } else {
    if (scheme === undefined) throw malformed('missing :scheme');
    if (path === undefined || path === '') throw malformed('missing :path');
    const c = path.charCodeAt(0);
    if (c !== 47 /* / */ && !(path === '*' && method === 'OPTIONS')) {
      throw malformed(`:path ${JSON.stringify(path)} is not origin-form`);
    }
  }
  if (/[\s\0]/.test(path) || !METHOD.test(method) || /[\s\0/@]/.test(authority)) {
    throw malformed('invalid characters in :method, :path or :authority');
  }
  if (cookies > 1) joinCookies(headers);
  return {
    method,
    scheme,
    authority,
    path,
    version: 20,
    headers,
    contentLength,
    body: null,
    absoluteForm: false,
    upgrade: undefined,
    expectContinue,
    connection,
    receivedAt,
    grpc,
    // The stream id is set by the connection, which knows it.
    stream: 0,
  };
}

const METHOD = /^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/;

/**
 * HTTP/2 lets a client split `cookie` into several fields; HTTP/1 wants one (RFC 9113 §8.2.3).
 */
function joinCookies(headers: HeaderList): void {
  let joined = '';
  let first = -1;
  let w = 0;
  for (let r = 0; r < headers.length; r += 2) {
    if (headers[r] === 'cookie') {
      joined = first < 0 ? headers[r + 1]! : `${joined}; ${headers[r + 1]}`;
      if (first >= 0) continue;
      first = w;
    }
    if (w !== r) {
      headers[w] = headers[r]!;
      headers[w + 1] = headers[r + 1]!;
    }
    w += 2;
  }
  headers.length = w;
  headers[first + 1] = joined;
}

/**
 * The raw header array (`[':method', …, name, value, …]`) for sending `request` upstream over
 * HTTP/2: pseudo-headers from the request line and authority, then the fields minus `host`
 * (carried as `:authority`) and anything connection-specific. `te: trailers` is kept, as gRPC
 * needs it. With an empty authority `node:http2` fills in the endpoint's address.
 */
export function http2RequestHeaders(request: HttpRequest): string[] {
  const headers = request.headers;
  let authority = request.authority;
  if (authority === '') authority = getHeader(headers, 'host') ?? '';
  let out: string[];
  if (request.method === 'CONNECT') {
    out = [':method', 'CONNECT', ':authority', authority];
  } else {
    out = [
      ':method',
      request.method,
      ':scheme',
      request.scheme === '' ? 'http' : request.scheme,
      ':path',
      request.path,
    ];
    if (authority !== '') out.push(':authority', authority);
  }
  for (let i = 0; i < headers.length; i += 2) {
    const name = headers[i]!;
    switch (name) {
      case 'host':
        continue;
      case 'te':
        if (headers[i + 1]!.toLowerCase() === 'trailers') out.push('te', 'trailers');
        continue;
      default:
        if (isConnectionSpecificField(name)) continue;
        out.push(name, headers[i + 1]!);
    }
  }
  return out;
}

import type { OutgoingHttpHeaders } from 'node:http2';
import type { HeaderList, ResponseHead } from '../http/types.js';
import { RAW_RESPONSE_HEADERS } from './node-features.js';
import { isConnectionSpecificField } from './request-conversion.js';

const DIGITS = /^[0-9]{1,15}$/;

/** Whether a response to `method` with `status` can carry a body at all. */
function bodyAllowed(method: string, status: number): boolean {
  return method !== 'HEAD' && status !== 204 && status !== 304 && status >= 200;
}

/**
 * Converts the raw header block of an HTTP/2 response (`:status` first) into a
 * {@link ResponseHead}. `endStream` is whether the HEADERS frame ended the stream (an empty or
 * trailers-only response): such a response gets `hasBody: false` and, where a body is allowed,
 * an explicit `content-length: 0` so that an HTTP/1 client can frame it. Returns `undefined`
 * when `:status` is missing or not a final status (the caller treats that as a protocol error).
 */
export function responseHeadFromHttp2(
  raw: readonly string[],
  endStream: boolean,
  method: string,
): ResponseHead | undefined {
  let status = 0;
  let contentLength = -1;
  const headers: HeaderList = [];
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    const value = raw[i + 1]!;
    if (name.charCodeAt(0) === 58 /* : */) {
      if (name === ':status') status = Number(value);
      continue;
    }
    if (name === 'content-length') {
      if (!DIGITS.test(value)) return undefined;
      contentLength = Number(value);
    }
    headers.push(name, value);
  }
  if (!(status >= 200 && status <= 599)) return undefined;
  const allowed = bodyAllowed(method, status);
  if (!allowed || endStream) {
    if (allowed && contentLength < 0) headers.push('content-length', '0');
    return { status, reason: '', headers, contentLength: 0, hasBody: false, version: 20 };
  }
  return { status, reason: '', headers, contentLength, hasBody: true, version: 20 };
}

/** Converts the raw fields of an HTTP/2 trailer block or 1xx head, dropping pseudo-headers. */
export function fieldsFromHttp2(raw: readonly string[]): HeaderList {
  const out: HeaderList = [];
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    if (name.charCodeAt(0) !== 58) out.push(name, raw[i + 1]!);
  }
  return out;
}

/**
 * The headers to pass to `stream.respond()` for `head`: `:status`, then the fields without the
 * connection-specific ones an HTTP/1 upstream may have left (HTTP/2 forbids them). A raw array
 * where the runtime supports it, else a header object.
 */
export function http2ResponseHeaders(head: ResponseHead): string[] | OutgoingHttpHeaders {
  const headers = head.headers;
  if (!RAW_RESPONSE_HEADERS) {
    const obj = fieldsToObject(headers);
    obj[':status'] = head.status;
    return obj;
  }
  const out: string[] = [':status', String(head.status)];
  for (let i = 0; i < headers.length; i += 2) {
    const name = headers[i]!;
    if (isConnectionSpecificField(name) || name === 'te') continue;
    out.push(name, headers[i + 1]!);
  }
  return out;
}

/**
 * A header object (`{ name: value | values }`, null prototype) for the `node:http2` calls that
 * take no raw arrays (`sendTrailers`, `additionalHeaders`). Connection-specific fields are dropped.
 */
export function fieldsToObject(fields: HeaderList): OutgoingHttpHeaders {
  const obj: OutgoingHttpHeaders = Object.create(null);
  for (let i = 0; i < fields.length; i += 2) {
    const name = fields[i]!;
    if (isConnectionSpecificField(name) || name === 'te') continue;
    const value = fields[i + 1]!;
    const prev = obj[name];
    if (prev === undefined) obj[name] = value;
    else if (Array.isArray(prev)) prev.push(value);
    else obj[name] = [String(prev), value];
  }
  return obj;
}

import type { HeaderList } from '../http/types.js';
import {
  checkHeadCharacters,
  commaTokens,
  isValidHost,
  isValidTarget,
  parseContentLength,
  TOKEN,
  trimOws,
} from './head-syntax.js';
import { HttpParseError } from './parse-error.js';

/** Limits on a request head (linkerd2-proxy / Envoy levels by default). */
export interface RequestHeadLimits {
  /** Most header fields (default 100; more → 431). */
  maxHeaders: number;
  /** Longest request-target in bytes (default 8 KiB; longer → 414). */
  maxTargetBytes: number;
}

/** The default {@link RequestHeadLimits}. */
export const DEFAULT_REQUEST_HEAD_LIMITS: RequestHeadLimits = { maxHeaders: 100, maxTargetBytes: 8192 };

/** A parsed and validated HTTP/1 request head. */
export interface RequestHead {
  /** Method token. */
  method: string;
  /** Request-target as received. */
  target: string;
  /** 0 for HTTP/1.0, 1 for HTTP/1.1. */
  minor: 0 | 1;
  /** Fields with lowercase names, minus hop-by-hop and framing fields. */
  headers: HeaderList;
  /** `Host` value; `undefined` when absent. */
  host: string | undefined;
  /** Body length from `Content-Length`; -1 when the body is chunked; 0 when there is none. */
  contentLength: number;
  /** Whether the body uses chunked transfer coding. */
  chunked: boolean;
  /** The transfer codings before `chunked` (e.g. `gzip`), to forward with the body. */
  transferCodings: string | undefined;
  /** Whether the connection should close after this exchange (client's choice). */
  close: boolean;
  /** An HTTP/1.1 upgrade request's protocol (`Connection: upgrade` + `Upgrade`). */
  upgrade: string | undefined;
  /** `Expect: 100-continue` was sent. */
  expectContinue: boolean;
  /** Whether any `l5d-*` field is present (so proxy layers know to look). */
  hasL5d: boolean;
}

/**
 * Parses a request head: `head` holds the request line and the header lines, each ending with
 * CRLF, without the final empty line. Applies RFC 9112 strictly: ambiguous framing (both
 * `Content-Length` and `Transfer-Encoding`, differing lengths, a final coding other than
 * chunked), whitespace before a colon, obs-fold, bad or repeated `Host`, and HTTP/1.1 without
 * `Host` are refused with 400; a long target with 414; too many fields with 431.
 *
 * @throws HttpParseError with the status to answer.
 */
export function parseRequestHead(
  head: string,
  limits: RequestHeadLimits = DEFAULT_REQUEST_HEAD_LIMITS,
): RequestHead {
  checkHeadCharacters(head);
  let eol = head.indexOf('\r\n');
  if (eol < 0) throw new HttpParseError(400, 'request line is not terminated by CRLF');
  const sp1 = head.indexOf(' ');
  if (sp1 <= 0 || sp1 > eol) throw new HttpParseError(400, 'request line must be "METHOD target HTTP/1.x"');
  const sp2 = head.indexOf(' ', sp1 + 1);
  if (sp2 < 0 || sp2 > eol) throw new HttpParseError(400, 'request line must be "METHOD target HTTP/1.x"');
  const method = head.slice(0, sp1);
  if (!TOKEN.test(method)) throw new HttpParseError(400, `invalid method ${JSON.stringify(method)}`);
  const target = head.slice(sp1 + 1, sp2);
  if (target.length > limits.maxTargetBytes) {
    throw new HttpParseError(
      414,
      `request-target of ${target.length} bytes exceeds ${limits.maxTargetBytes}`,
    );
  }
  if (target.length === 0 || !isValidTarget(target)) {
    throw new HttpParseError(400, 'request-target is empty or contains spaces, controls or non-ASCII bytes');
  }
  const version = head.slice(sp2 + 1, eol);
  let minor: 0 | 1;
  if (version === 'HTTP/1.1') minor = 1;
  else if (version === 'HTTP/1.0') minor = 0;
  else if (/^HTTP\/\d\.\d$/.test(version))
    throw new HttpParseError(505, `HTTP version ${version} not supported`);
  else throw new HttpParseError(400, `invalid HTTP version ${JSON.stringify(version)}`);

  const headers: HeaderList = [];
  let host: string | undefined;
  let contentLength = -1;
  let transferEncoding: string | undefined;
  let connection: string | undefined;
  let upgrade: string | undefined;
  let expectContinue = false;
  let hasL5d = false;
  let count = 0;
  let pos = eol + 2;
  const end = head.length;
  while (pos < end) {
    eol = head.indexOf('\r\n', pos);
    if (eol < 0) throw new HttpParseError(400, 'header line is not terminated by CRLF');
    const first = head.charCodeAt(pos);
    if (first === 32 || first === 9) throw new HttpParseError(400, 'obsolete line folding is not allowed');
    if (++count > limits.maxHeaders) {
      throw new HttpParseError(431, `more than ${limits.maxHeaders} header fields`);
    }
    const colon = head.indexOf(':', pos);
    if (colon < 0 || colon > eol) throw new HttpParseError(400, 'header line without a colon');
    const rawName = head.slice(pos, colon);
    if (!TOKEN.test(rawName)) {
      throw new HttpParseError(
        400,
        `invalid header name ${JSON.stringify(rawName)} (no whitespace before the colon)`,
      );
    }
    const name = rawName.toLowerCase();
    const value = trimOws(head.slice(colon + 1, eol));
    pos = eol + 2;
    switch (name) {
      case 'host':
        if (host !== undefined) throw new HttpParseError(400, 'more than one Host header');
        if (!isValidHost(value)) throw new HttpParseError(400, `invalid Host ${JSON.stringify(value)}`);
        host = value;
        headers.push(name, value);
        continue;
      case 'content-length': {
        const n = parseContentLength(value);
        if (n < 0) throw new HttpParseError(400, `invalid Content-Length ${JSON.stringify(value)}`);
        if (contentLength >= 0 && n !== contentLength)
          throw new HttpParseError(400, 'conflicting Content-Length headers');
        if (contentLength < 0) headers.push(name, String(n));
        contentLength = n;
        continue;
      }
      case 'transfer-encoding':
        transferEncoding = transferEncoding === undefined ? value : `${transferEncoding}, ${value}`;
        continue;
      case 'connection':
        connection = connection === undefined ? value : `${connection}, ${value}`;
        continue;
      case 'upgrade':
        upgrade = value;
        continue;
      case 'keep-alive':
      case 'proxy-connection':
      case 'te':
        continue;
      case 'expect':
        if (value.toLowerCase() === '100-continue') expectContinue = true;
        headers.push(name, value);
        continue;
      default:
        if (!hasL5d && name.charCodeAt(0) === 108 && name.startsWith('l5d-')) hasL5d = true;
        headers.push(name, value);
    }
  }

  let chunked = false;
  let transferCodings: string | undefined;
  if (transferEncoding !== undefined) {
    if (contentLength >= 0) {
      throw new HttpParseError(
        400,
        'request has both Content-Length and Transfer-Encoding (possible smuggling)',
      );
    }
    if (minor === 0) throw new HttpParseError(400, 'Transfer-Encoding is not allowed in an HTTP/1.0 request');
    const codings = commaTokens(transferEncoding);
    if (codings.length === 0 || codings[codings.length - 1] !== 'chunked') {
      throw new HttpParseError(
        400,
        `final transfer coding must be chunked, got ${JSON.stringify(transferEncoding)}`,
      );
    }
    for (let i = 0; i < codings.length - 1; i++) {
      const c = codings[i]!;
      if (c === 'chunked') throw new HttpParseError(400, 'chunked may be applied only once');
      if (c !== 'gzip' && c !== 'x-gzip' && c !== 'deflate' && c !== 'compress') {
        throw new HttpParseError(501, `transfer coding ${JSON.stringify(c)} not implemented`);
      }
    }
    chunked = true;
    if (codings.length > 1) transferCodings = codings.slice(0, -1).join(', ');
  } else if (contentLength < 0) {
    contentLength = 0;
  }

  let close = minor === 0;
  let upgradeProtocol: string | undefined;
  if (connection !== undefined) {
    const tokens = commaTokens(connection);
    let allowUpgrade = false;
    let strip: string[] | undefined;
    for (const t of tokens) {
      if (t === 'close') close = true;
      else if (t === 'keep-alive') close = minor === 0 ? false : close;
      else if (t === 'upgrade') allowUpgrade = true;
      else if (TOKEN.test(t) && t !== 'host' && t !== 'content-length') {
        strip ??= [];
        strip.push(t);
      }
    }
    if (tokens.includes('close')) close = true;
    if (allowUpgrade && upgrade !== undefined && minor === 1) upgradeProtocol = upgrade;
    if (strip !== undefined) removeNamed(headers, strip);
  }
  if (minor === 1 && host === undefined)
    throw new HttpParseError(400, 'HTTP/1.1 request without a Host header');

  return {
    method,
    target,
    minor,
    headers,
    host,
    contentLength: chunked ? -1 : contentLength,
    chunked,
    transferCodings,
    close,
    upgrade: upgradeProtocol,
    expectContinue,
    hasL5d,
  };
}

/** Removes the fields a `Connection` header names (they are hop-by-hop for this connection). */
function removeNamed(headers: HeaderList, names: readonly string[]): void {
  let w = 0;
  for (let r = 0; r < headers.length; r += 2) {
    if (names.includes(headers[r]!)) continue;
    headers[w] = headers[r]!;
    headers[w + 1] = headers[r + 1]!;
    w += 2;
  }
  headers.length = w;
}

import type { HeaderList } from '../http/types.js';
import { checkHeadCharacters, commaTokens, parseContentLength, TOKEN, trimOws } from './head-syntax.js';
import { HttpParseError } from './parse-error.js';

/** How the body of an HTTP/1 response is delimited. */
export type ResponseFraming = 'none' | 'length' | 'chunked' | 'close';

/** A parsed and validated HTTP/1 response head. */
export interface ParsedResponseHead {
  /** Status code (100–599). */
  status: number;
  /** Reason phrase as sent (may be empty). */
  reason: string;
  /** 0 for HTTP/1.0, 1 for HTTP/1.1. */
  minor: 0 | 1;
  /** Fields with lowercase names, minus hop-by-hop and framing fields. */
  headers: HeaderList;
  /** Body delimitation. */
  framing: ResponseFraming;
  /** Body length for `length` framing, else -1 (0 for `none`). */
  contentLength: number;
  /** Whether the upstream will close the connection after this response. */
  close: boolean;
  /** `Upgrade` protocol of a 101 response. */
  upgrade: string | undefined;
}

/**
 * Parses an upstream response head (status line and header lines, each ending with CRLF,
 * without the final empty line). `requestMethod` decides bodiless responses (HEAD; 2xx to
 * CONNECT). Ambiguous framing is refused: the proxy answers its client 502 and closes the
 * upstream connection.
 *
 * @throws HttpParseError (status 502).
 */
export function parseResponseHead(head: string, requestMethod: string, maxHeaders = 100): ParsedResponseHead {
  try {
    checkHeadCharacters(head);
  } catch {
    throw new HttpParseError(502, 'upstream response head contains invalid characters');
  }
  let eol = head.indexOf('\r\n');
  if (eol < 12 || head.charCodeAt(8) !== 32) throw bad('malformed status line');
  let minor: 0 | 1;
  if (head.startsWith('HTTP/1.1')) minor = 1;
  else if (head.startsWith('HTTP/1.0')) minor = 0;
  else throw bad(`unsupported version in status line ${JSON.stringify(head.slice(0, Math.min(eol, 20)))}`);
  const s0 = head.charCodeAt(9) - 48;
  const s1 = head.charCodeAt(10) - 48;
  const s2 = head.charCodeAt(11) - 48;
  if (s0 < 1 || s0 > 5 || s1 < 0 || s1 > 9 || s2 < 0 || s2 > 9) throw bad('invalid status code');
  const status = s0 * 100 + s1 * 10 + s2;
  if (eol > 12 && head.charCodeAt(12) !== 32) throw bad('invalid status code');
  const reason = eol > 13 ? head.slice(13, eol) : '';

  const headers: HeaderList = [];
  let contentLength = -1;
  let transferEncoding: string | undefined;
  let connection: string | undefined;
  let upgrade: string | undefined;
  let count = 0;
  let pos = eol + 2;
  const end = head.length;
  while (pos < end) {
    eol = head.indexOf('\r\n', pos);
    if (eol < 0) throw bad('header line not terminated by CRLF');
    const first = head.charCodeAt(pos);
    if (first === 32 || first === 9) throw bad('obsolete line folding');
    if (++count > maxHeaders) throw bad(`more than ${maxHeaders} header fields`);
    const colon = head.indexOf(':', pos);
    if (colon < 0 || colon > eol) throw bad('header line without a colon');
    const rawName = head.slice(pos, colon);
    if (!TOKEN.test(rawName)) throw bad(`invalid header name ${JSON.stringify(rawName)}`);
    const name = rawName.toLowerCase();
    const value = trimOws(head.slice(colon + 1, eol));
    pos = eol + 2;
    switch (name) {
      case 'content-length': {
        const n = parseContentLength(value);
        if (n < 0 || (contentLength >= 0 && n !== contentLength))
          throw bad('invalid or conflicting Content-Length');
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
        continue;
      default:
        headers.push(name, value);
    }
  }

  let close = minor === 0;
  if (connection !== undefined) {
    const tokens = commaTokens(connection);
    if (tokens.includes('close')) close = true;
    else if (minor === 0 && tokens.includes('keep-alive')) close = false;
    const strip = tokens.filter((t) => t !== 'close' && t !== 'keep-alive' && t !== 'upgrade');
    if (strip.length > 0) {
      let w = 0;
      for (let r = 0; r < headers.length; r += 2) {
        if (strip.includes(headers[r]!)) continue;
        headers[w] = headers[r]!;
        headers[w + 1] = headers[r + 1]!;
        w += 2;
      }
      headers.length = w;
    }
  }

  let framing: ResponseFraming;
  if (
    requestMethod === 'HEAD' ||
    status < 200 ||
    status === 204 ||
    status === 304 ||
    (requestMethod === 'CONNECT' && status < 300)
  ) {
    framing = 'none';
    // A HEAD response keeps its Content-Length: it describes the resource.
    if (contentLength >= 0 && requestMethod === 'HEAD') headers.push('content-length', String(contentLength));
    contentLength = 0;
  } else if (transferEncoding !== undefined) {
    if (contentLength >= 0) throw bad('response has both Content-Length and Transfer-Encoding');
    const codings = commaTokens(transferEncoding);
    // Only plain chunked is supported: other transfer codings would have to be re-sent hop by
    // hop, and no server we proxy for uses them.
    if (codings.length !== 1 || codings[0] !== 'chunked') {
      throw bad(`unsupported transfer coding ${JSON.stringify(transferEncoding)}`);
    }
    framing = 'chunked';
    contentLength = -1;
  } else if (contentLength >= 0) {
    framing = 'length';
    headers.push('content-length', String(contentLength));
  } else {
    framing = 'close';
    close = true;
  }

  return { status, reason, minor, headers, framing, contentLength, close, upgrade };
}

function bad(what: string): HttpParseError {
  return new HttpParseError(502, `invalid upstream response: ${what}`);
}

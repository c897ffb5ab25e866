/** The protocol seen at the start of a connection (spec §2.6). */
export type HttpDetection = 'h2' | 'http1' | 'not-http';

/** Fewer first bytes than this are never HTTP (linkerd2-proxy's rule). */
export const HTTP_DETECT_MIN_BYTES = 14;
/** The one read HTTP detection makes is at most this long. */
export const HTTP_DETECT_MAX_BYTES = 1024;

/**
 * The outcome of scanning a request head the way httparse does with no header slots:
 * `complete` (head ends before any header), `partial` (valid so far, more bytes needed),
 * `too-many-headers` (a whole header line parsed, with nowhere to put it) or `invalid`.
 */
export type RequestHeadScan = 'complete' | 'partial' | 'too-many-headers' | 'invalid';

/** `PRI * HTTP/2.0`, the first line of the HTTP/2 connection preface. */
const H2_PREFACE_START = Buffer.from('PRI * HTTP/2.0', 'latin1');

const TCHAR = byteSet("!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");
// httparse's URI set: visible ASCII except `<` and `>`; no obs-text.
const URI_CHAR = byteSet(
  Array.from({ length: 0x7f - 0x21 }, (_, i) => String.fromCharCode(0x21 + i))
    .filter((c) => c !== '<' && c !== '>')
    .join(''),
);
// What the proxy's own HTTP/1 parser (and llhttp) accept in a request-target: `<` and `>` too.
const LENIENT_URI_CHAR = byteSet(
  Array.from({ length: 0x7f - 0x21 }, (_, i) => String.fromCharCode(0x21 + i)).join(''),
);
const CR = 0x0d;
const LF = 0x0a;
const SP = 0x20;
const HTAB = 0x09;
const HTTP_1_DOT = Buffer.from('HTTP/1.', 'latin1');

/**
 * Classifies the first bytes of a connection (spec §2.6): `h2` when at least 14 bytes start with
 * `PRI * HTTP/2.0`; `http1` when at least 14 bytes scan as the start of an HTTP/1.x request
 * (complete, partial, or with a header httparse would have no slot for); otherwise `not-http`.
 * Pure and total: any input gives an answer.
 */
export function detectHttp(bytes: Uint8Array): HttpDetection {
  if (bytes.length < HTTP_DETECT_MIN_BYTES) return 'not-http';
  if (startsWith(bytes, H2_PREFACE_START)) return 'h2';
  return scanRequestHead(bytes) === 'invalid' ? 'not-http' : 'http1';
}

/**
 * Inbound plaintext detection, stricter about what may pass as opaque than spec §2.6: bytes
 * that start an HTTP/1 request as the proxy's own parser (and the application's) would read
 * it — fewer than 14 of them, or a request-target httparse refuses (`<`, `>`) — are HTTP, so
 * `l5d-*` headers from outside the mesh are always stripped and policy always applies. Only
 * bytes that cannot start a request (and an empty read) are opaque.
 */
export function detectInboundHttp(bytes: Uint8Array): HttpDetection {
  if (bytes.length === 0) return 'not-http';
  const strict = detectHttp(bytes);
  if (strict !== 'not-http') return strict;
  return scanRequestHead(bytes, true) === 'invalid' ? 'not-http' : 'http1';
}

/**
 * Scans `bytes` as an HTTP/1.x request head with the rules of httparse's default request
 * parser (with `lenientTarget`, also `<` and `>` in the target, as llhttp allows): optional empty lines, `method SP target SP HTTP/1.(0|1)` then CRLF or LF, then the
 * header section, where the first complete header yields `too-many-headers`.
 */
export function scanRequestHead(bytes: Uint8Array, lenientTarget = false): RequestHeadScan {
  const uriChar = lenientTarget ? LENIENT_URI_CHAR : URI_CHAR;
  const end = bytes.length;
  let i = 0;
  // Empty lines before the request line.
  for (;;) {
    if (i >= end) return 'partial';
    if (bytes[i] === LF) {
      i++;
    } else if (bytes[i] === CR) {
      if (i + 1 >= end) return 'partial';
      if (bytes[i + 1] !== LF) return 'invalid';
      i += 2;
    } else {
      break;
    }
  }
  // method SP
  if (!TCHAR[bytes[i]!]) return 'invalid';
  for (i++; ; i++) {
    if (i >= end) return 'partial';
    if (bytes[i] === SP) break;
    if (!TCHAR[bytes[i]!]) return 'invalid';
  }
  i++;
  // request-target SP
  if (i >= end) return 'partial';
  if (!uriChar[bytes[i]!]) return 'invalid';
  for (i++; ; i++) {
    if (i >= end) return 'partial';
    if (bytes[i] === SP) break;
    if (!uriChar[bytes[i]!]) return 'invalid';
  }
  i++;
  // HTTP/1.0 or HTTP/1.1; a prefix of it is partial.
  for (let k = 0; k < HTTP_1_DOT.length; k++, i++) {
    if (i >= end) return 'partial';
    if (bytes[i] !== HTTP_1_DOT[k]) return 'invalid';
  }
  if (i >= end) return 'partial';
  if (bytes[i] !== 0x30 && bytes[i] !== 0x31) return 'invalid';
  i++;
  const afterVersion = lineEnd(bytes, i);
  if (afterVersion < 0) return afterVersion === PARTIAL ? 'partial' : 'invalid';
  return scanFirstHeader(bytes, afterVersion);
}

const PARTIAL = -1;
const INVALID = -2;

/** Index after a CRLF or LF at `i`, or PARTIAL / INVALID. */
function lineEnd(bytes: Uint8Array, i: number): number {
  if (i >= bytes.length) return PARTIAL;
  if (bytes[i] === LF) return i + 1;
  if (bytes[i] !== CR) return INVALID;
  if (i + 1 >= bytes.length) return PARTIAL;
  return bytes[i + 1] === LF ? i + 2 : INVALID;
}

function scanFirstHeader(bytes: Uint8Array, start: number): RequestHeadScan {
  const end = bytes.length;
  let i = start;
  if (i >= end) return 'partial';
  if (bytes[i] === CR || bytes[i] === LF) {
    const after = lineEnd(bytes, i);
    if (after === PARTIAL) return 'partial';
    return after === INVALID ? 'invalid' : 'complete';
  }
  // field-name ":" — no whitespace before the colon in requests.
  if (!TCHAR[bytes[i]!]) return 'invalid';
  for (i++; ; i++) {
    if (i >= end) return 'partial';
    if (bytes[i] === 0x3a) break;
    if (!TCHAR[bytes[i]!]) return 'invalid';
  }
  // field-value: HTAB, SP, VCHAR and obs-text up to the end of the line.
  for (i++; ; i++) {
    if (i >= end) return 'partial';
    const b = bytes[i]!;
    if (b === HTAB || (b >= SP && b !== 0x7f)) continue;
    if (b === LF) return 'too-many-headers';
    if (b !== CR) return 'invalid';
    if (i + 1 >= end) return 'partial';
    return bytes[i + 1] === LF ? 'too-many-headers' : 'invalid';
  }
}

function startsWith(bytes: Uint8Array, prefix: Uint8Array): boolean {
  if (bytes.length < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (bytes[i] !== prefix[i]) return false;
  return true;
}

function byteSet(chars: string): Uint8Array {
  const set = new Uint8Array(256);
  for (let i = 0; i < chars.length; i++) set[chars.charCodeAt(i)] = 1;
  return set;
}

import { STATUS_CODES } from 'node:http';
import type { HeaderList, HttpRequest, ResponseHead } from '../http/types.js';

const statusLines = new Map<number, string>();

/** `HTTP/1.1 <status> <reason>\r\n`, cached for canonical reasons. */
export function statusLine(status: number, reason?: string): string {
  if (reason !== undefined && reason !== '' && reason !== STATUS_CODES[status]) {
    return `HTTP/1.1 ${status} ${sanitizeReason(reason)}\r\n`;
  }
  let line = statusLines.get(status);
  if (line === undefined) {
    line = `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Unknown'}\r\n`;
    statusLines.set(status, line);
  }
  return line;
}

function sanitizeReason(reason: string): string {
  return reason.replace(/[^\t\x20-\x7e\x80-\xff]/g, '');
}

/** Appends `name: value\r\n` lines for a header list. */
export function headerLines(headers: HeaderList): string {
  let out = '';
  for (let i = 0; i < headers.length; i += 2) out += `${headers[i]}: ${headers[i + 1]}\r\n`;
  return out;
}

/**
 * Serializes the head of a request for an HTTP/1.1 upstream. `chunked` adds
 * `transfer-encoding: chunked` (a body of unknown length). The target keeps absolute-form when
 * the client used it; `Host` is added from the authority when the request came over HTTP/2.
 */
export function requestHeadText(
  req: HttpRequest,
  chunked: boolean,
  defaultHost: string,
  transferCodings?: string,
): string {
  const target = req.absoluteForm ? `${req.scheme}://${req.authority}${req.path}` : req.path;
  let head = `${req.method} ${target} HTTP/1.1\r\n`;
  const headers = req.headers;
  let hasHost = false;
  for (let i = 0; i < headers.length; i += 2) {
    const name = headers[i]!;
    if (name === 'host') hasHost = true;
    // `te` is hop-by-hop: HTTP/2 requests keep `te: trailers` for gRPC, HTTP/1 peers never see it.
    else if (name === 'te') continue;
    head += `${name}: ${headers[i + 1]}\r\n`;
  }
  if (!hasHost) head += `host: ${req.authority !== '' ? req.authority : defaultHost}\r\n`;
  if (chunked) {
    head +=
      transferCodings === undefined
        ? 'transfer-encoding: chunked\r\n'
        : `transfer-encoding: ${transferCodings}, chunked\r\n`;
  }
  if (req.upgrade !== undefined) head += `connection: upgrade\r\nupgrade: ${req.upgrade}\r\n`;
  return `${head}\r\n`;
}

/**
 * Serializes a response head for an HTTP/1 client. `framing` decides the body delimitation the
 * client sees; `close` adds `connection: close`, and `keepAlive10` the HTTP/1.0 keep-alive
 * acknowledgement.
 */
export function responseHeadText(
  head: ResponseHead,
  framing: 'none' | 'length' | 'chunked' | 'close',
  close: boolean,
  keepAlive10: boolean,
  extra?: HeaderList,
): string {
  let text = statusLine(head.status, head.reason) + headerLines(head.headers);
  if (extra !== undefined) text += headerLines(extra);
  if (framing === 'chunked') text += 'transfer-encoding: chunked\r\n';
  if (close) text += 'connection: close\r\n';
  else if (keepAlive10) text += 'connection: keep-alive\r\n';
  return `${text}\r\n`;
}

/** The chunk-size line for a chunk of `length` bytes. */
export function chunkHeader(length: number): string {
  return `${length.toString(16)}\r\n`;
}

/** The last chunk plus trailers (if any) and the final CRLF. */
export function lastChunk(trailers: HeaderList | null): string {
  return trailers === null ? '0\r\n\r\n' : `0\r\n${headerLines(trailers)}\r\n`;
}

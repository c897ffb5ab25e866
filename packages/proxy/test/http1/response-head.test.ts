import { describe, expect, it } from 'vitest';
import { HttpParseError } from '../../src/http1/parse-error.js';
import { parseResponseHead } from '../../src/http1/response-head.js';

const head = (lines: string[]) => `${lines.join('\r\n')}\r\n`;

describe('parseResponseHead', () => {
  it('parses status, reason, headers and length framing', () => {
    const r = parseResponseHead(
      head(['HTTP/1.1 201 Created', 'Content-Length: 3', 'Set-Cookie: a=1', 'Set-Cookie: b=2']),
      'POST',
    );
    expect(r.status).toBe(201);
    expect(r.reason).toBe('Created');
    expect(r.framing).toBe('length');
    expect(r.contentLength).toBe(3);
    expect(r.headers).toEqual(['set-cookie', 'a=1', 'set-cookie', 'b=2', 'content-length', '3']);
  });

  it('knows which responses have no body', () => {
    expect(parseResponseHead(head(['HTTP/1.1 204 No Content']), 'GET').framing).toBe('none');
    expect(parseResponseHead(head(['HTTP/1.1 304 Not Modified', 'Content-Length: 10']), 'GET').framing).toBe(
      'none',
    );
    const headResp = parseResponseHead(head(['HTTP/1.1 200 OK', 'Content-Length: 10']), 'HEAD');
    expect(headResp.framing).toBe('none');
    expect(headResp.headers).toEqual(['content-length', '10']);
    expect(parseResponseHead(head(['HTTP/1.1 200 Connection established']), 'CONNECT').framing).toBe('none');
    expect(parseResponseHead(head(['HTTP/1.1 100 Continue']), 'PUT').framing).toBe('none');
  });

  it('uses chunked or close-delimited framing', () => {
    expect(parseResponseHead(head(['HTTP/1.1 200 OK', 'Transfer-Encoding: chunked']), 'GET').framing).toBe(
      'chunked',
    );
    const close = parseResponseHead(head(['HTTP/1.1 200 OK']), 'GET');
    expect(close.framing).toBe('close');
    expect(close.close).toBe(true);
    expect(parseResponseHead(head(['HTTP/1.0 200 OK', 'Content-Length: 1']), 'GET').close).toBe(true);
    expect(
      parseResponseHead(head(['HTTP/1.0 200 OK', 'Connection: keep-alive', 'Content-Length: 1']), 'GET')
        .close,
    ).toBe(false);
  });

  it('refuses ambiguous or malformed responses with 502', () => {
    const bad = [
      ['HTTP/1.1 200 OK', 'Content-Length: 3', 'Transfer-Encoding: chunked'],
      ['HTTP/1.1 200 OK', 'Content-Length: 3', 'Content-Length: 4'],
      ['HTTP/1.1 200 OK', 'Transfer-Encoding: gzip'],
      ['HTTP/1.1 2000 OK'],
      ['HTTP/2 200 OK'],
      ['HTTP/1.1 099 Weird'],
      ['HTTP/1.1 200 OK', 'Bad Header: x'],
      ['HTTP/1.1 200 OK', 'X: a\x00b'],
    ];
    for (const lines of bad) {
      try {
        parseResponseHead(head(lines), 'GET');
        expect.unreachable(lines.join('|'));
      } catch (err) {
        expect(err).toBeInstanceOf(HttpParseError);
        expect((err as HttpParseError).status).toBe(502);
      }
    }
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HttpParseError } from '../../src/http1/parse-error.js';
import { parseRequestHead } from '../../src/http1/request-head.js';

const head = (lines: string[]) => `${lines.join('\r\n')}\r\n`;

function statusOf(text: string): number {
  try {
    parseRequestHead(text);
    return 0;
  } catch (err) {
    expect(err).toBeInstanceOf(HttpParseError);
    return (err as HttpParseError).status;
  }
}

describe('parseRequestHead', () => {
  it('parses a request line, lowercases names and keeps order and repeats', () => {
    const h = parseRequestHead(
      head(['GET /a/b?c=d HTTP/1.1', 'Host: example.com:8080', 'X-Trace: 1', 'Accept: */*', 'x-trace:  2  ']),
    );
    expect(h.method).toBe('GET');
    expect(h.target).toBe('/a/b?c=d');
    expect(h.minor).toBe(1);
    expect(h.host).toBe('example.com:8080');
    expect(h.headers).toEqual(['host', 'example.com:8080', 'x-trace', '1', 'accept', '*/*', 'x-trace', '2']);
    expect(h.contentLength).toBe(0);
    expect(h.chunked).toBe(false);
    expect(h.close).toBe(false);
  });

  it('strips hop-by-hop fields and the fields Connection names', () => {
    const h = parseRequestHead(
      head([
        'GET / HTTP/1.1',
        'Host: a',
        'Connection: keep-alive, X-Private',
        'Keep-Alive: timeout=5',
        'Proxy-Connection: keep-alive',
        'TE: trailers',
        'X-Private: secret',
        'X-Public: ok',
      ]),
    );
    expect(h.headers).toEqual(['host', 'a', 'x-public', 'ok']);
  });

  it('knows HTTP/1.0 keep-alive and HTTP/1.1 close', () => {
    expect(parseRequestHead(head(['GET / HTTP/1.0'])).close).toBe(true);
    expect(parseRequestHead(head(['GET / HTTP/1.0', 'Connection: keep-alive'])).close).toBe(false);
    expect(parseRequestHead(head(['GET / HTTP/1.1', 'Host: a', 'Connection: close'])).close).toBe(true);
  });

  it('reads Content-Length and chunked framing', () => {
    const cl = parseRequestHead(head(['POST / HTTP/1.1', 'Host: a', 'Content-Length: 42']));
    expect(cl.contentLength).toBe(42);
    expect(cl.headers).toContain('content-length');
    const te = parseRequestHead(head(['POST / HTTP/1.1', 'Host: a', 'Transfer-Encoding: chunked']));
    expect(te.chunked).toBe(true);
    expect(te.contentLength).toBe(-1);
    expect(te.headers).not.toContain('transfer-encoding');
    const gz = parseRequestHead(
      head(['POST / HTTP/1.1', 'Host: a', 'Transfer-Encoding: gzip', 'Transfer-Encoding: chunked']),
    );
    expect(gz.transferCodings).toBe('gzip');
    expect(parseRequestHead(head(['POST / HTTP/1.1', 'Host: a', 'Content-Length: 7, 7'])).contentLength).toBe(
      7,
    );
  });

  it('recognises upgrades only with Connection: upgrade on HTTP/1.1', () => {
    const up = parseRequestHead(
      head(['GET /ws HTTP/1.1', 'Host: a', 'Connection: Upgrade', 'Upgrade: websocket']),
    );
    expect(up.upgrade).toBe('websocket');
    expect(up.headers).not.toContain('upgrade');
    expect(
      parseRequestHead(head(['GET /ws HTTP/1.1', 'Host: a', 'Upgrade: websocket'])).upgrade,
    ).toBeUndefined();
  });

  it('flags l5d-* headers and Expect: 100-continue', () => {
    const h = parseRequestHead(
      head([
        'PUT / HTTP/1.1',
        'Host: a',
        'Expect: 100-continue',
        'L5d-Dst-Override: x:80',
        'Content-Length: 1',
      ]),
    );
    expect(h.hasL5d).toBe(true);
    expect(h.expectContinue).toBe(true);
  });

  describe('request smuggling and malformed framing → 400', () => {
    const cases: Array<[string, string[]]> = [
      [
        'CL and TE together (CL.TE)',
        ['POST / HTTP/1.1', 'Host: a', 'Content-Length: 4', 'Transfer-Encoding: chunked'],
      ],
      [
        'TE and CL together (TE.CL)',
        ['POST / HTTP/1.1', 'Host: a', 'Transfer-Encoding: chunked', 'Content-Length: 4'],
      ],
      ['differing duplicate CL', ['POST / HTTP/1.1', 'Host: a', 'Content-Length: 4', 'Content-Length: 5']],
      ['CL list with different values', ['POST / HTTP/1.1', 'Host: a', 'Content-Length: 4, 5']],
      ['negative CL', ['POST / HTTP/1.1', 'Host: a', 'Content-Length: -1']],
      ['CL with sign', ['POST / HTTP/1.1', 'Host: a', 'Content-Length: +4']],
      ['hex CL', ['POST / HTTP/1.1', 'Host: a', 'Content-Length: 0x10']],
      ['huge CL', ['POST / HTTP/1.1', 'Host: a', 'Content-Length: 99999999999999999999']],
      ['TE not ending in chunked', ['POST / HTTP/1.1', 'Host: a', 'Transfer-Encoding: chunked, gzip']],
      ['TE chunked twice', ['POST / HTTP/1.1', 'Host: a', 'Transfer-Encoding: chunked, chunked']],
      ['TE with obfuscation', ['POST / HTTP/1.1', 'Host: a', 'Transfer-Encoding: xchunked']],
      ['TE on HTTP/1.0', ['POST / HTTP/1.0', 'Transfer-Encoding: chunked']],
      ['space before colon', ['GET / HTTP/1.1', 'Host: a', 'Content-Length : 4']],
      ['obs-fold', ['GET / HTTP/1.1', 'Host: a', 'X-A: b', ' continued']],
      ['no Host on HTTP/1.1', ['GET / HTTP/1.1']],
      ['two Hosts', ['GET / HTTP/1.1', 'Host: a', 'Host: b']],
      ['bad Host', ['GET / HTTP/1.1', 'Host: a b']],
      ['Host with path', ['GET / HTTP/1.1', 'Host: a/b']],
      ['bad method', ['G(T / HTTP/1.1', 'Host: a']],
      ['space in target', ['GET /a b HTTP/1.1', 'Host: a']],
      ['lowercase version', ['GET / http/1.1', 'Host: a']],
      ['header without colon', ['GET / HTTP/1.1', 'Host: a', 'NoColon']],
      ['empty header name', ['GET / HTTP/1.1', 'Host: a', ': value']],
      ['NUL in value', ['GET / HTTP/1.1', 'Host: a', 'X-A: b\x00c']],
      ['bare CR in value', ['GET / HTTP/1.1', 'Host: a', 'X-A: b\rc']],
      ['bare LF line ending', ['GET / HTTP/1.1\nHost: a']],
      ['non-ASCII in target', ['GET /\u00e9 HTTP/1.1', 'Host: a']],
    ];
    for (const [name, lines] of cases) {
      it(name, () => expect(statusOf(head(lines))).toBe(400));
    }
  });

  it('answers 505 to other HTTP versions, 501 to unknown codings, 414 and 431 over the limits', () => {
    expect(statusOf(head(['GET / HTTP/2.0', 'Host: a']))).toBe(505);
    expect(statusOf(head(['POST / HTTP/1.1', 'Host: a', 'Transfer-Encoding: br, chunked']))).toBe(501);
    expect(statusOf(head([`GET /${'a'.repeat(8192)} HTTP/1.1`, 'Host: a']))).toBe(414);
    const many = ['GET / HTTP/1.1', 'Host: a'];
    for (let i = 0; i < 100; i++) many.push(`X-${i}: v`);
    expect(statusOf(head(many))).toBe(431);
    expect(statusOf(head(many.slice(0, 101)))).toBe(0);
  });

  it('never throws anything but HttpParseError on arbitrary input', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (s) => {
        try {
          parseRequestHead(s);
        } catch (err) {
          return err instanceof HttpParseError;
        }
        return true;
      }),
      { numRuns: 2000 },
    );
  });

  it('round-trips generated valid requests', () => {
    const token = fc.stringMatching(/^[a-z][a-z0-9-]{0,15}$/);
    const value = fc.stringMatching(/^[!-~]([ -~]{0,30}[!-~])?$/);
    fc.assert(
      fc.property(
        fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH'),
        fc.stringMatching(/^\/[a-z0-9/._~-]{0,40}$/),
        fc.array(fc.tuple(token, value), { maxLength: 20 }),
        (method, path, fields) => {
          const filtered = fields.filter(
            ([n]) =>
              ![
                'host',
                'content-length',
                'transfer-encoding',
                'connection',
                'keep-alive',
                'te',
                'upgrade',
                'proxy-connection',
                'expect',
              ].includes(n),
          );
          const lines = [
            `${method} ${path} HTTP/1.1`,
            'Host: svc',
            ...filtered.map(([n, v]) => `${n}: ${v}`),
          ];
          const h = parseRequestHead(head(lines));
          expect(h.method).toBe(method);
          expect(h.target).toBe(path);
          expect(h.headers).toEqual(['host', 'svc', ...filtered.flat()]);
        },
      ),
      { numRuns: 500 },
    );
  });
});

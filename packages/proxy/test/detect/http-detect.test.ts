import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { detectHttp, HTTP_DETECT_MIN_BYTES, scanRequestHead } from '../../src/detect/http-detect.js';
import { captureFirstBytes } from './capture-first-bytes.js';

const b = (text: string) => Buffer.from(text, 'latin1');

describe('detectHttp', () => {
  it.each([
    ['full HTTP/2 preface', 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'h2'],
    ['HTTP/2 preface start (14 bytes)', 'PRI * HTTP/2.0', 'h2'],
    ['HTTP/2 preface followed by frames', 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n\x00\x00\x12\x04\x00', 'h2'],
    ['complete HTTP/1.1 request', 'GET / HTTP/1.1\r\nHost: a\r\n\r\n', 'http1'],
    ['HTTP/1.0 without headers', 'GET / HTTP/1.0\r\n\r\n', 'http1'],
    ['request line only, LF endings', 'GET /index HTTP/1.1\n\n', 'http1'],
    ['partial request line (14 bytes)', 'POST /upload H', 'http1'],
    ['partial version', 'GET /abc HTTP/1', 'http1'],
    ['partial target', 'OPTIONS /long/pa', 'http1'],
    ['absolute-form target', 'GET http://example.com/ HTTP/1.1\r\n', 'http1'],
    ['CONNECT authority-form', 'CONNECT example.com:443 HTTP/1.1\r\n\r\n', 'http1'],
    ['OPTIONS *', 'OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n', 'http1'],
    ['extension method', 'PROPFIND /dav HTTP/1.1\r\n\r\n', 'http1'],
    ['leading empty lines', '\r\n\r\nGET / HTTP/1.1\r\n\r\n', 'http1'],
    ['leading LF', '\nGET / HTTP/1.1\r\n', 'http1'],
    ['header line complete (too many headers)', 'GET / HTTP/1.1\r\nHost: example\r\n', 'http1'],
    ['header with obs-text value', 'GET / HTTP/1.1\r\nX: caf\xe9\r\n', 'http1'],
    ['header partial', 'GET / HTTP/1.1\r\nHos', 'http1'],
    ['13 bytes of a valid request', 'GET / HTTP/1.', 'not-http'],
    ['empty', '', 'not-http'],
    ['HTTP/2 preface start, 13 bytes', 'PRI * HTTP/2.', 'not-http'],
    ['HTTP/2.0 version in a request line', 'GET / HTTP/2.0\r\n\r\n', 'not-http'],
    ['HTTP/1.2', 'GET / HTTP/1.2\r\n\r\n', 'not-http'],
    ['lowercase version', 'GET / http/1.1\r\n\r\n', 'not-http'],
    ['two spaces after method', 'GET  / HTTP/1.1\r\n\r\n', 'not-http'],
    ['tab delimiter', 'GET\t/ HTTP/1.1\r\n\r\n', 'not-http'],
    ['space before method', ' GET / HTTP/1.1\r\n\r\n', 'not-http'],
    ['empty method', ' / HTTP/1.1\r\n\r\n\r\n', 'not-http'],
    ['no target', 'GET HTTP/1.1\r\n\r\n', 'not-http'],
    ['< in target', 'GET /<script> HTTP/1.1\r\n', 'not-http'],
    ['obs-text in target', 'GET /caf\xe9 HTTP/1.1\r\n', 'not-http'],
    ['bare CR before request', '\rGET / HTTP/1.1\r\n\r\n', 'not-http'],
    ['bare CR after version', 'GET / HTTP/1.1\rX\r\n\r\n', 'not-http'],
    ['garbage after version', 'GET / HTTP/1.1 \r\n\r\n', 'not-http'],
    ['space before header colon', 'GET / HTTP/1.1\r\nHost : a\r\n\r\n', 'not-http'],
    ['header starting with space (obs-fold)', 'GET / HTTP/1.1\r\n folded\r\n', 'not-http'],
    ['NUL in header value', 'GET / HTTP/1.1\r\nX: a\x00b\r\n', 'not-http'],
    ['DEL in header value', 'GET / HTTP/1.1\r\nX: a\x7fb\r\n', 'not-http'],
    ['bare CR in header value', 'GET / HTTP/1.1\r\nX: a\rb\r\n', 'not-http'],
    ['bare CR ending the head', 'GET / HTTP/1.1\r\n\rX', 'not-http'],
    ['HTTP response', 'HTTP/1.1 200 OK\r\n\r\n', 'not-http'],
    ['TLS ClientHello', '\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03abcdefgh', 'not-http'],
    ['SSH banner', 'SSH-2.0-OpenSSH_9.2p1\r\n', 'not-http'],
    ['redis RESP', '*1\r\n$4\r\nPING\r\n', 'not-http'],
  ])('%s → %s', (_name, input, expected) => {
    expect(detectHttp(b(input))).toBe(expected);
  });

  it('accepts every tchar in a method and rejects separators', () => {
    for (const c of "!#$%&'*+-.^_`|~09AZaz") expect(detectHttp(b(`M${c} / HTTP/1.1\r\n\r\n`))).toBe('http1');
    for (const c of '"(),/:;<=>?@[\\]{}\x7f\x80')
      expect(detectHttp(b(`M${c} / HTTP/1.1\r\n\r\n`))).toBe('not-http');
  });
});

describe('scanRequestHead', () => {
  it('tells complete, partial and too-many-headers apart', () => {
    expect(scanRequestHead(b('GET / HTTP/1.1\r\n\r\n'))).toBe('complete');
    expect(scanRequestHead(b('GET / HTTP/1.1\r\n\r'))).toBe('partial');
    expect(scanRequestHead(b('GET / HTTP/1.1\r\nA: b\r\n'))).toBe('too-many-headers');
    expect(scanRequestHead(b('GET / HTTP/1.1\r\nA: b\n'))).toBe('too-many-headers');
    expect(scanRequestHead(b('GET / HTTP/1.1\r\nA:\r\n'))).toBe('too-many-headers');
    expect(scanRequestHead(b('GET / HTTP/1.1\r\nA: b\r'))).toBe('partial');
    expect(scanRequestHead(b('\r'))).toBe('partial');
    expect(scanRequestHead(b(''))).toBe('partial');
    expect(scanRequestHead(b('GET / HTTP/1.1\r\n:a\r\n'))).toBe('invalid');
  });
});

// Request heads built from the grammar httparse accepts.
const tchar = fc.constantFrom(
  ..."!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
);
const uriChar = fc
  .integer({ min: 0x21, max: 0x7e })
  .map((c) => String.fromCharCode(c))
  .filter((c) => c !== '<' && c !== '>');
const valueChar = fc
  .oneof(fc.integer({ min: 0x20, max: 0x7e }), fc.constant(0x09), fc.integer({ min: 0x80, max: 0xff }))
  .map((c) => String.fromCharCode(c));
const eol = fc.constantFrom('\r\n', '\n');
const validHead = fc
  .record({
    empties: fc.array(eol, { maxLength: 2 }),
    method: fc.string({ unit: tchar, minLength: 1, maxLength: 10 }),
    target: fc.string({ unit: uriChar, minLength: 1, maxLength: 40 }),
    minor: fc.constantFrom('0', '1'),
    eol1: eol,
    headers: fc.array(
      fc.tuple(
        fc.string({ unit: tchar, minLength: 1, maxLength: 12 }),
        fc.string({ unit: valueChar, maxLength: 20 }),
        eol,
      ),
      { maxLength: 3 },
    ),
    eol2: eol,
  })
  .map((h) =>
    b(
      `${h.empties.join('')}${h.method} ${h.target} HTTP/1.${h.minor}${h.eol1}${h.headers
        .map(([n, v, e]) => `${n}: ${v}${e}`)
        .join('')}${h.eol2}`,
    ),
  );

describe('detectHttp properties', () => {
  it('never throws, answers one of three values, and is deterministic', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 1100 }), (bytes) => {
        const first = detectHttp(bytes);
        expect(['h2', 'http1', 'not-http']).toContain(first);
        expect(detectHttp(bytes)).toBe(first);
      }),
      { numRuns: 2000 },
    );
  });

  it('calls anything shorter than 14 bytes not HTTP', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: HTTP_DETECT_MIN_BYTES - 1 }), (bytes) => {
        expect(detectHttp(bytes)).toBe('not-http');
      }),
    );
  });

  it('calls anything starting with the HTTP/2 preface line h2', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), (rest) => {
        expect(detectHttp(Buffer.concat([b('PRI * HTTP/2.0'), rest]))).toBe('h2');
      }),
    );
  });

  it('calls every prefix of 14+ bytes of a valid request head http1', () => {
    fc.assert(
      fc.property(validHead, fc.nat(), (head, cut) => {
        if (head.length < HTTP_DETECT_MIN_BYTES) return;
        const length = HTTP_DETECT_MIN_BYTES + (cut % (head.length - HTTP_DETECT_MIN_BYTES + 1));
        expect(detectHttp(head.subarray(0, length))).toBe('http1');
      }),
      { numRuns: 1000 },
    );
  });

  it('calls a head whose method separator is broken not HTTP', () => {
    fc.assert(
      fc.property(validHead, fc.constantFrom('\t', '\x00', '\r', '"', '/', '\x7f'), (head, bad) => {
        const text = head.toString('latin1').replace(/^(\r?\n)*/, '');
        const broken = b(text.replace(' ', bad));
        if (broken.length < HTTP_DETECT_MIN_BYTES) return;
        expect(detectHttp(broken)).toBe('not-http');
      }),
      { numRuns: 500 },
    );
  });
});

describe('detectHttp on first bytes captured from real clients', () => {
  it('curl HTTP/1.1 → http1', async () => {
    const bytes = await captureFirstBytes('curl', (port) => [
      '-s',
      '-m',
      '5',
      `http://127.0.0.1:${port}/path?q=1`,
    ]);
    expect(bytes.toString('latin1')).toMatch(/^GET \/path\?q=1 HTTP\/1\.1\r\n/);
    expect(detectHttp(bytes.subarray(0, 1024))).toBe('http1');
  });

  it('curl --http1.0 → http1', async () => {
    const bytes = await captureFirstBytes('curl', (port) => [
      '-s',
      '-m',
      '5',
      '--http1.0',
      `http://127.0.0.1:${port}/`,
    ]);
    expect(detectHttp(bytes.subarray(0, 1024))).toBe('http1');
  });

  it('curl --http2-prior-knowledge → h2', async () => {
    const bytes = await captureFirstBytes(
      'curl',
      (port) => ['-s', '-m', '5', '--http2-prior-knowledge', `http://127.0.0.1:${port}/`],
      {
        minBytes: 24,
      },
    );
    expect(detectHttp(bytes.subarray(0, 1024))).toBe('h2');
  });

  it('nghttp → h2', async () => {
    const bytes = await captureFirstBytes('nghttp', (port) => ['-t', '5', `http://127.0.0.1:${port}/`], {
      minBytes: 24,
    });
    expect(detectHttp(bytes.subarray(0, 1024))).toBe('h2');
  });

  it('openssl s_client (a TLS ClientHello) → not-http', async () => {
    const bytes = await captureFirstBytes('openssl', (port) => [
      's_client',
      '-connect',
      `127.0.0.1:${port}`,
      '-quiet',
    ]);
    expect(detectHttp(bytes.subarray(0, 1024))).toBe('not-http');
  });

  it('ssh (client banner) → not-http', async () => {
    const bytes = await captureFirstBytes('ssh', (port) => [
      '-p',
      String(port),
      '-o',
      'BatchMode=yes',
      '-o',
      'StrictHostKeyChecking=no',
      '-o',
      'UserKnownHostsFile=/dev/null',
      'nobody@127.0.0.1',
    ]);
    expect(bytes.toString('latin1')).toMatch(/^SSH-2\.0-/);
    expect(detectHttp(bytes.subarray(0, 1024))).toBe('not-http');
  });

  it('psql (PostgreSQL startup packet) → not-http', async () => {
    const bytes = await captureFirstBytes(
      'psql',
      (port) => [`postgresql://u@127.0.0.1:${port}/db?sslmode=disable&connect_timeout=5`],
      {
        minBytes: 8,
      },
    );
    expect(detectHttp(bytes.subarray(0, 1024))).toBe('not-http');
  });
});

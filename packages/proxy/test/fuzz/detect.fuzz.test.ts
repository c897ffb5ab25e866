import { expectTyped, FuzzSuite } from '@skein/testkit';
import fc from 'fast-check';
import { describe, expect } from 'vitest';
import {
  detectHttp,
  detectInboundHttp,
  HTTP_DETECT_MIN_BYTES,
  scanRequestHead,
} from '../../src/detect/http-detect.js';
import { HttpParseError } from '../../src/http1/parse-error.js';
import { parseRequestHead } from '../../src/http1/request-head.js';

// Protocol detection (spec §2.6) is the first code that sees a connection's bytes; the HTTP/1
// head parser is the second. Detection must be total, stable as bytes arrive, and must never
// turn away a head the parser would accept (the connection would go opaque instead of HTTP).

const H2_PREFACE = 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n';
const tchar = fc.constantFrom(
  ..."!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ",
);
const token = fc.string({ unit: tchar, minLength: 1, maxLength: 12 });
const visible = fc.constantFrom(...Array.from({ length: 94 }, (_, i) => String.fromCharCode(0x21 + i)));
// Spec detection (httparse's URI set) refuses `<` and `>` in the request-target while the HTTP/1
// parser accepts them; inbound detection (detectInboundHttp) accepts them, so such a request is
// never forwarded as opaque TCP past l5d-client-id stripping.
const targetChar = visible;
const fieldValue = fc.string({ unit: fc.oneof(visible, fc.constant(' '), fc.constant('\t')), maxLength: 40 });
const target = fc.oneof(
  fc.string({ unit: targetChar, minLength: 1, maxLength: 60 }).map((s) => `/${s}`),
  fc.constant('*'),
  fc.webUrl(),
);

/** Request heads built from the grammar, some valid, some one step away from valid. */
const requestHead = fc
  .record({
    blankLines: fc.nat(2),
    method: fc.oneof(fc.constantFrom('GET', 'POST', 'HEAD', 'OPTIONS', 'CONNECT'), token),
    target,
    version: fc.constantFrom('HTTP/1.1', 'HTTP/1.0', 'HTTP/1.1', 'HTTP/2.0', 'HTTP/1.2', 'http/1.1'),
    host: fc.option(fc.domain(), { nil: undefined }),
    fields: fc.array(fc.tuple(token, fieldValue), { maxLength: 8 }),
    eol: fc.constantFrom('\r\n', '\r\n', '\r\n', '\n'),
  })
  .map(({ blankLines, method, target, version, host, fields, eol }) => {
    let head = `${'\r\n'.repeat(blankLines)}${method} ${target} ${version}${eol}`;
    if (host !== undefined) head += `Host: ${host}${eol}`;
    for (const [name, value] of fields) head += `${name}: ${value}${eol}`;
    return head;
  });

const bytes = (s: string) => Buffer.from(s, 'latin1');

describe('fuzz: protocol detection', () => {
  const suite = new FuzzSuite({
    id: 'proxy-protocol-detection',
    target:
      'Protocol detection (detectHttp, scanRequestHead) on arbitrary bytes and grammar-built request heads, against the HTTP/1 head parser',
    expected:
      'total (an answer for every input, no exception, no hang); stable as bytes arrive; never calls not-http what the HTTP/1 parser accepts; h2 preface always h2',
  });

  suite.property(
    'any bytes get an answer and never an exception',
    fc.uint8Array({ maxLength: 1100 }),
    (input) => {
      const result = detectHttp(input);
      expect(['h2', 'http1', 'not-http']).toContain(result);
      if (input.length < HTTP_DETECT_MIN_BYTES) expect(result).toBe('not-http');
    },
  );

  suite.property(
    'the HTTP/2 preface followed by anything is h2',
    fc.tuple(fc.integer({ min: 14, max: H2_PREFACE.length }), fc.uint8Array({ maxLength: 64 })),
    ([cut, rest]) => {
      expect(detectHttp(Buffer.concat([bytes(H2_PREFACE.slice(0, cut)), rest]))).toBe('h2');
    },
  );

  suite.property(
    'a head the parser accepts is never not-http: inbound at any prefix, spec detection from 14 bytes',
    requestHead,
    (head) => {
      let accepted = false;
      try {
        parseRequestHead(head.replace(/^(\r\n)+/, ''));
        accepted = true;
      } catch (err) {
        expectTyped(err, HttpParseError);
      }
      if (!accepted) return;
      const full = bytes(`${head}\r\n`);
      // Inbound: at every prefix, from the first byte on.
      for (let n = 1; n <= full.length; n++) {
        expect(detectInboundHttp(full.subarray(0, n)), JSON.stringify(head.slice(0, n))).toBe('http1');
      }
      // Spec detection (httparse) from 14 bytes, for targets httparse allows.
      const line = head.replace(/^(\r\n)+/, '');
      if (/^\S+ \S*[<>]/.test(line)) return;
      for (let n = HTTP_DETECT_MIN_BYTES; n <= full.length; n++) {
        expect(detectHttp(full.subarray(0, n)), JSON.stringify(head.slice(0, n))).toBe('http1');
      }
    },
  );

  suite.property(
    'scanning is stable: once invalid, more bytes never make it valid; once complete, it stays complete',
    fc.tuple(fc.oneof(requestHead, fc.string({ maxLength: 200 })), fc.uint8Array({ maxLength: 64 })),
    ([head, tail]) => {
      const all = Buffer.concat([bytes(head), tail]);
      let previous = scanRequestHead(all.subarray(0, 0));
      for (let n = 1; n <= all.length; n++) {
        const now = scanRequestHead(all.subarray(0, n));
        if (previous === 'invalid') expect(now).toBe('invalid');
        if (previous === 'complete' || previous === 'too-many-headers') expect(now).toBe(previous);
        previous = now;
      }
    },
  );

  suite.record();
});

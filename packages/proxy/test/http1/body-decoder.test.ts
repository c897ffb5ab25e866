import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BodyDecoder } from '../../src/http1/body-decoder.js';
import { HttpParseError } from '../../src/http1/parse-error.js';

function decode(framing: 'length' | 'chunked' | 'close', length: number, parts: string[]) {
  const chunks: Buffer[] = [];
  const d = new BodyDecoder(framing, length, { onBodyData: (c) => chunks.push(Buffer.from(c)) }, 400);
  let end = -1;
  let rest = '';
  for (const p of parts) {
    const buf = Buffer.from(p, 'latin1');
    if (end >= 0) {
      rest += p;
      continue;
    }
    end = d.feed(buf, 0);
    if (end >= 0) rest = buf.subarray(end).toString('latin1');
  }
  return {
    body: Buffer.concat(chunks).toString('latin1'),
    done: d.done,
    trailers: d.trailers,
    rest,
    decoder: d,
  };
}

describe('BodyDecoder', () => {
  it('decodes a content-length body and returns where it ended', () => {
    const r = decode('length', 5, ['hel', 'loGET /next']);
    expect(r.body).toBe('hello');
    expect(r.done).toBe(true);
    expect(r.rest).toBe('GET /next');
  });

  it('decodes chunked bodies with extensions and trailers', () => {
    const r = decode('chunked', -1, [
      '5;ext=1\r\nhello\r\n6 ; a\r\n world\r\n0\r\nX-Checksum: abc\r\nX-Two: 2\r\n\r\nNEXT',
    ]);
    expect(r.body).toBe('hello world');
    expect(r.trailers).toEqual(['x-checksum', 'abc', 'x-two', '2']);
    expect(r.rest).toBe('NEXT');
  });

  it('decodes the same chunked body split at every byte boundary', () => {
    const wire = 'a\r\n0123456789\r\n1\r\nZ\r\n0\r\nT: v\r\n\r\n';
    for (let i = 1; i < wire.length; i++) {
      const r = decode('chunked', -1, [wire.slice(0, i), wire.slice(i)]);
      expect(r.body, `split at ${i}`).toBe('0123456789Z');
      expect(r.trailers).toEqual(['t', 'v']);
      expect(r.done).toBe(true);
    }
    const bytes = [...wire];
    const r = decode('chunked', -1, bytes);
    expect(r.body).toBe('0123456789Z');
  });

  it('handles an empty trailer section split across feeds', () => {
    expect(decode('chunked', -1, ['0\r\n', '\r', '\nX']).rest).toBe('X');
    expect(decode('chunked', -1, ['0\r\n\r\n']).done).toBe(true);
  });

  it('drops framing fields from trailers', () => {
    expect(decode('chunked', -1, ['0\r\nContent-Length: 5\r\nOk: 1\r\n\r\n']).trailers).toEqual(['ok', '1']);
  });

  describe('rejects bad chunked framing', () => {
    const bad: Array<[string, string]> = [
      ['missing size', '\r\nabc\r\n0\r\n\r\n'],
      ['non-hex size', 'g\r\nabc\r\n0\r\n\r\n'],
      ['size overflow', 'fffffffffffffffff\r\n'],
      ['no CRLF after data', '3\r\nabcX\r\n0\r\n\r\n'],
      ['bare LF after size', '3\nabc\r\n0\r\n\r\n'],
      ['control char in extension', '3;\x01\r\nabc\r\n0\r\n\r\n'],
      ['huge extension', `3;${'a'.repeat(5000)}\r\nabc\r\n`],
      ['bad trailer', '0\r\nno colon here\r\n\r\n'],
      ['huge trailers', `0\r\n${'X-A: b\r\n'.repeat(3000)}`],
    ];
    for (const [name, wire] of bad) {
      it(name, () => {
        expect(() => decode('chunked', -1, [wire])).toThrow(HttpParseError);
      });
    }
  });

  it('reads close-delimited bodies until finish()', () => {
    const chunks: string[] = [];
    const d = new BodyDecoder('close', -1, { onBodyData: (c) => chunks.push(c.toString()) }, 502);
    expect(d.feed(Buffer.from('abc'), 0)).toBe(-1);
    expect(d.feed(Buffer.from('def'), 1)).toBe(-1);
    d.finish();
    expect(d.done).toBe(true);
    expect(chunks.join('')).toBe('abcef');
  });

  it('reports a truncated body on finish() with the configured status', () => {
    const d = new BodyDecoder('length', 10, { onBodyData: () => {} }, 502);
    d.feed(Buffer.from('abc'), 0);
    try {
      d.finish();
      expect.unreachable();
    } catch (err) {
      expect((err as HttpParseError).status).toBe(502);
    }
  });

  it('decodes any chunking of any payload back to the payload', () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ minLength: 1, maxLength: 200 }), { maxLength: 10 }),
        fc.integer({ min: 1, max: 50 }),
        (pieces, split) => {
          const payload = Buffer.concat(pieces.map((p) => Buffer.from(p)));
          const wire = Buffer.concat([
            ...pieces.flatMap((p) => [
              Buffer.from(`${p.length.toString(16)}\r\n`),
              Buffer.from(p),
              Buffer.from('\r\n'),
            ]),
            Buffer.from('0\r\n\r\n'),
          ]);
          const out: Buffer[] = [];
          const d = new BodyDecoder('chunked', -1, { onBodyData: (c) => out.push(Buffer.from(c)) }, 400);
          for (let i = 0; i < wire.length; i += split) {
            const end = d.feed(wire.subarray(i, Math.min(wire.length, i + split)), 0);
            if (end >= 0) break;
          }
          expect(d.done).toBe(true);
          expect(Buffer.concat(out).equals(payload)).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });
});

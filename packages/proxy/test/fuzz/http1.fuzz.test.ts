import { once } from 'node:events';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { expectTyped, FuzzSuite } from '@skein/testkit';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import type { Dispatcher, HeaderList, HttpRequest, ResponseHandler } from '../../src/http/types.js';
import { BodyDecoder } from '../../src/http1/body-decoder.js';
import { parseContentLength } from '../../src/http1/head-syntax.js';
import { HttpParseError } from '../../src/http1/parse-error.js';
import { parseRequestHead } from '../../src/http1/request-head.js';
import { parseResponseHead } from '../../src/http1/response-head.js';
import { Http1ServerConnection } from '../../src/http1/server-connection.js';

// The proxy's own HTTP/1 parsers (request head, response head, chunked/length body decoder) and
// its server connection. Request smuggling is a disagreement between two parsers about where a
// message ends, so besides totality the central property is differential: a stream of pipelined
// requests must be split into the same requests, heads and bodies by the proxy and by llhttp
// (node:http), whatever the TCP segmentation.

const tchar = fc.constantFrom(
  ..."!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ",
);
const token = fc.string({ unit: tchar, minLength: 1, maxLength: 10 });
const vchar = fc.constantFrom(...Array.from({ length: 94 }, (_, i) => String.fromCharCode(0x21 + i)));
const fieldValue = fc
  .string({
    unit: fc.oneof({ weight: 8, arbitrary: vchar }, fc.constant(' '), fc.constant('\t')),
    maxLength: 30,
  })
  .map((v) => v.trim());
const pathChar = fc.constantFrom(..."abcdefghijklmnopqrstuvwxyz0123456789-._~!$&'()*+,;=:@/%?");
const latin1Body = fc.uint8Array({ maxLength: 600 }).map((b) => Buffer.from(b).toString('latin1'));
const randomCase = (s: string, flips: boolean[]) =>
  [...s].map((c, i) => (flips[i % Math.max(1, flips.length)] ? c.toUpperCase() : c)).join('');

interface GeneratedRequest {
  method: string;
  path: string;
  fields: [string, string][];
  body: string;
  framing: 'none' | 'length' | 'chunked';
  chunkSizes: number[];
  extensions: string[];
  trailers: [string, string][];
  teSpelling: string;
}

const generatedRequest: fc.Arbitrary<GeneratedRequest> = fc.record({
  method: fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE'),
  path: fc.string({ unit: pathChar, maxLength: 40 }).map((p) => `/${p}`),
  // x- names never collide with the fields the proxy treats specially (hop-by-hop, framing).
  fields: fc.uniqueArray(
    fc.tuple(
      token.map((t) => `x-${t}`),
      fieldValue,
    ),
    {
      maxLength: 6,
      selector: ([n]) => n.toLowerCase(),
    },
  ),
  body: latin1Body,
  framing: fc.constantFrom('none', 'length', 'chunked'),
  chunkSizes: fc.array(fc.integer({ min: 1, max: 200 }), { minLength: 1, maxLength: 6 }),
  extensions: fc.array(fc.constantFrom('', ';a=b', ';name', ';q="x y"', ' ;ext=1'), {
    minLength: 1,
    maxLength: 6,
  }),
  trailers: fc.uniqueArray(
    fc.tuple(
      token.map((t) => `x-t-${t}`),
      fieldValue,
    ),
    {
      maxLength: 3,
      selector: ([n]) => n.toLowerCase(),
    },
  ),
  teSpelling: fc.array(fc.boolean(), { maxLength: 7 }).map((flips) => randomCase('chunked', flips)),
});

function serialize(r: GeneratedRequest, id: string, last: boolean): string {
  const body = r.framing === 'none' ? '' : r.body;
  let head = `${r.method} /${id}${r.path} HTTP/1.1\r\nHost: fuzz.test\r\n`;
  for (const [n, v] of r.fields) head += `${n}: ${v}\r\n`;
  if (r.framing === 'length') head += `Content-Length: ${body.length}\r\n`;
  if (r.framing === 'chunked') head += `Transfer-Encoding: ${r.teSpelling}\r\n`;
  if (last) head += 'Connection: close\r\n';
  head += '\r\n';
  if (r.framing !== 'chunked') return head + body;
  let out = head;
  let at = 0;
  let k = 0;
  while (at < body.length) {
    const size = Math.min(r.chunkSizes[k % r.chunkSizes.length]!, body.length - at);
    out += `${size.toString(16)}${r.extensions[k % r.extensions.length]}\r\n${body.slice(at, at + size)}\r\n`;
    at += size;
    k++;
  }
  out += '0\r\n';
  for (const [n, v] of r.trailers) out += `${n}: ${v}\r\n`;
  return `${out}\r\n`;
}

/** What a server saw of one request, in comparable form. */
interface Seen {
  method: string;
  path: string;
  fields: Record<string, string>;
  body: string;
  trailers: Record<string, string>;
}

const only = (entries: Iterable<[string, string]>, prefix: string) =>
  Object.fromEntries([...entries].filter(([n]) => n.startsWith(prefix)));

/** The proxy's HTTP/1 server connection in front of a dispatcher that records and answers 200. */
class RecordingDispatcher implements Dispatcher {
  readonly seen: Seen[] = [];
  dispatch(request: HttpRequest, handler: ResponseHandler): void {
    handler.onStart({ pause() {}, resume() {}, abort() {} });
    const fields: [string, string][] = [];
    for (let i = 0; i < request.headers.length; i += 2)
      fields.push([request.headers[i]!, request.headers[i + 1]!]);
    const record = (body: string, trailers: HeaderList | null) => {
      const t: [string, string][] = [];
      for (let i = 0; trailers !== null && i < trailers.length; i += 2)
        t.push([trailers[i]!, trailers[i + 1]!]);
      this.seen.push({
        method: request.method,
        path: request.path,
        fields: only(fields, 'x-'),
        body,
        trailers: only(t, 'x-t-'),
      });
      handler.onHead({
        status: 200,
        reason: '',
        headers: ['content-length', '0'],
        contentLength: 0,
        hasBody: false,
        version: 11,
      });
      handler.onEnd(null);
    };
    if (request.body === null) {
      record('', null);
      return;
    }
    const chunks: Buffer[] = [];
    request.body.attach({
      onData: (c) => {
        chunks.push(Buffer.from(c));
        return true;
      },
      onEnd: (trailers) => record(Buffer.concat(chunks).toString('latin1'), trailers),
      onError: () => {},
    });
  }
}

/** Sends `payload` in the given pieces and resolves when the server closes the connection. */
function send(port: number, pieces: Buffer[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    const got: Buffer[] = [];
    socket.on('data', (c: Buffer) => got.push(c));
    let connected = false;
    socket.on('close', () => resolve(Buffer.concat(got).toString('latin1')));
    // Once connected, a reset or EPIPE only means the server refused the stream part-way.
    socket.on('error', (err) => (connected ? undefined : reject(err)));
    socket.setTimeout(5000, () => socket.destroy(new Error('server neither answered nor closed in 5 s')));
    socket.on('connect', () => {
      connected = true;
      socket.setNoDelay(true);
      let i = 0;
      const next = () => {
        if (i >= pieces.length) return;
        if (socket.destroyed) return;
        socket.write(pieces[i++]!, (err) => (err ? undefined : setImmediate(next)));
      };
      next();
    });
  });
}

function split(bytes: Buffer, cuts: number[]): Buffer[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const out: Buffer[] = [];
  let from = 0;
  for (const p of points) {
    if (p > from) out.push(bytes.subarray(from, p));
    from = Math.max(from, p);
  }
  if (from < bytes.length) out.push(bytes.subarray(from));
  return out;
}

describe('fuzz: HTTP/1 parsers and server connection', () => {
  const suite = new FuzzSuite({
    id: 'proxy-http1',
    target:
      "The proxy's HTTP/1 request-head, response-head and body (chunked, length) parsers on arbitrary text and bytes, and its server connection against llhttp (node:http) on pipelined request streams cut into random TCP segments",
    expected:
      'only HttpParseError with a documented status (400/414/431/501/505; 502 for responses); chunked bodies decode to what was encoded however they are split; the proxy and llhttp split a pipelined stream into the same requests, heads, bodies and trailers',
    msPerRun: 20,
  });
  const dispatcher = new RecordingDispatcher();
  const llhttpSeen: Seen[] = [];
  let proxyPort = 0;
  let llhttpPort = 0;
  const proxyServer = net.createServer((socket) => {
    const info = {
      direction: 'outbound' as const,
      remote: { ip: '127.0.0.1', port: socket.remotePort ?? 0 },
      local: { ip: '127.0.0.1', port: socket.localPort ?? 0 },
      originalDst: undefined,
      tls: { kind: 'none' as const, reason: 'loopback' as const },
      id: 0,
    };
    new Http1ServerConnection(socket, null, { dispatcher, info });
  });
  const llhttpServer = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      llhttpSeen.push({
        method: req.method ?? '',
        path: req.url ?? '',
        fields: only(Object.entries(req.headers) as [string, string][], 'x-'),
        body: Buffer.concat(chunks).toString('latin1'),
        trailers: only(Object.entries(req.trailers) as [string, string][], 'x-t-'),
      });
      res.setHeader('content-length', '0');
      res.end();
    });
  });

  beforeAll(async () => {
    proxyServer.listen(0, '127.0.0.1');
    llhttpServer.listen(0, '127.0.0.1');
    await Promise.all([once(proxyServer, 'listening'), once(llhttpServer, 'listening')]);
    proxyPort = (proxyServer.address() as AddressInfo).port;
    llhttpPort = (llhttpServer.address() as AddressInfo).port;
  });

  afterAll(async () => {
    llhttpServer.closeAllConnections();
    await Promise.all([new Promise((r) => proxyServer.close(r)), new Promise((r) => llhttpServer.close(r))]);
  });

  const statuses = new Set([400, 414, 431, 501, 505]);

  suite.property(
    'request heads: a parsed head or HttpParseError with a documented status',
    fc.oneof(
      fc.string({ maxLength: 400 }),
      fc
        .array(
          fc.oneof(
            fc.string({ maxLength: 30 }),
            fc.constantFrom(
              '\r\n',
              ':',
              ' ',
              'HTTP/1.1',
              'Host',
              'Transfer-Encoding',
              'Content-Length',
              'chunked',
              '\t',
              '\n',
              '\r',
            ),
          ),
          { maxLength: 40 },
        )
        .map((p) => p.join('')),
      generatedRequest.map((r) => `${serialize(r, 'h', false).split('\r\n\r\n')[0]!}\r\n`),
    ),
    (head) => {
      try {
        const r = parseRequestHead(head);
        expect(r.chunked && r.contentLength !== -1).toBe(false);
      } catch (err) {
        expectTyped(err, HttpParseError);
        expect(statuses.has((err as HttpParseError).status), (err as Error).message).toBe(true);
      }
    },
  );

  suite.property(
    'response heads: a parsed head or HttpParseError(502)',
    fc.tuple(
      fc.oneof(
        fc.string({ maxLength: 300 }),
        fc
          .tuple(fc.integer({ min: 0, max: 999 }), fc.array(fc.tuple(token, fieldValue), { maxLength: 6 }))
          .map(([s, f]) => `HTTP/1.1 ${s} X\r\n${f.map(([n, v]) => `${n}: ${v}\r\n`).join('')}`),
      ),
      fc.constantFrom('GET', 'HEAD', 'CONNECT', 'POST'),
    ),
    ([head, method]) => {
      try {
        parseResponseHead(head, method);
      } catch (err) {
        expectTyped(err, HttpParseError);
        expect((err as HttpParseError).status).toBe(502);
      }
    },
  );

  suite.property(
    'chunked bodies decode to what was encoded, however the bytes are split; trailing bytes are left alone',
    fc.tuple(generatedRequest, fc.array(fc.nat(), { maxLength: 8 }), fc.uint8Array({ maxLength: 20 })),
    ([r, cuts, after]) => {
      const wire = serialize({ ...r, framing: 'chunked' }, 'b', false);
      const bodyBytes = Buffer.concat([
        Buffer.from(wire.slice(wire.indexOf('\r\n\r\n') + 4), 'latin1'),
        after,
      ]);
      const out: Buffer[] = [];
      const decoder = new BodyDecoder('chunked', 0, { onBodyData: (c) => out.push(Buffer.from(c)) }, 400);
      let consumedUpTo = -1;
      let offset = 0;
      for (const piece of split(bodyBytes, cuts)) {
        if (consumedUpTo >= 0) break;
        const end = decoder.feed(piece, 0);
        if (end >= 0) consumedUpTo = offset + end;
        offset += piece.length;
      }
      expect(decoder.done).toBe(true);
      expect(Buffer.concat(out).toString('latin1')).toBe(r.body);
      expect(consumedUpTo).toBe(bodyBytes.length - after.length);
      const trailers = decoder.trailers ?? [];
      expect(trailers.length).toBe(r.trailers.length * 2);
    },
  );

  suite.property(
    'arbitrary bodies: the decoder ends, needs more, or throws HttpParseError',
    fc.tuple(
      fc.constantFrom('chunked' as const, 'length' as const),
      fc.nat(1000),
      fc.uint8Array({ maxLength: 500 }),
      fc.array(fc.nat(), { maxLength: 4 }),
    ),
    ([framing, length, bytes, cuts]) => {
      const decoder = new BodyDecoder(framing, length, { onBodyData: () => {} }, 400);
      try {
        for (const piece of split(Buffer.from(bytes), cuts)) if (decoder.feed(piece, 0) >= 0) break;
        decoder.finish();
      } catch (err) {
        expectTyped(err, HttpParseError);
        expect((err as HttpParseError).status).toBe(400);
      }
    },
  );

  suite.property(
    'Content-Length: digits round-trip, anything else is refused',
    fc.oneof(fc.nat().map(String), fc.string({ maxLength: 20 })),
    (text) => {
      const n = parseContentLength(text);
      if (/^\d{1,15}$/.test(text)) expect(n).toBe(Number(text));
      else if (!text.includes(',')) expect(n).toBe(-2);
    },
  );

  let run = 0;
  let agreedRuns = 0;
  let differentialRuns = 0;
  suite.asyncProperty(
    'differential: the proxy and llhttp split pipelined requests identically, whatever the segmentation',
    fc.tuple(
      fc.array(generatedRequest, { minLength: 1, maxLength: 3 }),
      fc.array(fc.nat(), { maxLength: 6 }),
    ),
    async ([requests, cuts]) => {
      const id = `r${++run}`;
      const wire = Buffer.from(
        requests.map((r, i) => serialize(r, `${id}-${i}`, i === requests.length - 1)).join(''),
        'latin1',
      );
      const pieces = split(wire, cuts);
      const [ours, theirs] = await Promise.all([send(proxyPort, pieces), send(llhttpPort, pieces)]);
      const mine = dispatcher.seen.filter((s) => s.path.startsWith(`/${id}-`));
      const llhttp = llhttpSeen.filter((s) => s.path.startsWith(`/${id}-`));
      // Where one parser refuses a request the other takes (each is stricter somewhere: llhttp
      // about whitespace in chunk lines, the proxy about field syntax), the connection ends there;
      // every request both parsed must be the same request. The proxy re-frames what it
      // forwards, so being more lenient cannot desynchronise it from an upstream.
      const both = Math.min(mine.length, llhttp.length);
      expect(
        mine.slice(0, both),
        `proxy: ${JSON.stringify(ours.slice(0, 200))}; llhttp: ${JSON.stringify(theirs.slice(0, 200))}`,
      ).toEqual(llhttp.slice(0, both));
      if (mine.length === requests.length && llhttp.length === requests.length) agreedRuns++;
      differentialRuns++;
    },
    Math.max(50, Math.floor(Number(process.env.SKEIN_FUZZ_RUNS ?? 300) / 3)),
  );

  suite.property(
    'the differential property was not vacuous: most streams were parsed whole by both',
    fc.constant(null),
    () => {
      expect(differentialRuns).toBeGreaterThan(0);
      expect(agreedRuns / differentialRuns).toBeGreaterThan(0.5);
    },
    1,
  );

  suite.record();
});

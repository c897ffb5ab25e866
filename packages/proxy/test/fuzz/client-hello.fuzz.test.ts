import { once } from 'node:events';
import net, { type AddressInfo } from 'node:net';
import tls from 'node:tls';
import { FuzzSuite } from '@skein/testkit';
import fc from 'fast-check';
import { beforeAll, describe, expect } from 'vitest';
import { parseClientHello, TLS_DETECT_MAX_BYTES } from '../../src/detect/tls-client-hello.js';

// The ClientHello/SNI parser decides, from a stranger's first bytes, whether to terminate mTLS,
// pass TLS through or treat the connection as plaintext (spec §2.4). It must be total on any
// bytes, agree with a real TLS client (OpenSSL via node:tls) on what it sent, never call a
// prefix of a valid hello anything but incomplete, and read the same hello however it is split
// into records.

const u16 = (n: number) => [(n >> 8) & 0xff, n & 0xff];
const vec16 = (body: number[]) => [...u16(body.length), ...body];

/** A ClientHello with these parts, split into handshake records of `recordSize` bytes. */
function clientHello(spec: {
  sni: string | undefined;
  alpn: string[];
  sessionId: number[];
  others: [number, number[]][];
  recordSize: number;
}): Buffer {
  const ext: number[] = [];
  for (const [type, data] of spec.others) ext.push(...u16(type), ...vec16(data));
  if (spec.sni !== undefined) {
    const name = [...Buffer.from(spec.sni, 'latin1')];
    ext.push(...u16(0), ...vec16(vec16([0, ...vec16(name)])));
  }
  if (spec.alpn.length > 0) {
    ext.push(...u16(16), ...vec16(vec16(spec.alpn.flatMap((p) => [p.length, ...Buffer.from(p, 'latin1')]))));
  }
  const body = [
    3,
    3,
    ...Array.from({ length: 32 }, (_, i) => i),
    spec.sessionId.length,
    ...spec.sessionId,
    ...vec16([0x13, 0x01, 0x13, 0x02]),
    1,
    0,
    ...vec16(ext),
  ];
  const message = [1, (body.length >> 16) & 0xff, (body.length >> 8) & 0xff, body.length & 0xff, ...body];
  const out: number[] = [];
  for (let i = 0; i < message.length; i += spec.recordSize) {
    out.push(0x16, 3, 1, ...vec16(message.slice(i, i + spec.recordSize)));
  }
  return Buffer.from(out);
}

const label = fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,20}[a-z0-9])?$/);
const dnsName = fc.array(label, { minLength: 1, maxLength: 6 }).map((l) => l.join('.'));
const helloSpec = fc.record({
  sni: fc.option(
    fc.oneof(
      dnsName,
      dnsName.map((n) => n.toUpperCase()),
    ),
    { nil: undefined },
  ),
  alpn: fc.array(fc.stringMatching(/^[a-z0-9./-]{1,20}$/), { maxLength: 4 }),
  sessionId: fc.array(fc.nat(255), { maxLength: 32 }),
  // Other extensions (never SNI or ALPN), e.g. GREASE values and padding.
  others: fc.array(
    fc.tuple(
      fc.integer({ min: 1, max: 0xffff }).filter((t) => t !== 16),
      fc.array(fc.nat(255), { maxLength: 300 }),
    ),
    { maxLength: 5 },
  ),
  recordSize: fc.oneof(fc.constant(16_384), fc.integer({ min: 1, max: 600 })),
});

/** The first bytes a real TLS client (node:tls, OpenSSL) sends for `servername`. */
async function capturedHello(servername: string, alpn: string[]): Promise<Buffer> {
  const server = net.createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const got = new Promise<Buffer>((resolve) => {
    server.once('connection', (socket) => {
      const chunks: Buffer[] = [];
      socket.on('data', (c: Buffer) => {
        chunks.push(c);
        const all = Buffer.concat(chunks);
        if (parseClientHello(all).kind !== 'incomplete') {
          resolve(all);
          socket.destroy();
        }
      });
    });
  });
  const client = tls.connect({
    host: '127.0.0.1',
    port: (server.address() as AddressInfo).port,
    servername,
    ALPNProtocols: alpn,
    rejectUnauthorized: false,
  });
  client.on('error', () => {});
  const hello = await got;
  client.destroy();
  server.close();
  return hello;
}

describe('fuzz: TLS ClientHello / SNI parser', () => {
  const suite = new FuzzSuite({
    id: 'proxy-client-hello',
    target:
      'The TLS ClientHello/SNI parser (parseClientHello) on random bytes, built hellos (random SNI, ALPN, session ids, extensions, record splits), their prefixes and byte mutations, and hellos captured from OpenSSL (node:tls)',
    expected:
      'total (never throws, never hangs); built and OpenSSL hellos yield the SNI and ALPN sent; every prefix is incomplete; record splitting does not change the result',
  });
  const real: { hello: Buffer; servername: string; alpn: string[] }[] = [];

  beforeAll(async () => {
    for (const [servername, alpn] of [
      ['web.demo.serviceaccount.identity.linkerd.cluster.local', ['transport.l5d.io/v1', 'h2']],
      ['a.b', []],
      ['x'.repeat(63), ['http/1.1']],
    ] as const) {
      real.push({ hello: await capturedHello(servername, [...alpn]), servername, alpn: [...alpn] });
    }
  });

  suite.property(
    'random bytes: an answer, never an exception',
    fc.uint8Array({ maxLength: 9000 }),
    (input) => {
      const r = parseClientHello(input);
      if (r.kind === 'incomplete') {
        expect(r.needed).toBeGreaterThan(input.length);
        expect(r.needed).toBeLessThanOrEqual(TLS_DETECT_MAX_BYTES);
      }
    },
  );

  suite.property(
    'random bytes behind a handshake record header: an answer, never an exception',
    fc.tuple(fc.nat(0xffff), fc.uint8Array({ maxLength: 2000 })),
    ([length, rest]) => {
      const input = Buffer.concat([Buffer.from([0x16, 3, 1, length >> 8, length & 0xff, 1]), rest]);
      expect(['not-tls', 'incomplete', 'client-hello']).toContain(parseClientHello(input).kind);
    },
  );

  suite.property(
    'built hellos give back their SNI and ALPN, whatever the record split',
    helloSpec,
    (spec) => {
      const hello = clientHello(spec);
      const r = parseClientHello(hello);
      if (hello.length > TLS_DETECT_MAX_BYTES) {
        expect(r.kind).toBe('not-tls');
        return;
      }
      expect(r.kind).toBe('client-hello');
      if (r.kind !== 'client-hello') return;
      expect(r.sni).toBe(spec.sni?.toLowerCase());
      expect(r.alpn).toEqual(spec.alpn);
      expect(r.length).toBe(hello.length);
      // Trailing bytes after the hello (the rest of the handshake flight) change nothing.
      expect(parseClientHello(Buffer.concat([hello, Buffer.from([0x17, 3, 3, 0, 1, 0])]))).toEqual(r);
    },
  );

  suite.property(
    'every prefix of a valid hello is incomplete, never not-tls',
    helloSpec.filter((s) => clientHello(s).length <= TLS_DETECT_MAX_BYTES),
    (spec) => {
      const hello = clientHello(spec);
      for (let n = 0; n < hello.length; n += Math.max(1, Math.floor(hello.length / 50))) {
        const r = parseClientHello(hello.subarray(0, n));
        expect(r.kind, `prefix of ${n} bytes`).toBe('incomplete');
      }
    },
  );

  suite.property(
    'mutated OpenSSL hellos: an answer, never an exception; the SNI read is the one sent or none',
    fc.tuple(fc.nat(2), fc.array(fc.tuple(fc.nat(), fc.nat(255)), { minLength: 1, maxLength: 8 })),
    ([which, edits]) => {
      const { hello, servername } = real[which]!;
      const mutated = Buffer.from(hello);
      for (const [at, byte] of edits) mutated[at % mutated.length] = byte;
      const r = parseClientHello(mutated);
      if (r.kind === 'client-hello' && r.sni !== undefined) {
        // A flipped byte may land in the name itself; anything read must still be a DNS name.
        expect(r.sni).toMatch(/^[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?(\.[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?)*$/);
        expect(r.sni.length).toBeLessThanOrEqual(servername.length + 8);
      }
    },
  );

  suite.property(
    'OpenSSL hellos split at any point read the same',
    fc.tuple(fc.nat(2), fc.nat()),
    ([which, at]) => {
      const { hello, servername, alpn } = real[which]!;
      const r = parseClientHello(hello);
      expect(r).toMatchObject({ kind: 'client-hello', sni: servername, alpn });
      expect(parseClientHello(hello.subarray(0, at % hello.length)).kind).toBe('incomplete');
    },
  );

  suite.record();
});

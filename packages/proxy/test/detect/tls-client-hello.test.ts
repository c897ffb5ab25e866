import type { AddressInfo } from 'node:net';
import tls from 'node:tls';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type ClientHelloResult,
  parseClientHello,
  TLS_DETECT_INITIAL_BYTES,
  TLS_DETECT_MAX_BYTES,
} from '../../src/detect/tls-client-hello.js';
import { captureFirstBytes } from './capture-first-bytes.js';
import { buildClientHello } from './client-hello-builder.js';

function expectHello(result: ClientHelloResult) {
  if (result.kind !== 'client-hello') throw new Error(`expected client-hello, got ${JSON.stringify(result)}`);
  return result;
}

describe('parseClientHello', () => {
  it('extracts SNI and ALPN', () => {
    const hello = buildClientHello({ sni: 'web.emojivoto.svc.cluster.local', alpn: ['h2', 'http/1.1'] });
    expect(parseClientHello(hello)).toEqual({
      kind: 'client-hello',
      sni: 'web.emojivoto.svc.cluster.local',
      alpn: ['h2', 'http/1.1'],
      length: hello.length,
    });
  });

  it('handles a hello without SNI, without ALPN, or without any extensions', () => {
    expect(expectHello(parseClientHello(buildClientHello({ alpn: ['transport.l5d.io/v1'] })))).toMatchObject({
      sni: undefined,
      alpn: ['transport.l5d.io/v1'],
    });
    expect(expectHello(parseClientHello(buildClientHello({ sni: 'a.b' })))).toMatchObject({
      sni: 'a.b',
      alpn: [],
    });
    expect(expectHello(parseClientHello(buildClientHello({ noExtensions: true })))).toMatchObject({
      sni: undefined,
      alpn: [],
    });
    expect(expectHello(parseClientHello(buildClientHello({ sessionId: new Uint8Array(0) })))).toMatchObject({
      sni: undefined,
    });
  });

  it('lowercases SNI and drops names that are not DNS names', () => {
    expect(expectHello(parseClientHello(buildClientHello({ sni: 'Foo.Example.COM' }))).sni).toBe(
      'foo.example.com',
    );
    for (const bad of [
      'has space.example',
      'a..b',
      '-lead.example',
      `${'a'.repeat(64)}.example`,
      'caf\xe9.example',
    ]) {
      expect(expectHello(parseClientHello(buildClientHello({ sni: bad }))).sni).toBeUndefined();
    }
  });

  it('skips unknown extensions and the non-host_name entries of server_name', () => {
    const odd = Uint8Array.from([0, 12, 1, 0, 3, 0x61, 0x62, 0x63, 0, 0, 3, 0x78, 0x2e, 0x79]);
    const hello = buildClientHello({
      extensions: [
        [0xff01, Uint8Array.of(0)],
        [43, Uint8Array.of(2, 3, 4)],
      ],
      alpn: ['h2'],
    });
    expect(expectHello(parseClientHello(hello))).toMatchObject({ alpn: ['h2'] });
    expect(expectHello(parseClientHello(buildClientHello({ extensions: [[0, odd]] }))).sni).toBe('x.y');
  });

  it('reassembles a ClientHello split over many records', () => {
    const whole = buildClientHello({ sni: 'split.example', alpn: ['h2'] });
    for (const recordSize of [1, 3, 4, 50]) {
      const split = buildClientHello({ sni: 'split.example', alpn: ['h2'], recordSize });
      expect(expectHello(parseClientHello(split))).toMatchObject({
        sni: 'split.example',
        alpn: ['h2'],
        length: split.length,
      });
      expect(split.length).toBeGreaterThan(whole.length);
    }
  });

  it('says how many bytes it needs while the hello is incomplete', () => {
    const hello = buildClientHello({ sni: 'need.example', alpn: ['h2'] });
    expect(parseClientHello(hello.subarray(0, 0))).toEqual({ kind: 'incomplete', needed: 5 });
    expect(parseClientHello(hello.subarray(0, 3))).toEqual({ kind: 'incomplete', needed: 5 });
    expect(parseClientHello(hello.subarray(0, 5))).toEqual({ kind: 'incomplete', needed: hello.length });
    expect(parseClientHello(hello.subarray(0, hello.length - 1))).toEqual({
      kind: 'incomplete',
      needed: hello.length,
    });
  });

  it('says not-tls from the first byte of plaintext', () => {
    expect(parseClientHello(Buffer.from('G'))).toMatchObject({ kind: 'not-tls' });
    expect(parseClientHello(Buffer.from('GET / HTTP/1.1\r\n\r\n'))).toMatchObject({
      kind: 'not-tls',
      reason: /0x47/,
    });
    expect(parseClientHello(Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'))).toMatchObject({
      kind: 'not-tls',
    });
    expect(parseClientHello(Uint8Array.of(0x16, 0x02))).toMatchObject({ kind: 'not-tls', reason: /major 2/ });
    // SSLv2-compatible hello
    expect(parseClientHello(Uint8Array.of(0x80, 0x2e, 0x01, 0x03, 0x01))).toMatchObject({ kind: 'not-tls' });
    // A ServerHello (type 2) is not a ClientHello.
    expect(parseClientHello(Uint8Array.of(0x16, 3, 3, 0, 40, 2))).toMatchObject({
      kind: 'not-tls',
      reason: /type 2/,
    });
  });

  it('refuses a hello larger than the limit', () => {
    const big = buildClientHello({
      sni: 'big.example',
      extensions: [[21, new Uint8Array(TLS_DETECT_MAX_BYTES)]],
    });
    expect(parseClientHello(big)).toMatchObject({ kind: 'not-tls', reason: /8192/ });
    expect(parseClientHello(big.subarray(0, TLS_DETECT_INITIAL_BYTES))).toMatchObject({ kind: 'not-tls' });
    const medium = buildClientHello({ sni: 'mid.example', extensions: [[21, new Uint8Array(600)]] });
    expect(parseClientHello(medium.subarray(0, TLS_DETECT_INITIAL_BYTES))).toEqual({
      kind: 'incomplete',
      needed: medium.length,
    });
    expect(expectHello(parseClientHello(medium)).sni).toBe('mid.example');
    expect(parseClientHello(medium, 512)).toMatchObject({ kind: 'not-tls', reason: /512/ });
  });

  it('rejects malformed hellos with a reason', () => {
    const cases: [string, Buffer, RegExp][] = [
      ['empty record', Buffer.from([0x16, 3, 1, 0, 0]), /empty/],
      ['oversized record', Buffer.from([0x16, 3, 1, 0x40, 0x01]), /16384/],
      [
        'alert between fragments',
        Buffer.concat([
          buildClientHello({ recordSize: 10 }).subarray(0, 15),
          Buffer.from([0x15, 3, 3, 0, 2, 2, 40]),
        ]),
        /record type 21/,
      ],
      ['odd cipher suites', buildClientHello({ cipherSuites: [] }), /cipher_suites/],
      ['session id too long', buildClientHello({ sessionId: new Uint8Array(33) }), /legacy_session_id/],
      [
        'duplicate SNI',
        buildClientHello({ sni: 'a.b', extensions: [[0, Uint8Array.from([0, 4, 0, 0, 1, 0x61])]] }),
        /duplicate server_name/,
      ],
      ['empty ALPN name', buildClientHello({ alpn: ['h2', ''] }), /empty ALPN/],
    ];
    for (const [name, bytes, reason] of cases) {
      const result = parseClientHello(bytes);
      expect(result, name).toMatchObject({ kind: 'not-tls' });
      if (result.kind === 'not-tls') expect(result.reason, name).toMatch(reason);
    }
    // An extension length running past the block.
    const hello = buildClientHello({ sni: 'x.y' });
    const corrupt = Buffer.from(hello);
    corrupt.writeUInt16BE(0xffff, corrupt.length - 'x.y'.length - 7);
    expect(parseClientHello(corrupt)).toMatchObject({ kind: 'not-tls', reason: /malformed/ });
  });
});

const helloSpec = fc.record({
  sni: fc.option(fc.domain(), { nil: undefined }),
  alpn: fc.option(
    fc.array(
      fc
        .string({ minLength: 1, maxLength: 20 })
        .map((s) => Buffer.from(s).subarray(0, 255).toString('latin1'))
        .filter((s) => s.length > 0),
      { minLength: 1, maxLength: 4 },
    ),
    { nil: undefined },
  ),
  recordSize: fc.option(fc.integer({ min: 1, max: 600 }), { nil: undefined }),
  padding: fc.integer({ min: 0, max: 1200 }),
});

describe('parseClientHello properties (fuzz)', () => {
  it('never throws on random bytes and answers a known kind', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), fc.boolean(), (bytes, tlsHeader) => {
        if (tlsHeader && bytes.length >= 6) {
          bytes[0] = 0x16;
          bytes[1] = 3;
          bytes[5] = 1;
        }
        const result = parseClientHello(bytes);
        expect(['not-tls', 'incomplete', 'client-hello']).toContain(result.kind);
        if (result.kind === 'incomplete') {
          expect(result.needed).toBeGreaterThan(bytes.length);
          expect(result.needed).toBeLessThanOrEqual(TLS_DETECT_MAX_BYTES);
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('finds SNI and ALPN in any generated hello, however it is split', () => {
    fc.assert(
      fc.property(helloSpec, (spec) => {
        const hello = buildClientHello({ ...spec, extensions: [[21, new Uint8Array(spec.padding)]] });
        const result = parseClientHello(hello);
        if (hello.length > TLS_DETECT_MAX_BYTES) {
          expect(result.kind).toBe('not-tls');
          return;
        }
        expect(result).toEqual({
          kind: 'client-hello',
          sni: spec.sni?.toLowerCase(),
          alpn: spec.alpn ?? [],
          length: hello.length,
        });
      }),
      { numRuns: 500 },
    );
  });

  it('reports every strict prefix of a hello as incomplete, needing more than it has', () => {
    fc.assert(
      fc.property(helloSpec, fc.nat(), (spec, cut) => {
        const hello = buildClientHello({ ...spec, extensions: [[21, new Uint8Array(spec.padding)]] });
        if (hello.length > TLS_DETECT_MAX_BYTES) return;
        const prefix = hello.subarray(0, cut % hello.length);
        const result = parseClientHello(prefix);
        expect(result.kind).toBe('incomplete');
        if (result.kind === 'incomplete') {
          expect(result.needed).toBeGreaterThan(prefix.length);
          expect(result.needed).toBeLessThanOrEqual(hello.length);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('never throws on mutated valid hellos (byte flips, insertions, deletions)', () => {
    const mutation = fc.oneof(
      fc.record({ op: fc.constant('set' as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
      fc.record({
        op: fc.constant('insert' as const),
        at: fc.nat(),
        value: fc.integer({ min: 0, max: 255 }),
      }),
      fc.record({ op: fc.constant('delete' as const), at: fc.nat(), value: fc.constant(0) }),
    );
    fc.assert(
      fc.property(helloSpec, fc.array(mutation, { minLength: 1, maxLength: 8 }), (spec, mutations) => {
        const bytes = [
          ...buildClientHello({ ...spec, extensions: [[21, new Uint8Array(spec.padding % 200)]] }),
        ];
        for (const m of mutations) {
          const at = m.at % (bytes.length + 1);
          if (m.op === 'set' && at < bytes.length) bytes[at] = m.value;
          else if (m.op === 'insert') bytes.splice(at, 0, m.value);
          else if (m.op === 'delete') bytes.splice(at, 1);
        }
        const result = parseClientHello(Uint8Array.from(bytes));
        expect(['not-tls', 'incomplete', 'client-hello']).toContain(result.kind);
        if (result.kind === 'client-hello') {
          expect(result.length).toBeLessThanOrEqual(bytes.length);
          for (const p of result.alpn) expect(p.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 2000 },
    );
  });
});

/** Stops capturing once the bytes hold a complete ClientHello (or cannot). */
const helloComplete = (bytes: Buffer) => parseClientHello(bytes).kind !== 'incomplete';

describe('parseClientHello on real ClientHellos', () => {
  async function nodeHello(options: tls.ConnectionOptions): Promise<Buffer> {
    const { createServer } = await import('node:net');
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    try {
      return await new Promise<Buffer>((resolve) => {
        server.once('connection', (socket) => {
          let received = Buffer.alloc(0);
          socket.on('data', (chunk: Buffer) => {
            received = Buffer.concat([received, chunk]);
            if (helloComplete(received)) {
              socket.destroy();
              resolve(received);
            }
          });
        });
        tls.connect({ host: '127.0.0.1', port, ...options }).on('error', () => {});
      });
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  }

  it('node tls.connect with servername and ALPN', async () => {
    const bytes = await nodeHello({
      servername: 'web.ns.serviceaccount.identity.linkerd.cluster.local',
      ALPNProtocols: ['h2', 'http/1.1'],
    });
    expect(expectHello(parseClientHello(bytes))).toMatchObject({
      sni: 'web.ns.serviceaccount.identity.linkerd.cluster.local',
      alpn: ['h2', 'http/1.1'],
    });
  });

  it('node tls.connect to an IP without servername (no SNI), with the transport ALPN', async () => {
    const bytes = await nodeHello({ ALPNProtocols: ['transport.l5d.io/v1'] });
    expect(expectHello(parseClientHello(bytes))).toMatchObject({
      sni: undefined,
      alpn: ['transport.l5d.io/v1'],
    });
  });

  it('a real hello longer than the first 512-byte peek needs a second look', async () => {
    // A large session ticket-like padding is not needed: Node's hello grows with a big ALPN list.
    const alpn = Array.from({ length: 40 }, (_, i) => `proto-${i}-${'x'.repeat(8)}`);
    const bytes = await nodeHello({ servername: 'long.example', ALPNProtocols: alpn });
    expect(bytes.length).toBeGreaterThan(TLS_DETECT_INITIAL_BYTES);
    expect(parseClientHello(bytes.subarray(0, TLS_DETECT_INITIAL_BYTES))).toMatchObject({
      kind: 'incomplete',
    });
    expect(expectHello(parseClientHello(bytes))).toMatchObject({ sni: 'long.example', alpn });
  });

  it('openssl s_client with -servername and -alpn', async () => {
    const bytes = await captureFirstBytes(
      'openssl',
      (port) => [
        's_client',
        '-connect',
        `127.0.0.1:${port}`,
        '-servername',
        'Backend.Example.org',
        '-alpn',
        'h2,http/1.1',
        '-quiet',
      ],
      { until: helloComplete },
    );
    expect(expectHello(parseClientHello(bytes))).toMatchObject({
      sni: 'backend.example.org',
      alpn: ['h2', 'http/1.1'],
    });
  });

  it('openssl s_client -noservername, TLS 1.2 only', async () => {
    const bytes = await captureFirstBytes(
      'openssl',
      (port) => ['s_client', '-connect', `127.0.0.1:${port}`, '-noservername', '-tls1_2', '-quiet'],
      { until: helloComplete },
    );
    expect(expectHello(parseClientHello(bytes))).toMatchObject({ sni: undefined, alpn: [] });
  });

  it('curl https → SNI and ALPN h2/http1.1', async () => {
    const bytes = await captureFirstBytes(
      'curl',
      (port) => [
        '-s',
        '-k',
        '-m',
        '5',
        '--resolve',
        `api.example.test:${port}:127.0.0.1`,
        `https://api.example.test:${port}/`,
      ],
      { until: helloComplete },
    );
    expect(expectHello(parseClientHello(bytes))).toMatchObject({
      sni: 'api.example.test',
      alpn: ['h2', 'http/1.1'],
    });
  });
});

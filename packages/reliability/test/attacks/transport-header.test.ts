import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { encodeTransportHeader, TRANSPORT_HEADER_PREFACE } from '@skein/core/proto';
import type { SkeinProxy } from '@skein/proxy';
import { recordReliability } from '@skein/testkit';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { H2_ERROR, h2Attack, h2ErrorName } from '../support/attack-h2.js';
import { mib, retainedHeapMiB, startBystander } from '../support/attack-measure.js';
import { AttackMesh, type MeshCredentials, meshIdentity, meshTls } from '../support/attack-mesh.js';
import { rawExchange } from '../support/attack-raw.js';
import { APP_AUTHORITY, AttackApp } from '../support/attack-target.js';

// The inbound port of a meshed proxy (spec §1.10, §2.5): only mTLS clients with an identity that
// negotiated ALPN transport.l5d.io/v1 may send a transport header, and a bad header closes the
// connection before a byte reaches the application. The attacker here is an insider: it holds a
// valid workload certificate from the mesh's issuer. Pod B runs on 127.0.2.2; pod A (127.0.2.1)
// is a well-behaved meshed client sending traffic to B through its own proxy all along.

const A_IP = '127.0.2.1';
const B_IP = '127.0.2.2';
const DETECT_TIMEOUT_MS = 2000;
const ALPN = 'transport.l5d.io/v1';

function frame(body: Buffer, declared = body.length): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(declared >>> 0);
  return Buffer.concat([Buffer.from(TRANSPORT_HEADER_PREFACE, 'latin1'), length, body]);
}

/** A protobuf varint. */
function varint(n: number): Buffer {
  const out: number[] = [];
  let v = n;
  while (v > 0x7f) {
    out.push((v & 0x7f) | 0x80);
    v = Math.floor(v / 128);
  }
  out.push(v);
  return Buffer.from(out);
}

/** `Header{port}` with optional name, http1 session protocol and extra raw fields. */
function header(port: number, extra: Buffer[] = [], name?: string): Buffer {
  const parts = [Buffer.from([0x08]), varint(port)];
  if (name !== undefined) parts.push(Buffer.from([0x12]), varint(Buffer.byteLength(name)), Buffer.from(name));
  parts.push(Buffer.from([0x1a, 0x02, 0x0a, 0x00]), ...extra);
  return Buffer.concat(parts);
}

/** Writes bytes on an open TLS socket and waits for the proxy to close it (or `waitMs`). */
function sendAndWaitForClose(
  socket: TLSSocket,
  bytes: Buffer,
  waitMs: number,
): Promise<{ closed: boolean; reply: string; elapsedMs: number }> {
  return new Promise((resolve) => {
    const started = performance.now();
    const chunks: Buffer[] = [];
    let done = false;
    const finish = (closed: boolean) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      resolve({
        closed,
        reply: Buffer.concat(chunks).toString('latin1'),
        elapsedMs: performance.now() - started,
      });
    };
    const timer = setTimeout(() => finish(false), waitMs);
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('end', () => finish(true));
    socket.on('close', () => finish(true));
    socket.on('error', () => finish(true));
    if (bytes.length > 0) socket.write(bytes);
  });
}

/** What the server did to the attack's first stream, for the result row. */
function outcome(r: Awaited<ReturnType<typeof h2Attack>>): string {
  if (r.resets['1'] !== undefined) return `RST_STREAM(${h2ErrorName(r.resets['1'])})`;
  if (r.goaway !== null) return `GOAWAY(${h2ErrorName(r.goaway)})`;
  if (r.statuses['1'] !== undefined) return `status ${r.statuses['1']} without the bad field`;
  return r.eof ? 'connection closed' : 'no answer';
}

describe("invalid transport headers on a meshed proxy's inbound port", () => {
  const mesh = new AttackMesh();
  const app = new AttackApp();
  let a: SkeinProxy;
  let b: SkeinProxy;
  let appPort = 0;
  let inbound = 0;
  let attacker: MeshCredentials;
  let bystander: ReturnType<typeof startBystander>;
  let heapBefore = 0;
  const results: string[] = [];
  const bIdentity = meshIdentity('victim');

  const request = (id: string) =>
    `GET /th-${id} HTTP/1.1\r\nHost: ${APP_AUTHORITY}\r\nl5d-client-id: admin.spoofed\r\n\r\n`;
  /** mTLS to B's inbound port as the attacker (`anonymous`: without a client certificate). */
  const mtls = (alpn = [ALPN], anonymous = false) =>
    meshTls(B_IP, inbound, bIdentity, mesh.anchorsPem, anonymous ? undefined : attacker, alpn);

  beforeAll(async () => {
    await mesh.start();
    appPort = (await app.listen(B_IP)).h1;
    b = await mesh.proxy(B_IP, 'victim', { LINKERD2_PROXY_INBOUND_DETECT_TIMEOUT: `${DETECT_TIMEOUT_MS}ms` });
    inbound = b.addresses.inbound.port;
    const discovery = join(mesh.dir, 'a-discovery.yaml');
    writeFileSync(
      discovery,
      `authorities:
  ${APP_AUTHORITY}:80:
    endpoints: [ { address: "${B_IP}:${appPort}", identity: ${bIdentity}, opaqueTransportPort: ${inbound}, protocolHint: h2 } ]
`,
    );
    a = await mesh.proxy(A_IP, 'client', {
      SKEIN_PROXY_DISCOVERY_FILE: discovery,
      SKEIN_PROXY_OUTBOUND_BIND_IP: A_IP,
    });
    attacker = mesh.credentials('attacker');
    heapBefore = retainedHeapMiB();
    bystander = startBystander(a.addresses.outbound[0]!.port, A_IP);
  });

  afterAll(async () => {
    await bystander?.stop();
    await a?.shutdown(200);
    await b?.shutdown(200);
    await app.close();
    await mesh.close();
  });

  test("control: a valid header from a meshed peer is served, with the peer's real identity in l5d-client-id", async () => {
    const socket = await mtls();
    expect(socket.alpnProtocol).toBe(ALPN);
    const r = await sendAndWaitForClose(
      socket,
      Buffer.concat([
        encodeTransportHeader({ port: appPort, sessionProtocol: 'http1' }),
        Buffer.from(request('valid')),
      ]),
      1000,
    );
    expect(r.reply).toMatch(/^HTTP\/1\.1 200 /);
    const seen = app.seen('/th-valid');
    expect(seen).toHaveLength(1);
    expect(seen[0]!.headers['l5d-client-id']).toBe(attacker.identity);
  });

  test('control: unknown protobuf fields are skipped, as protobuf requires', async () => {
    const socket = await mtls();
    const unknown = [Buffer.from([0x78, 0x01]), Buffer.from([0x82, 0x01, 0x03, 0x61, 0x62, 0x63])];
    const r = await sendAndWaitForClose(
      socket,
      Buffer.concat([frame(header(appPort, unknown)), Buffer.from(request('unknown-fields'))]),
      1000,
    );
    expect(r.reply).toMatch(/^HTTP\/1\.1 200 /);
    expect(app.seen('/th-unknown-fields')).toHaveLength(1);
    results.push('unknown fields skipped (200)');
  });

  /** [id, what, bytes written after the handshake]. */
  const INVALID: [string, string, () => Buffer][] = [
    [
      'bad-preface',
      'preface "transport.l5d.io/v2"',
      () => Buffer.from('transport.l5d.io/v2\r\n\r\n\0\0\0\x02\x08\x01'),
    ],
    ['http-instead', 'an HTTP/1 request instead of a header', () => Buffer.from(request('http-instead'))],
    ['huge-length', 'declared length 4 GiB', () => frame(Buffer.alloc(0), 0xffffffff)],
    ['over-64k', 'declared length 64 KiB + 1', () => frame(Buffer.alloc(65_537, 0x08))],
    [
      'bad-protobuf',
      'bytes that are not protobuf',
      () => frame(Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01])),
    ],
    [
      'truncated-field',
      'a length-delimited field running past the end',
      () => frame(Buffer.from([0x12, 0x40, 0x61])),
    ],
    ['port-zero', 'port 0', () => frame(header(0))],
    ['port-too-big', 'port 70000', () => frame(header(70_000))],
    [
      'port-negative',
      'port -1 (int32 as 10-byte varint)',
      () => frame(Buffer.from([0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01])),
    ],
    ['bad-name', 'name "not a dns name!"', () => frame(header(appPort, [], 'not a dns name!'))],
    [
      'gateway-name',
      'a gateway name (unsupported)',
      () => frame(header(appPort, [], 'app.demo.svc.cluster.local')),
    ],
  ];

  test.each(INVALID)(
    '%s (%s) → connection closed, nothing reaches the application',
    async (id, _what, bytes) => {
      const socket = await mtls();
      const r = await sendAndWaitForClose(socket, Buffer.concat([bytes(), Buffer.from(request(id))]), 3000);
      expect(r.closed).toBe(true);
      expect(r.reply).toBe('');
      expect(app.seen(`/th-${id}`)).toEqual([]);
      results.push(`${id} closed in ${r.elapsedMs.toFixed(0)} ms`);
    },
  );

  test('a header that stops half-way is dropped at the detect timeout', async () => {
    const socket = await mtls();
    const partial = frame(header(appPort)).subarray(0, 30);
    const r = await sendAndWaitForClose(socket, partial, DETECT_TIMEOUT_MS + 3000);
    expect(r.closed).toBe(true);
    expect(r.elapsedMs).toBeGreaterThanOrEqual(DETECT_TIMEOUT_MS - 50);
    expect(r.elapsedMs).toBeLessThan(DETECT_TIMEOUT_MS + 1500);
    results.push(`stalled header closed after ${r.elapsedMs.toFixed(0)} ms`);
  });

  test('without a client certificate, or without the ALPN, no header is read', async () => {
    const valid = Buffer.concat([
      encodeTransportHeader({ port: appPort, sessionProtocol: 'http1' }),
      Buffer.from(request('no-client-cert')),
    ]);
    const anonymous = await mtls([ALPN], true).catch(() => undefined);
    if (anonymous !== undefined) {
      const r = await sendAndWaitForClose(anonymous, valid, 3000);
      expect(r.closed).toBe(true);
      expect(r.reply).toBe('');
    }
    const wrongAlpn = await mtls(['h2']);
    const r2 = await sendAndWaitForClose(
      wrongAlpn,
      Buffer.concat([
        encodeTransportHeader({ port: appPort, sessionProtocol: 'http1' }),
        Buffer.from(request('wrong-alpn')),
      ]),
      3000,
    );
    expect(r2.closed).toBe(true);
    const plaintext = await rawExchange(inbound, valid, { host: B_IP, idleMs: 3000 });
    expect(plaintext.closed).toBe(true);
    expect(plaintext.text).toBe('');
    expect(app.seen('/th-no-client-cert')).toEqual([]);
    expect(app.seen('/th-wrong-alpn')).toEqual([]);
    results.push(
      `no client certificate: ${anonymous === undefined ? 'handshake refused' : 'closed'}; ALPN h2: closed; plaintext: closed`,
    );
  });

  test.each(['te', 'cl', 'connection', 'crlf-value'])(
    'an insider downgrading HTTP/2 to the HTTP/1 app (l5d-orig-proto) cannot smuggle (%s)',
    async (variant) => {
      const r = await h2Attack(inbound, 'downgrade', variant, {
        host: B_IP,
        env: {
          ATTACK_TLS_CERT: attacker.certFile,
          ATTACK_TLS_KEY: attacker.keyFile,
          ATTACK_TLS_CA: mesh.anchorsFile,
          ATTACK_TLS_SNI: bIdentity,
          ATTACK_PREFIX_HEX: encodeTransportHeader({ port: appPort, sessionProtocol: 'http2' }).toString(
            'hex',
          ),
          ATTACK_EXTRA_HEADER: 'l5d-orig-proto: HTTP/1.1',
        },
      });
      const raw = app.rawText();
      expect(raw).not.toContain('/smuggled');
      expect(app.seen('/smuggled')).toEqual([]);
      for (const req of app.seen(`/downgrade-${variant}`)) expect(req.body).not.toContain('smuggled');
      if (variant !== 'cl' && variant !== 'crlf-value') expect(r.resets['1']).toBe(H2_ERROR.PROTOCOL_ERROR);
      results.push(`downgrade ${variant}: ${outcome(r)}, nothing smuggled`);
    },
  );

  test('the well-behaved meshed client was served throughout; memory bounded', async () => {
    // The downgraded well-formed requests did reach the HTTP/1 app: the path was exercised.
    expect(app.seen('/after-downgrade').length).toBeGreaterThan(0);
    const report = await bystander.stop();
    const heapGrowth = retainedHeapMiB() - heapBefore;
    expect(report.failed, report.firstError).toBe(0);
    expect(report.ok).toBeGreaterThan(10);
    expect(heapGrowth).toBeLessThan(16);
    expect(results).toHaveLength(1 + INVALID.length + 2 + 4);
    recordReliability({
      suite: 'attack',
      id: 'invalid-transport-headers',
      scenario:
        "An insider with a valid workload certificate sends bad transport headers to a meshed proxy's inbound port: wrong preface, HTTP instead of a header, 4 GiB and 64 KiB+1 lengths, non-protobuf, truncated fields, ports 0/70000/-1, invalid and gateway names, a header that stops half-way; plus clients without a certificate, without the ALPN, or in plaintext; and HTTP/2 downgraded to an HTTP/1 app (l5d-orig-proto) carrying TE, CL, connection and CR/LF smuggling",
      expected:
        'connection closed before any byte reaches the application (the stalled one at the detect timeout); unknown protobuf fields skipped; no smuggled request through the downgrade; other meshed traffic served',
      measured: `${results.join('; ')}; meshed bystander A→B ${report.ok} ok / ${report.failed} failed (max ${report.maxLatencyMs.toFixed(0)} ms); retained heap +${mib(heapGrowth)}`,
      passed: true,
    });
  });
});

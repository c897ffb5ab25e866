import http2 from 'node:http2';
import type { AddressInfo, Socket } from 'node:net';
import tls from 'node:tls';
import { afterEach, describe, expect, it } from 'vitest';
import { readClientHello } from '../../src/detect/read-client-hello.js';
import { sniffHttp } from '../../src/detect/sniff-http.js';
import { selfSignedCert } from '../transport/self-signed.js';
import { type AcceptedPair, acceptedPair, sleep } from '../transport/socket-pair.js';
import { buildClientHello } from './client-hello-builder.js';

const { key, cert } = selfSignedCert();
let pair: AcceptedPair | undefined;
afterEach(async () => {
  await pair?.close();
  pair = undefined;
});

/** A TLS client connecting to a paused, accepted server socket. */
async function tlsClientPair(
  options: tls.ConnectionOptions,
): Promise<{ accepted: Socket; client: tls.TLSSocket }> {
  pair = await acceptedPair();
  pair.client.destroy();
  const server = pair.server;
  const acceptedP = new Promise<Socket>((resolve) => server.once('connection', resolve));
  const client = tls.connect({
    host: '127.0.0.1',
    port: (server.address() as AddressInfo).port,
    ca: cert,
    ...options,
  });
  client.on('error', () => {});
  const accepted = await acceptedP;
  accepted.on('error', () => {});
  const close = pair.close;
  pair.close = async () => {
    client.destroy();
    accepted.destroy();
    await close();
  };
  return { accepted, client };
}

describe('readClientHello', () => {
  it('reads SNI and ALPN, then node:tls completes the handshake on the untouched socket', async () => {
    const { accepted, client } = await tlsClientPair({
      servername: 'localhost',
      ALPNProtocols: ['h2', 'http/1.1'],
    });
    const hello = await readClientHello(accepted, 5_000);
    expect(hello).toEqual({
      kind: 'client-hello',
      sni: 'localhost',
      alpn: ['h2', 'http/1.1'],
      consumed: undefined,
    });
    const secure = new tls.TLSSocket(accepted, { isServer: true, key, cert, ALPNProtocols: ['http/1.1'] });
    secure.on('error', () => {});
    secure.on('data', (d: Buffer) => secure.write(`echo:${d}`));
    await new Promise<void>((resolve) => client.once('secureConnect', resolve));
    expect(client.alpnProtocol).toBe('http/1.1');
    client.write('hi');
    const reply = await new Promise<Buffer>((resolve) => client.once('data', resolve));
    expect(reply.toString()).toBe('echo:hi');
  });

  it('waits for the rest of a hello longer than 512 bytes sent in two pieces', async () => {
    pair = await acceptedPair();
    pair.client.setNoDelay(true);
    const hello = buildClientHello({
      sni: 'split.example',
      alpn: ['h2'],
      extensions: [[21, new Uint8Array(1500)]],
    });
    pair.client.write(hello.subarray(0, 300));
    const detection = readClientHello(pair.accepted, 5_000);
    await sleep(30);
    pair.client.write(hello.subarray(300));
    expect(await detection).toEqual({
      kind: 'client-hello',
      sni: 'split.example',
      alpn: ['h2'],
      consumed: undefined,
    });
    expect(pair.accepted.bytesRead).toBe(0);
  });

  it('says not-tls for plaintext and returns the bytes it saw', async () => {
    pair = await acceptedPair();
    pair.client.write('GET / HTTP/1.1\r\nhost: x\r\n\r\n');
    const result = await readClientHello(pair.accepted, 5_000);
    expect(result.kind).toBe('not-tls');
    if (result.kind === 'not-tls') expect(result.bytes.toString()).toMatch(/^GET \//);
  });

  it('says not-tls when the peer closes inside the hello', async () => {
    pair = await acceptedPair();
    pair.client.end(buildClientHello({ sni: 'cut.example' }).subarray(0, 40));
    expect(await readClientHello(pair.accepted, 5_000)).toMatchObject({ kind: 'not-tls', reason: /closed/ });
  });

  it('times out with a partial hello, and reports eof for a silent close', async () => {
    pair = await acceptedPair();
    pair.client.write(buildClientHello({ sni: 'slow.example' }).subarray(0, 40));
    expect(await readClientHello(pair.accepted, 50)).toEqual({ kind: 'timeout', consumed: undefined });
    await pair.close();
    pair = await acceptedPair();
    pair.client.end();
    expect(await readClientHello(pair.accepted, 5_000)).toEqual({ kind: 'eof' });
  });
});

describe('sniffHttp', () => {
  it('detects prior-knowledge HTTP/2 and node:http2 serves the untouched socket', async () => {
    pair = await acceptedPair();
    pair.client.destroy();
    const server = pair.server;
    const h2server = http2.createServer();
    h2server.on('stream', (stream, headers) => {
      stream.respond({ ':status': 200 });
      stream.end(`path=${headers[':path']}`);
    });
    const acceptedP = new Promise<Socket>((resolve) => server.once('connection', resolve));
    const session = http2.connect(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    session.on('error', () => {});
    const accepted = await acceptedP;
    try {
      const req = session.request({ ':path': '/detected' });
      req.on('error', () => {});
      const sniff = await sniffHttp(accepted, 5_000);
      expect(sniff).toEqual({ kind: 'h2', consumed: undefined });
      h2server.emit('connection', accepted);
      // The session consumed the native handle; resuming starts reads that go to it, not to JS.
      accepted.resume();
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      await new Promise((resolve) => req.once('end', resolve));
      expect(Buffer.concat(chunks).toString()).toBe('path=/detected');
    } finally {
      session.destroy();
      accepted.destroy();
    }
  });

  it('detects HTTP/1 from a real request and not-http from other protocols', async () => {
    pair = await acceptedPair();
    pair.client.write('GET /x HTTP/1.1\r\nhost: a\r\n\r\n');
    expect(await sniffHttp(pair.accepted, 5_000)).toEqual({ kind: 'http1', consumed: undefined });
    await pair.close();
    pair = await acceptedPair();
    pair.client.write('SSH-2.0-OpenSSH_9.2\r\n');
    expect(await sniffHttp(pair.accepted, 5_000)).toEqual({ kind: 'not-http', consumed: undefined });
  });

  it('reports eof and timeout', async () => {
    pair = await acceptedPair();
    expect(await sniffHttp(pair.accepted, 30)).toEqual({ kind: 'timeout', consumed: undefined });
    pair.client.end();
    expect(await sniffHttp(pair.accepted, 5_000)).toEqual({ kind: 'eof' });
  });

  it('works on a TLS-terminated socket by reading (bytes reported as consumed)', async () => {
    const server = tls.createServer({ key, cert });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const acceptedP = new Promise<tls.TLSSocket>((resolve) => server.once('secureConnection', resolve));
    const client = tls.connect({
      host: '127.0.0.1',
      port: (server.address() as AddressInfo).port,
      ca: cert,
      servername: 'localhost',
    });
    try {
      await new Promise((resolve) => client.once('secureConnect', resolve));
      const accepted = await acceptedP;
      accepted.pause();
      client.write('POST /api HTTP/1.1\r\n');
      const sniff = await sniffHttp(accepted, 5_000);
      expect(sniff.kind).toBe('http1');
      if (sniff.kind === 'http1') expect(sniff.consumed?.toString()).toBe('POST /api HTTP/1.1\r\n');
    } finally {
      client.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});

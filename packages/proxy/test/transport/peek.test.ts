import { createHash } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import tls from 'node:tls';
import { afterEach, describe, expect, it } from 'vitest';
import { libcSockets } from '../../src/transport/libc-sockets.js';
import { type PeekResult, peekFirstBytes } from '../../src/transport/peek.js';
import { selfSignedCert } from './self-signed.js';
import { type AcceptedPair, acceptedPair, readAll, sleep } from './socket-pair.js';

const onLinux = process.platform === 'linux';
let pair: AcceptedPair | undefined;

afterEach(async () => {
  await pair?.close();
  pair = undefined;
});

function expectData(result: PeekResult): Extract<PeekResult, { kind: 'data' }> {
  if (result.kind !== 'data') throw new Error(`expected data, got ${JSON.stringify(result)}`);
  return result;
}

describe('peekFirstBytes (kernel peek)', () => {
  it('loads the libc calls on Linux', () => {
    expect(libcSockets() !== undefined).toBe(onLinux);
  });

  it('sees bytes the client wrote at once, and leaves them on the socket', async () => {
    pair = await acceptedPair();
    pair.client.write('GET / HTTP/1.1\r\n\r\n');
    const result = expectData(await peekFirstBytes(pair.accepted, 1024, 5_000));
    expect(result.bytes.toString()).toBe('GET / HTTP/1.1\r\n\r\n');
    expect(result.consumed).toBeUndefined();
    expect(result.peerClosed).toBe(false);
    // Nothing was taken: the first 'data' event still starts at byte 0.
    const first = new Promise<Buffer>((resolve) => pair!.accepted.once('data', resolve));
    pair.accepted.resume();
    expect((await first).toString()).toBe('GET / HTTP/1.1\r\n\r\n');
  });

  it('waits for bytes that arrive later', async () => {
    pair = await acceptedPair();
    const peek = peekFirstBytes(pair.accepted, 1024, 5_000);
    await sleep(50);
    pair.client.write('late');
    const result = expectData(await peek);
    expect(result.bytes.toString()).toBe('late');
    expect(pair.accepted.bytesRead).toBe(0);
  });

  it('reports EOF when the client closes without sending', async () => {
    pair = await acceptedPair();
    pair.client.end();
    expect(await peekFirstBytes(pair.accepted, 1024, 5_000)).toEqual({ kind: 'eof' });
  });

  it('times out when the client sends nothing', async () => {
    pair = await acceptedPair();
    const result = await peekFirstBytes(pair.accepted, 1024, 30);
    expect(result).toEqual({ kind: 'timeout', bytes: Buffer.alloc(0), consumed: undefined });
  });

  it('returns at most maxBytes of a large first write and consumes nothing', async () => {
    pair = await acceptedPair();
    const payload = Buffer.alloc(512 * 1024);
    for (let i = 0; i < payload.length; i++) payload[i] = (i * 7919) & 0xff;
    pair.client.end(payload);
    const result = expectData(await peekFirstBytes(pair.accepted, 16, 5_000));
    expect(result.bytes).toEqual(payload.subarray(0, 16));
    const all = readAll(pair.accepted);
    pair.accepted.resume();
    const received = await all;
    expect(received.length).toBe(payload.length);
    expect(createHash('sha256').update(received).digest('hex')).toBe(
      createHash('sha256').update(payload).digest('hex'),
    );
  });

  it('waits for minBytes when the first flight is split', async () => {
    pair = await acceptedPair();
    pair.client.setNoDelay(true);
    pair.client.write('abc');
    const peek = peekFirstBytes(pair.accepted, 64, 5_000, { minBytes: 10 });
    await sleep(30);
    pair.client.write('defghij');
    const result = expectData(await peek);
    expect(result.bytes.toString()).toBe('abcdefghij');
  });

  it('returns a short peek when the peer closes before minBytes', async () => {
    pair = await acceptedPair();
    pair.client.end('abc');
    const result = expectData(await peekFirstBytes(pair.accepted, 64, 5_000, { minBytes: 10 }));
    expect(result.bytes.toString()).toBe('abc');
    expect(result.peerClosed).toBe(true);
  });

  it('returns the partial bytes on timeout', async () => {
    pair = await acceptedPair();
    pair.client.write('abc');
    const result = await peekFirstBytes(pair.accepted, 64, 40, { minBytes: 10 });
    expect(result.kind).toBe('timeout');
    if (result.kind === 'timeout') expect(result.bytes.toString()).toBe('abc');
  });

  it.runIf(onLinux)('reports a reset before any data as ECONNRESET', async () => {
    pair = await acceptedPair();
    pair.client.resetAndDestroy();
    await sleep(20);
    const result = await peekFirstBytes(pair.accepted, 64, 5_000);
    expect(result.kind).toBe('error');
    if (result.kind === 'error') {
      expect(result.error.code).toBe('ERR_SKEIN_PEEK');
      expect(result.error.errno).toBe('ECONNRESET');
    }
  });

  it('reports a socket destroyed locally while waiting', async () => {
    pair = await acceptedPair();
    const peek = peekFirstBytes(pair.accepted, 64, 5_000);
    await sleep(5);
    pair.accepted.destroy();
    const result = await peek;
    expect(result.kind).toBe('error');
    if (result.kind === 'error') expect(result.error.message).toMatch(/closed/);
  });

  it('rejects bad arguments with errors naming them', async () => {
    pair = await acceptedPair();
    expect(() => peekFirstBytes(pair!.accepted, 0, 10)).toThrow(/maxBytes=0/);
    expect(() => peekFirstBytes(pair!.accepted, 1.5, 10)).toThrow(/maxBytes/);
    expect(() => peekFirstBytes(pair!.accepted, 100_000, 10)).toThrow(/maxBytes=100000/);
    expect(() => peekFirstBytes(pair!.accepted, 8, -1)).toThrow(/timeoutMs=-1/);
    expect(() => peekFirstBytes(pair!.accepted, 8, Number.NaN)).toThrow(/timeoutMs/);
    expect(() => peekFirstBytes(pair!.accepted, 8, 10, { minBytes: 9 })).toThrow(/minBytes=9/);
  });
});

describe('peekFirstBytes (fallback: reading in JS)', () => {
  const { key, cert } = selfSignedCert();

  async function tlsPair(): Promise<{
    client: tls.TLSSocket;
    accepted: tls.TLSSocket;
    close: () => Promise<void>;
  }> {
    const server = tls.createServer({ key, cert, pauseOnConnect: true });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const acceptedP = new Promise<tls.TLSSocket>((resolve) => server.once('secureConnection', resolve));
    const client = tls.connect({
      port: (server.address() as AddressInfo).port,
      host: '127.0.0.1',
      ca: cert,
      servername: 'localhost',
    });
    await new Promise<void>((resolve, reject) => client.once('secureConnect', resolve).once('error', reject));
    const accepted = await acceptedP;
    accepted.pause();
    return {
      client,
      accepted,
      close: async () => {
        client.destroy();
        accepted.destroy();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      },
    };
  }

  it('reads decrypted bytes of a TLS socket and reports them as consumed', async () => {
    const t = await tlsPair();
    try {
      t.client.write('PRI * HTTP/2.0\r\n');
      const result = expectData(await peekFirstBytes(t.accepted, 4, 5_000));
      expect(result.bytes.toString()).toBe('PRI ');
      expect(result.consumed?.toString()).toBe('PRI * HTTP/2.0\r\n');
      expect(t.accepted.isPaused()).toBe(true);
    } finally {
      await t.close();
    }
  });

  it('reports EOF and timeout through the fallback too', async () => {
    const t = await tlsPair();
    try {
      expect(await peekFirstBytes(t.accepted, 4, 20)).toEqual({
        kind: 'timeout',
        bytes: Buffer.alloc(0),
        consumed: undefined,
      });
      t.client.end();
      expect(await peekFirstBytes(t.accepted, 4, 5_000)).toEqual({ kind: 'eof' });
    } finally {
      await t.close();
    }
  });
});

import { createHash, randomBytes } from 'node:crypto';
import net, { type AddressInfo, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { forwardOpaque, type OpaqueForwardResult } from '../../src/tcp/opaque-forward.js';
import { tcpConnector } from '../../src/transport/connector.js';
import { type AcceptedPair, acceptedPair, readAll, sleep } from '../transport/socket-pair.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function upstreamServer(onConnection: (socket: Socket) => void, allowHalfOpen = true): Promise<number> {
  const server: Server = net.createServer({ allowHalfOpen }, (socket) => {
    socket.on('error', () => {});
    onConnection(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return (server.address() as AddressInfo).port;
}

async function proxied(
  upstreamPort: number,
  consumed?: Buffer,
): Promise<{ pair: AcceptedPair; done: Promise<OpaqueForwardResult>; abort: (e?: Error) => void }> {
  const pair = await acceptedPair('127.0.0.1', { allowHalfOpen: true });
  cleanups.push(() => pair.close());
  const result = deferred<OpaqueForwardResult>();
  const forward = forwardOpaque(pair.accepted, {
    connect: tcpConnector({ host: '127.0.0.1', port: upstreamPort, timeoutMs: 1_000 }),
    ...(consumed === undefined ? {} : { consumed }),
    onComplete: result.resolve,
  });
  return { pair, done: result.promise, abort: (e?: Error) => forward.abort(e) };
}

function clientOf(pair: AcceptedPair): Socket {
  pair.client.allowHalfOpen = true;
  return pair.client;
}

/** A promise settled later by whoever holds `resolve`. */
function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve: (value: T) => void = () => {};
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('forwardOpaque', () => {
  it('echoes through the proxy and reports byte counts when both sides finish', async () => {
    const port = await upstreamServer((s) => s.pipe(s));
    const { pair, done } = await proxied(port);
    const client = clientOf(pair);
    const reply = readAll(client);
    client.end('hello opaque');
    expect((await reply).toString()).toBe('hello opaque');
    const result = await done;
    expect(result).toEqual({
      bytesIn: 12,
      bytesOut: 12,
      errno: undefined,
      error: undefined,
      upstream: { bytesRead: 12, bytesWritten: 12 },
    });
  });

  it('keeps the upstream→client direction open after the client half-closes', async () => {
    // The server answers only after reading to EOF: it needs the client's FIN to arrive while
    // its own sending side is still open.
    const port = await upstreamServer((s) => {
      const chunks: Buffer[] = [];
      s.on('data', (c: Buffer) => chunks.push(c));
      s.on('end', () => s.end(`sha256:${sha(Buffer.concat(chunks))}`));
    });
    const { pair, done } = await proxied(port);
    const client = clientOf(pair);
    const payload = randomBytes(300_000);
    const reply = readAll(client);
    client.end(payload);
    expect((await reply).toString()).toBe(`sha256:${sha(payload)}`);
    expect((await done).error).toBeUndefined();
  });

  it('keeps the client→upstream direction open after the upstream half-closes', async () => {
    const upstreamGot = deferred<Buffer>();
    const port = await upstreamServer((s) => {
      void readAll(s).then(upstreamGot.resolve);
      s.end('bye-first ');
    });
    const { pair, done } = await proxied(port);
    const client = clientOf(pair);
    const got = await readAll(client);
    expect(got.toString()).toBe('bye-first ');
    // The upstream has sent its FIN; the client can still talk to it.
    client.end('still talking');
    expect((await upstreamGot.promise).toString()).toBe('still talking');
    const result = await done;
    expect(result).toMatchObject({ bytesIn: 13, bytesOut: 10, error: undefined });
  });

  it('delivers a server-speaks-first banner before the client writes anything', async () => {
    const port = await upstreamServer((s) => {
      s.write('220 smtp.example ESMTP ready\r\n');
      s.on('data', (c: Buffer) => {
        if (c.toString().startsWith('QUIT')) s.end('221 bye\r\n');
      });
    });
    const { pair, done } = await proxied(port);
    const client = clientOf(pair);
    const banner = await new Promise<Buffer>((resolve) => client.once('data', resolve));
    expect(banner.toString()).toBe('220 smtp.example ESMTP ready\r\n');
    expect(client.bytesWritten).toBe(0);
    const rest = readAll(client);
    client.end('QUIT\r\n');
    expect((await rest).toString()).toBe('221 bye\r\n');
    expect((await done).bytesOut).toBe(banner.length + 9);
  });

  it('closes the client when the upstream refuses the connection', async () => {
    const probe = net.createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const deadPort = (probe.address() as AddressInfo).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const { pair, done } = await proxied(deadPort);
    // The proxy closed its end: the client reads EOF without a byte.
    expect((await readAll(pair.client)).length).toBe(0);
    const result = await done;
    expect(result.upstream).toBeUndefined();
    expect(result.error).toMatchObject({ code: 'ERR_SKEIN_CONNECT' });
    expect(result.bytesIn).toBe(0);
  });

  it('moves 16 MiB each way at once without corruption', async () => {
    const up = randomBytes(16 * 1024 * 1024);
    const down = randomBytes(16 * 1024 * 1024);
    const upstreamGot = deferred<Buffer>();
    const port = await upstreamServer((s) => {
      void readAll(s).then(upstreamGot.resolve);
      s.end(down);
    });
    const { pair, done } = await proxied(port);
    const client = clientOf(pair);
    const clientGot = readAll(client);
    client.end(up);
    expect(sha(await clientGot)).toBe(sha(down));
    expect(sha(await upstreamGot.promise)).toBe(sha(up));
    const result = await done;
    expect(result).toMatchObject({ bytesIn: up.length, bytesOut: down.length, error: undefined });
    expect(result.upstream).toEqual({ bytesRead: down.length, bytesWritten: up.length });
  });

  it('applies backpressure: a client that does not read holds the upstream back', async () => {
    const total = 64 * 1024 * 1024;
    let written = 0;
    let stalled: () => void = () => {};
    const stalledP = new Promise<void>((resolve) => {
      stalled = resolve;
    });
    const chunk = Buffer.alloc(64 * 1024, 0x61);
    const port = await upstreamServer((s) => {
      const pump = () => {
        while (written < total) {
          written += chunk.length;
          if (!s.write(chunk)) {
            s.once('drain', pump);
            // No drain for a while: the proxy stopped reading from us.
            setTimeout(() => {
              if (s.writableNeedDrain) stalled();
            }, 200);
            return;
          }
        }
        s.end();
      };
      pump();
    });
    const { pair, done } = await proxied(port);
    const client = clientOf(pair);
    client.pause();
    await stalledP;
    expect(written).toBeLessThan(total);
    expect(pair.accepted.writableLength).toBeLessThan(4 * 1024 * 1024);
    let received = 0;
    client.on('data', (c: Buffer) => {
      received += c.length;
    });
    client.resume();
    await new Promise((resolve) => client.once('end', resolve));
    expect(received).toBe(total);
    client.end();
    expect((await done).bytesOut).toBe(total);
  });

  it('propagates an upstream reset to the client as a reset', async () => {
    const port = await upstreamServer((s) => {
      s.once('data', () => s.resetAndDestroy());
    });
    const { pair, done } = await proxied(port);
    const client = clientOf(pair);
    const clientError = new Promise<NodeJS.ErrnoException>((resolve) => client.once('error', resolve));
    client.write('trigger');
    expect((await clientError).code).toBe('ECONNRESET');
    const result = await done;
    expect(result.error).toMatchObject({ code: 'ECONNRESET' });
  });

  it('propagates a client reset to the upstream as a reset', async () => {
    let upstreamError: Promise<NodeJS.ErrnoException> = new Promise(() => {});
    let connected: () => void = () => {};
    const connectedP = new Promise<void>((resolve) => {
      connected = resolve;
    });
    const port = await upstreamServer((s) => {
      upstreamError = new Promise((resolve) => s.once('error', resolve));
      s.resume();
      connected();
    });
    const { pair, done } = await proxied(port);
    const client = clientOf(pair);
    client.write('hi');
    await connectedP;
    await sleep(20);
    client.resetAndDestroy();
    expect((await upstreamError).code).toBe('ECONNRESET');
    const result = await done;
    expect(result.errno).toBe('ECONNRESET');
  });

  it('sends bytes consumed during detection upstream first, in order', async () => {
    const upstreamGot = deferred<Buffer>();
    const port = await upstreamServer((s) => {
      void readAll(s).then(upstreamGot.resolve);
      s.end();
    });
    const pair = await acceptedPair('127.0.0.1', { allowHalfOpen: true });
    cleanups.push(() => pair.close());
    pair.client.write('first-chunk|');
    // Detection without peeking: the first chunk is read in JS.
    const first = await new Promise<Buffer>((resolve) => {
      pair.accepted.once('data', (c: Buffer) => {
        pair.accepted.pause();
        resolve(c);
      });
      pair.accepted.resume();
    });
    const done = new Promise<OpaqueForwardResult>((resolve) => {
      forwardOpaque(pair.accepted, {
        connect: tcpConnector({ host: '127.0.0.1', port, timeoutMs: 1_000 }),
        consumed: first,
        onComplete: resolve,
      });
    });
    pair.client.end('rest');
    expect((await upstreamGot.promise).toString()).toBe('first-chunk|rest');
    expect((await done).bytesIn).toBe(16);
  });

  it('loses nothing a client sends while the upstream connect is still pending', async () => {
    const upstreamGot = deferred<Buffer>();
    const port = await upstreamServer((s) => {
      void readAll(s).then((b) => {
        upstreamGot.resolve(b);
        s.end();
      });
    });
    const pair = await acceptedPair('127.0.0.1', { allowHalfOpen: true });
    cleanups.push(() => pair.close());
    // A caller that already resumed the socket: bytes arrive before the upstream exists.
    pair.accepted.resume();
    pair.client.end('early bytes');
    const connect = tcpConnector({ host: '127.0.0.1', port, timeoutMs: 1_000 });
    forwardOpaque(pair.accepted, {
      connect: async () => {
        await sleep(50);
        return connect();
      },
    });
    expect((await upstreamGot.promise).toString()).toBe('early bytes');
  });

  it('abort() resets both connections', async () => {
    let upstreamClosed: Promise<void> = new Promise(() => {});
    let connected: () => void = () => {};
    const connectedP = new Promise<void>((resolve) => {
      connected = resolve;
    });
    const port = await upstreamServer((s) => {
      upstreamClosed = new Promise((resolve) => s.once('close', () => resolve()));
      s.resume();
      connected();
    });
    const { pair, done, abort } = await proxied(port);
    const client = clientOf(pair);
    const clientClosed = new Promise((resolve) => client.once('close', resolve));
    client.write('x');
    await connectedP;
    abort(new Error('draining'));
    await clientClosed;
    await upstreamClosed;
    expect((await done).error?.message).toBe('draining');
  });

  it('closes the client when the connector throws', async () => {
    const pair = await acceptedPair();
    cleanups.push(() => pair.close());
    const done = new Promise<OpaqueForwardResult>((resolve) => {
      forwardOpaque(pair.accepted, {
        connect: () => {
          throw new Error('no endpoint');
        },
        onComplete: resolve,
      });
    });
    await new Promise((resolve) => pair.client.once('close', resolve));
    expect((await done).error?.message).toBe('no endpoint');
  });
});

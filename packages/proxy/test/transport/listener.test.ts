import net, { type Socket } from 'node:net';
import tls from 'node:tls';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ConnectionInfo } from '../../src/transport/connection-info.js';
import { libcSockets } from '../../src/transport/libc-sockets.js';
import {
  type AcceptedConnection,
  type ConnectionCloseStats,
  Listener,
  type ListenerOptions,
} from '../../src/transport/listener.js';
import { peekFirstBytes } from '../../src/transport/peek.js';
import { rawSocketFd } from '../../src/transport/socket-fd.js';
import { isRoot, NetNamespace } from './netns.js';
import { selfSignedCert } from './self-signed.js';
import { readAll, sleep } from './socket-pair.js';

interface Accepted {
  socket: Socket;
  info: ConnectionInfo;
  connection: AcceptedConnection;
}

const listeners: Listener[] = [];
const clients: Socket[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy();
  await Promise.all(listeners.splice(0).map((l) => l.drain(0)));
});

/** Binds a listener whose accepted connections queue up for the test to take. */
async function bind(
  overrides: Partial<ListenerOptions> = {},
  onAccept?: (a: Accepted) => void,
): Promise<{ listener: Listener; next: () => Promise<Accepted> }> {
  const queue: Accepted[] = [];
  const waiters: ((a: Accepted) => void)[] = [];
  const listener = await Listener.bind({
    address: { ip: '127.0.0.1', port: 0 },
    direction: 'inbound',
    handler: (socket, info, connection) => {
      socket.on('error', () => {});
      const a = { socket, info, connection };
      onAccept?.(a);
      const w = waiters.shift();
      if (w) w(a);
      else queue.push(a);
    },
    ...overrides,
  });
  listeners.push(listener);
  return {
    listener,
    next: () => {
      const a = queue.shift();
      return a ? Promise.resolve(a) : new Promise((resolve) => waiters.push(resolve));
    },
  };
}

async function connect(port: number, host = '127.0.0.1'): Promise<Socket> {
  const client = net.connect({ host, port, allowHalfOpen: true });
  clients.push(client);
  client.on('error', () => {});
  await new Promise<void>((resolve, reject) => client.once('connect', resolve).once('error', reject));
  return client;
}

function sockopt(socket: Socket, level: number, name: number): number {
  const libc = libcSockets();
  const fd = rawSocketFd(socket);
  if (libc === undefined || fd === undefined) throw new Error('no libc or fd');
  const value = Buffer.alloc(4);
  const length: [number] = [4];
  if (libc.getsockopt(fd, level, name, value, length) !== 0)
    throw new Error(`getsockopt errno ${libc.errno()}`);
  return value.readInt32LE(0);
}

describe('Listener', () => {
  it('binds port 0 and describes each accepted connection', async () => {
    const { listener, next } = await bind();
    expect(listener.address.ip).toBe('127.0.0.1');
    expect(listener.address.port).toBeGreaterThan(0);
    const client = await connect(listener.address.port);
    const { info, socket } = await next();
    expect(info).toEqual({
      direction: 'inbound',
      remote: { ip: '127.0.0.1', port: client.localPort },
      local: { ip: '127.0.0.1', port: listener.address.port },
      originalDst: undefined,
      tls: { kind: 'none', reason: 'no_tls_from_remote' },
      id: expect.any(Number),
    });
    // Accepted paused: bytes wait in the kernel until the handler peeks or resumes.
    client.write('hello');
    const peeked = await peekFirstBytes(socket, 64, 5_000);
    expect(peeked).toMatchObject({ kind: 'data', consumed: undefined });
    expect(socket.bytesRead).toBe(0);
  });

  it.runIf(process.platform === 'linux')('sets TCP_NODELAY, and SO_KEEPALIVE when asked', async () => {
    const plain = await bind({ direction: 'outbound' });
    await connect(plain.listener.address.port);
    const a = await plain.next();
    expect(sockopt(a.socket, 6, 1)).not.toBe(0); // IPPROTO_TCP, TCP_NODELAY
    expect(sockopt(a.socket, 1, 9)).toBe(0); // SOL_SOCKET, SO_KEEPALIVE
    expect(a.info.tls).toEqual({ kind: 'none', reason: 'loopback' });
    const keepalive = await bind({ keepAliveMs: 10_000 });
    await connect(keepalive.listener.address.port);
    const b = await keepalive.next();
    expect(sockopt(b.socket, 1, 9)).not.toBe(0);
    expect(sockopt(b.socket, 6, 4)).toBe(10); // TCP_KEEPIDLE, seconds
  });

  it('binds IPv6 and reports IPv4 clients of a dual-stack socket as IPv4', async () => {
    const v6 = await bind({ address: { ip: '::1', port: 0 } });
    expect(v6.listener.address.ip).toBe('::1');
    await connect(v6.listener.address.port, '::1');
    expect((await v6.next()).info.remote.ip).toBe('::1');
    const dual = await bind({ address: { ip: '::', port: 0 } });
    await connect(dual.listener.address.port, '127.0.0.1');
    const a = await dual.next();
    expect(a.info.remote.ip).toBe('127.0.0.1');
    expect(a.info.local).toEqual({ ip: '127.0.0.1', port: dual.listener.address.port });
  });

  it('gives connections process-unique, increasing ids across listeners', async () => {
    const one = await bind();
    const two = await bind();
    await connect(one.listener.address.port);
    const a = await one.next();
    await connect(two.listener.address.port);
    const b = await two.next();
    await connect(one.listener.address.port);
    const c = await one.next();
    expect(b.info.id).toBeGreaterThan(a.info.id);
    expect(c.info.id).toBeGreaterThan(b.info.id);
  });

  it('reports opens and closes with byte counts to the hooks', async () => {
    const events: string[] = [];
    const closed = new Promise<[ConnectionInfo, ConnectionCloseStats]>((resolve) => {
      void bind(
        {
          hooks: {
            onOpen: (info) => events.push(`open ${info.id}`),
            onClose: (info, stats) => {
              events.push(`close ${info.id}`);
              resolve([info, stats]);
            },
          },
        },
        ({ socket }) => {
          socket.pipe(socket);
        },
      ).then(async ({ listener }) => {
        const client = await connect(listener.address.port);
        const echoed = readAll(client);
        client.end(Buffer.alloc(1000, 1));
        await echoed;
      });
    });
    const [info, stats] = await closed;
    expect(events).toEqual([`open ${info.id}`, `close ${info.id}`]);
    expect(stats).toEqual({ bytesRead: 1000, bytesWritten: 1000, errno: undefined });
  });

  it('reports the errno of a connection reset by the peer', async () => {
    let hookClose: (s: ConnectionCloseStats) => void = () => {};
    const stats = new Promise<ConnectionCloseStats>((resolve) => {
      hookClose = resolve;
    });
    const { listener, next } = await bind({ hooks: { onClose: (_info, s) => hookClose(s) } });
    const client = await connect(listener.address.port);
    const { socket } = await next();
    socket.resume();
    client.write('x');
    await sleep(20);
    client.resetAndDestroy();
    expect(await stats).toMatchObject({ bytesRead: 1, errno: 'ECONNRESET' });
  });

  it('counts the bytes of a socket handed to node:tls (a native consumer)', async () => {
    const { key, cert } = selfSignedCert();
    let stats: (s: ConnectionCloseStats) => void = () => {};
    const statsP = new Promise<ConnectionCloseStats>((resolve) => {
      stats = resolve;
    });
    const { listener } = await bind({ hooks: { onClose: (_i, s) => stats(s) } }, ({ socket }) => {
      const secure = new tls.TLSSocket(socket, { isServer: true, key, cert });
      secure.on('error', () => {});
      secure.on('data', (d: Buffer) => secure.end(d));
    });
    const client = tls.connect({
      host: '127.0.0.1',
      port: listener.address.port,
      ca: cert,
      servername: 'localhost',
    });
    clients.push(client);
    const reply = readAll(client);
    client.write('ping over tls');
    expect((await reply).toString()).toBe('ping over tls');
    const s = await statsP;
    // Ciphertext, handshake included: more than the 13 plaintext bytes each way.
    expect(s.bytesRead).toBeGreaterThan(200);
    expect(s.bytesWritten).toBeGreaterThan(200);
  });

  it('fails to bind an address in use with a ListenError naming it', async () => {
    const { listener } = await bind();
    const err = await Listener.bind({
      address: { ip: '127.0.0.1', port: listener.address.port },
      direction: 'outbound',
      handler: () => {},
    }).catch((e: unknown) => e);
    expect(err).toMatchObject({
      code: 'ERR_SKEIN_LISTEN',
      errno: 'EADDRINUSE',
      address: `127.0.0.1:${listener.address.port}`,
    });
    await expect(
      Listener.bind({ address: { ip: '192.0.2.1', port: 0 }, direction: 'inbound', handler: () => {} }),
    ).rejects.toMatchObject({ code: 'ERR_SKEIN_LISTEN', errno: 'EADDRNOTAVAIL' });
  });

  it('rejects invalid options with errors naming them', async () => {
    const base = { direction: 'inbound' as const, handler: () => {} };
    await expect(Listener.bind({ ...base, address: { ip: '127.0.0.1', port: 70_000 } })).rejects.toThrow(
      /address\.port=70000/,
    );
    await expect(
      Listener.bind({ ...base, address: { ip: '127.0.0.1', port: 0 }, backlog: 0 }),
    ).rejects.toThrow(/backlog=0/);
    await expect(
      Listener.bind({ ...base, address: { ip: '127.0.0.1', port: 0 }, keepAliveMs: -5 }),
    ).rejects.toThrow(/keepAliveMs=-5/);
  });

  it('close() stops accepting while open connections keep working', async () => {
    const { listener, next } = await bind({}, ({ socket }) => socket.pipe(socket));
    const client = await connect(listener.address.port);
    await next();
    listener.close();
    expect(listener.accepting).toBe(false);
    await expect(connect(listener.address.port)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    const echoed = readAll(client);
    client.end('still here');
    expect((await echoed).toString()).toBe('still here');
  });

  it('drain() runs drain hooks, destroys the rest after the grace period, and resolves when none is left', async () => {
    const hookCalls: number[] = [];
    const { listener, next } = await bind();
    const polite = await connect(listener.address.port);
    const a = await next();
    a.connection.onDrain(() => {
      hookCalls.push(a.info.id);
      a.socket.end('goodbye');
    });
    const stubborn = await connect(listener.address.port);
    const b = await next();
    b.socket.resume();
    const politeGot = readAll(polite);
    const stubbornClosed = new Promise((resolve) => stubborn.once('close', resolve));
    stubborn.on('end', () => stubborn.end());
    const drained = listener.drain(150);
    expect(listener.drain(150)).toBe(drained);
    expect(hookCalls).toEqual([a.info.id]);
    expect((await politeGot).toString()).toBe('goodbye');
    polite.end();
    // The stubborn connection has no hook: it stays until the grace period, then is destroyed.
    expect(listener.connectionCount).toBeGreaterThan(0);
    await drained;
    await stubbornClosed;
    expect(listener.connectionCount).toBe(0);
  });

  it('calls a drain hook registered after draining began at once', async () => {
    const { listener, next } = await bind();
    await connect(listener.address.port);
    const a = await next();
    const drained = listener.drain(5_000);
    let called = false;
    a.connection.onDrain(() => {
      called = true;
      a.socket.destroy();
    });
    expect(called).toBe(true);
    await drained;
  });

  it('survives a handler that throws: that connection is closed, the next is served', async () => {
    let calls = 0;
    const { listener } = await bind({}, ({ socket }) => {
      calls++;
      if (calls === 1) throw new Error('handler bug');
      socket.pipe(socket);
    });
    const first = await connect(listener.address.port);
    await new Promise((resolve) => first.once('end', resolve));
    const second = await connect(listener.address.port);
    const echoed = readAll(second);
    second.end('ok');
    expect((await echoed).toString()).toBe('ok');
  });
});

// Original destinations need iptables NAT inside a private network namespace, which only root
// can create. CI runs as root.
describe.skipIf(!isRoot)('Listener original destination (network namespace)', () => {
  let ns: NetNamespace | undefined;
  let probe: { target: number; listenerPort: number; redirected: ConnectionInfo; direct: ConnectionInfo };

  beforeAll(() => {
    ns = new NetNamespace('lsnr');
    const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
    const out = ns.exec(process.execPath, [
      '--import',
      fixture('ts-resolve-hook.mjs'),
      fixture('listener-probe.ts'),
    ]);
    probe = JSON.parse(out);
  });

  afterAll(() => ns?.delete());

  it('sets originalDst for a redirected connection', () => {
    expect(probe.redirected.originalDst).toEqual({ ip: '127.0.0.1', port: probe.target });
    expect(probe.redirected.local).toEqual({ ip: '127.0.0.1', port: probe.listenerPort });
    expect(probe.redirected.direction).toBe('outbound');
  });

  it('leaves originalDst undefined for a connection made to the listener itself', () => {
    expect(probe.direct.originalDst).toBeUndefined();
    expect(probe.direct.id).toBeGreaterThan(probe.redirected.id);
  });
});

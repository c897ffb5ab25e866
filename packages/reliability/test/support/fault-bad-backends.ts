import { once } from 'node:events';
import net, { type AddressInfo } from 'node:net';
import { type RunningProcess, runProcess } from '@skein/testkit';

/** A misbehaving upstream. */
export interface BadBackend {
  readonly port: number;
  /** Connections accepted so far. */
  readonly connections: number;
  close(): Promise<void>;
}

/**
 * A TCP server that accepts connections and treats what arrives with `onData` (hang, reset, answer
 * garbage). Sockets are tracked so `close` ends them all.
 */
async function tcpBackend(onData: (socket: net.Socket, chunk: Buffer) => void): Promise<BadBackend> {
  const sockets = new Set<net.Socket>();
  let connections = 0;
  const server = net.createServer((socket) => {
    connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    socket.on('data', (chunk: Buffer) => onData(socket, chunk));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    port: (server.address() as AddressInfo).port,
    get connections() {
      return connections;
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Reads requests and never answers (a deadlocked application). */
export function hangingBackend(): Promise<BadBackend> {
  return tcpBackend(() => {});
}

/** Resets the connection (TCP RST) as soon as a request arrives (a crashing application). */
export function resettingBackend(): Promise<BadBackend> {
  return tcpBackend((socket) => socket.resetAndDestroy());
}

/** Answers every request with bytes that are not HTTP, and keeps the connection open. */
export function garbageBackend(): Promise<BadBackend> {
  return tcpBackend((socket) => {
    socket.write('\x00\x17\x03garbage that is not an HTTP response\r\n\r\n');
  });
}

/** A listener whose accept queue is full, so new connections never complete (SYNs are dropped). */
export interface Blackhole {
  readonly port: number;
  close(): Promise<void>;
}

// listen(0) leaves room for one queued connection; a few connections that are never accepted
// fill it, after which the kernel drops every new SYN and connect() hangs until its timeout.
const BLACKHOLE = `
import socket, time
s = socket.socket(); s.bind(('127.0.0.1', 0)); s.listen(0)
port = s.getsockname()[1]
fill = []
for _ in range(4):
    c = socket.socket(); c.setblocking(False)
    try: c.connect(('127.0.0.1', port))
    except BlockingIOError: pass
    fill.append(c)
time.sleep(0.2)
print('blackhole', port, flush=True)
time.sleep(600)
`;

/** Starts a {@link Blackhole} (a python3 process). */
export async function startBlackhole(): Promise<Blackhole> {
  const proc: RunningProcess = await runProcess({
    command: 'python3',
    args: ['-c', BLACKHOLE],
    ready: /^blackhole (\d+)$/,
  });
  return {
    port: Number(proc.readyMatch![1]),
    async close() {
      await proc.close(500);
    },
  };
}

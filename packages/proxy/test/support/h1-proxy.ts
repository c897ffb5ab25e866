import net, { type AddressInfo } from 'node:net';
import type { Dispatcher } from '../../src/http/types.js';
import { Http1ServerConnection, type Http1ServerOptions } from '../../src/http1/server-connection.js';
import type { ConnectionInfo } from '../../src/transport/connection-info.js';

/** A test listener serving HTTP/1 with the proxy's server connection in front of `dispatcher`. */
export async function startH1Proxy(
  dispatcher: Dispatcher,
  options: Partial<Http1ServerOptions> = {},
): Promise<{ port: number; connections: Set<Http1ServerConnection>; close(): Promise<void> }> {
  let id = 0;
  const connections = new Set<Http1ServerConnection>();
  const server = net.createServer({ noDelay: true }, (socket) => {
    const info: ConnectionInfo = {
      direction: 'outbound',
      remote: { ip: socket.remoteAddress ?? '', port: socket.remotePort ?? 0 },
      local: { ip: socket.localAddress ?? '', port: socket.localPort ?? 0 },
      originalDst: undefined,
      tls: { kind: 'none', reason: 'loopback' },
      id: ++id,
    };
    const conn = new Http1ServerConnection(socket, null, {
      dispatcher,
      info,
      ...options,
      onClose: () => connections.delete(conn),
    });
    connections.add(conn);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    connections,
    close: () =>
      new Promise<void>((resolve) => {
        for (const c of connections) c.socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Sends raw bytes and collects everything until the peer closes or `idleMs` passes without data. */
export function rawExchange(port: number, data: string | Buffer, idleMs = 300): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    let timer: NodeJS.Timeout | undefined;
    const finish = () => {
      clearTimeout(timer);
      socket.destroy();
      resolve(Buffer.concat(chunks).toString('latin1'));
    };
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(finish, idleMs);
    };
    socket.on('data', (c) => {
      chunks.push(c);
      arm();
    });
    socket.on('end', finish);
    socket.on('error', (err) => (chunks.length > 0 ? finish() : reject(err)));
    socket.on('connect', () => {
      socket.write(data);
      arm();
    });
  });
}

import type { AddressInfo } from 'node:net';
import { createServer, type Server } from 'node:net';
import type { TLSSocket } from 'node:tls';
import {
  type AcceptedConnection,
  type CredentialsSource,
  MeshTlsServer,
  type MeshTlsServerOptions,
} from '../../src/tls/mesh-tls-server.js';

/** A TCP listener that terminates mesh TLS on each connection and answers `id=<peer identity>\n` to any data. */
export interface EchoServer {
  port: number;
  accepted: AcceptedConnection[];
  errors: Error[];
  /** Resolves with the next accept outcome. */
  next(): Promise<AcceptedConnection | Error>;
  close(): Promise<void>;
}

/** Starts an {@link EchoServer} on 127.0.0.1:0. `peek` reads the first bytes and puts them back before TLS. */
export async function startEchoServer(
  source: CredentialsSource,
  options: MeshTlsServerOptions & { peek?: boolean } = {},
): Promise<EchoServer> {
  const mesh = new MeshTlsServer(source, options);
  const accepted: AcceptedConnection[] = [];
  const errors: Error[] = [];
  const waiters: Array<(v: AcceptedConnection | Error) => void> = [];
  const sockets = new Set<TLSSocket | import('node:net').Socket>();
  const settle = (v: AcceptedConnection | Error) => {
    if (v instanceof Error) errors.push(v);
    else accepted.push(v);
    waiters.shift()?.(v);
  };
  const handle = (tcp: import('node:net').Socket) => {
    mesh.accept(tcp).then((conn) => {
      sockets.add(conn.socket);
      conn.socket.on('data', () => conn.socket.write(`id=${conn.peerIdentity ?? '-'}\n`));
      conn.socket.on('end', () => conn.socket.end());
      conn.socket.on('error', () => {});
      settle(conn);
    }, settle);
  };
  const server: Server = createServer((tcp) => {
    sockets.add(tcp);
    tcp.on('error', () => {});
    if (!options.peek) return handle(tcp);
    tcp.once('readable', () => {
      const first = tcp.read() as Buffer | null;
      if (first !== null) tcp.unshift(first);
      handle(tcp);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    accepted,
    errors,
    next: () => new Promise((resolve) => waiters.push(resolve)),
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Writes `line` and resolves with the first line read back. */
export function roundTrip(socket: TLSSocket, line = 'ping\n'): Promise<string> {
  return new Promise((resolve, reject) => {
    let buf = '';
    const onData = (d: Buffer) => {
      buf += d.toString();
      const nl = buf.indexOf('\n');
      if (nl >= 0) {
        socket.off('data', onData);
        resolve(buf.slice(0, nl));
      }
    };
    socket.on('data', onData);
    socket.once('error', reject);
    socket.write(line);
  });
}

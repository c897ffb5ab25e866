import net, { type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Logger } from '@skein/core';
import type { TapHub } from '@skein/tap/hub';
import { readClientHello } from '../detect/read-client-hello.js';
import type { ProxyIdentity } from '../identity/proxy-identity.js';

/** Options of {@link startControlServer}. */
export interface ControlServerOptions {
  /** `LINKERD2_PROXY_CONTROL_LISTEN_ADDR`. */
  listen: { host: string; port: number };
  /** The tap hub the Observe streams read. */
  hub: TapHub;
  /** `LINKERD2_PROXY_TAP_SVC_NAME`: the one mTLS identity allowed besides loopback. */
  tapSvcName: string;
  /** The proxy's identity; without it the port is plaintext (loopback callers only). */
  identity: ProxyIdentity | undefined;
  /** How long to wait for a ClientHello or the first bytes. */
  detectTimeoutMs: number;
  /** Counts tap events dropped for slow subscribers. */
  droppedEvents?: { inc(): void };
  logger: Logger;
}

/** The running control server. */
export interface ControlServer {
  /** The bound public address. */
  readonly address: { port: number };
  /** Stops accepting, closes open streams. */
  close(): Promise<void>;
}

/** Who really called, for a connection relayed to the internal gRPC server. */
interface RelayedPeer {
  address: string;
  port: number;
  clientIdentity?: string;
}

/**
 * The proxy's control port (`:4190`), serving `Tap.Observe`. As in linkerd2-proxy, the port
 * takes both mTLS (the tap service dials pods through its own proxy, so the call arrives with
 * its identity) and plaintext from loopback. grpc-js serves one or the other on a port, so with
 * an identity the public listener detects TLS itself: a ClientHello for this proxy's name is
 * terminated with the current certificate, a plaintext loopback connection is taken as is, and
 * anything else is closed; accepted connections are relayed to a gRPC server on an ephemeral
 * loopback port, whose authorizer sees the original peer and its identity.
 */
export async function startControlServer(options: ControlServerOptions): Promise<ControlServer> {
  const { isLoopback, startTapServer, tapServiceAuthorizer } = await import('@skein/tap');
  const log = options.logger;
  const dropped = options.droppedEvents === undefined ? {} : { droppedEvents: options.droppedEvents };
  if (options.identity === undefined) {
    return startTapServer({
      hub: options.hub,
      listen: options.listen,
      tapServiceName: options.tapSvcName,
      logger: log,
      ...dropped,
    });
  }
  const identity = options.identity;
  // Relayed connections, by the local port of the relay's connection to the internal server.
  const relayed = new Map<number, RelayedPeer>();
  const allowed = tapServiceAuthorizer(options.tapSvcName);
  const internal = await startTapServer({
    hub: options.hub,
    listen: { host: '127.0.0.1', port: 0 },
    tapServiceName: options.tapSvcName,
    authorize: allowed,
    // A connection not relayed by us came straight from a local process: loopback.
    relayedPeer: (peer) => relayed.get(peer.port),
    logger: log,
    ...dropped,
  });
  const open = new Set<Duplex>();
  const relay = (client: Duplex, peer: RelayedPeer) => {
    const upstream = net.connect({ host: '127.0.0.1', port: internal.address.port, noDelay: true });
    open.add(client);
    open.add(upstream);
    upstream.once('connect', () => {
      relayed.set(upstream.localPort!, peer);
      client.pipe(upstream).pipe(client);
    });
    const done = () => {
      if (upstream.localPort !== undefined) relayed.delete(upstream.localPort);
      open.delete(client);
      open.delete(upstream);
      client.destroy();
      upstream.destroy();
    };
    client.once('close', done).on('error', done);
    upstream.once('close', done).on('error', done);
  };
  const onConnection = async (socket: Socket) => {
    socket.pause();
    socket.setNoDelay(true);
    socket.on('error', () => socket.destroy());
    const address = socket.remoteAddress ?? '';
    const port = socket.remotePort ?? 0;
    const hello = await readClientHello(socket, options.detectTimeoutMs);
    if (hello.kind === 'client-hello') {
      if (hello.consumed !== undefined) socket.unshift(hello.consumed);
      if (hello.sni !== identity.localName) {
        socket.destroy();
        return;
      }
      identity.server.accept(socket).then(
        (conn) =>
          relay(conn.socket, {
            address,
            port,
            ...(conn.peerIdentity === undefined ? {} : { clientIdentity: conn.peerIdentity }),
          }),
        (err: Error) => log.info({ err: err.message, peer: address }, 'control: mTLS refused'),
      );
      return;
    }
    if (hello.kind === 'not-tls' || hello.kind === 'timeout') {
      if (hello.consumed !== undefined) socket.unshift(hello.consumed);
      // Plaintext is for loopback callers only; the gRPC authorizer would refuse anyone else too,
      // but closing here keeps unauthenticated peers away from the gRPC server altogether.
      if (!isLoopback(address)) {
        log.info({ peer: address }, 'control: plaintext from a non-loopback peer refused');
        socket.destroy();
        return;
      }
      relay(socket, { address, port });
      return;
    }
    socket.destroy();
  };
  const server = net.createServer({ pauseOnConnect: true }, (socket) => void onConnection(socket));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.listen.port, options.listen.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    address: { port: (server.address() as net.AddressInfo).port },
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const s of open) s.destroy();
      await internal.close();
      await closed;
    },
  };
}

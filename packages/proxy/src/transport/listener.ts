import net, { type Server, type Socket } from 'node:net';
import { type Logger, nullLogger } from '@skein/core';
import {
  type ConnectionInfo,
  type ConnectionTls,
  type Direction,
  type SocketAddr,
  socketAddr,
} from './connection-info.js';
import { originalDst } from './original-dst.js';
import { errnoOf, formatAddress, ListenError, TransportArgumentError } from './transport-errors.js';

/** Totals of a closed connection, for `tcp_read_bytes_total`, `tcp_write_bytes_total` and `tcp_close_total{errno}`. */
export interface ConnectionCloseStats {
  /** Bytes read from the peer over the connection's life. */
  bytesRead: number;
  /** Bytes written to the peer. */
  bytesWritten: number;
  /** The first system error on the socket (`ECONNRESET`…), undefined for a clean close. */
  errno: string | undefined;
}

/** Observers of a listener's connections, e.g. the Linkerd `tcp_*` metrics (`peer="src"`). */
export interface ConnectionHooks {
  /** A connection was accepted (before the handler sees it). */
  onOpen?(info: ConnectionInfo): void;
  /** A connection closed; `info` is the same object `onOpen` saw, with any updates the handler made. */
  onClose?(info: ConnectionInfo, stats: ConnectionCloseStats): void;
}

/** The listener's handle on one accepted connection, given to the handler. */
export interface AcceptedConnection {
  /** What is known about the connection (the same object the handler receives). */
  readonly info: ConnectionInfo;
  /** The accepted socket, paused. */
  readonly socket: Socket;
  /**
   * Registers what to do when the listener drains: e.g. an HTTP connection stops taking requests
   * and closes after the current one. Called at once if draining has already begun. Connections
   * without a hook are left alone until the grace period ends.
   */
  onDrain(hook: (() => void) | undefined): void;
}

/**
 * Takes an accepted connection. The socket arrives paused (nothing has been read), so the
 * handler may peek at it, resume it, or give it to `node:tls` / `node:http2` untouched.
 */
export type ConnectionHandler = (
  socket: Socket,
  info: ConnectionInfo,
  connection: AcceptedConnection,
) => void;

/** Options of {@link Listener.bind}. */
export interface ListenerOptions {
  /** Where to listen; port 0 picks a free port (see {@link Listener.address}). */
  address: SocketAddr;
  /** Which side of the pod this listener serves; copied into every {@link ConnectionInfo}. */
  direction: Direction;
  /** Receives every accepted connection. */
  handler: ConnectionHandler;
  /** Length of the accept queue (default: Node's, 511). */
  backlog?: number;
  /** Enable TCP keepalive with this initial delay in ms; undefined leaves it off. */
  keepAliveMs?: number;
  /**
   * Keep a connection's sending side open after the peer's FIN (default true): opaque TCP needs
   * half-close, so protocol handlers must `end()` their side themselves when the peer ends.
   */
  allowHalfOpen?: boolean;
  /** For `::`, accept IPv6 only (default false: dual-stack). */
  ipv6Only?: boolean;
  /** Read `SO_ORIGINAL_DST` for each connection (default true; false for the admin listener). */
  readOriginalDst?: boolean;
  /** The initial {@link ConnectionInfo.tls}; default `none/no_tls_from_remote` inbound, `none/loopback` outbound. */
  tls?: ConnectionTls;
  /** Connection observers (metrics). */
  hooks?: ConnectionHooks;
  /** Where to report handler and hook failures (default: silent). */
  logger?: Logger;
}

// Process-unique connection ids (tap stream ids must not collide between listeners), so the
// counter is module state by design.
let nextConnectionId = 1;

/**
 * A TCP listener for the proxy's inbound or outbound side. Connections are accepted paused
 * (`pauseOnConnect`) with `TCP_NODELAY`; each gets a {@link ConnectionInfo} — peer, local address,
 * original destination (iptables redirect) or undefined for connections made to the listener
 * itself — and a process-unique id, and goes to the handler. The listener tracks open
 * connections for graceful shutdown: {@link Listener.close} stops accepting,
 * {@link Listener.drain} asks each connection to finish and destroys what remains after a grace
 * period.
 */
export class Listener {
  /** The bound address (with the real port when 0 was asked for). */
  readonly address: SocketAddr;
  readonly #server: Server;
  readonly #options: ListenerOptions;
  readonly #logger: Logger;
  readonly #connections = new Set<TrackedConnection>();
  #accepting = true;
  #draining = false;
  #drained: Promise<void> | undefined;
  #onEmpty: (() => void) | undefined;

  private constructor(server: Server, address: SocketAddr, options: ListenerOptions) {
    this.#server = server;
    this.address = address;
    this.#options = options;
    this.#logger = options.logger ?? nullLogger;
    server.on('connection', (socket: Socket) => this.#accept(socket));
    server.on('error', (err: Error) =>
      this.#logger.warn({ err, address: formatAddress(address.ip, address.port) }, 'listener error'),
    );
  }

  /**
   * Binds a listener and starts accepting.
   * @throws {@link ListenError} when the address cannot be bound (in use, not local, no permission).
   * @throws {@link TransportArgumentError} for an invalid port, backlog or keepalive delay.
   */
  static async bind(options: ListenerOptions): Promise<Listener> {
    const { address } = options;
    if (!Number.isInteger(address.port) || address.port < 0 || address.port > 65_535) {
      throw new TransportArgumentError('address.port', address.port, 'an integer from 0 to 65535');
    }
    if (options.backlog !== undefined && (!Number.isInteger(options.backlog) || options.backlog < 1)) {
      throw new TransportArgumentError('backlog', options.backlog, 'a positive integer');
    }
    if (options.keepAliveMs !== undefined && !(options.keepAliveMs >= 0)) {
      throw new TransportArgumentError('keepAliveMs', options.keepAliveMs, 'a number of milliseconds ≥ 0');
    }
    const server = net.createServer({
      pauseOnConnect: true,
      noDelay: true,
      allowHalfOpen: options.allowHalfOpen ?? true,
      ...(options.keepAliveMs === undefined
        ? {}
        : { keepAlive: true, keepAliveInitialDelay: options.keepAliveMs }),
    });
    await new Promise<void>((resolve, reject) => {
      const onError = (err: Error) => reject(new ListenError(formatAddress(address.ip, address.port), err));
      server.once('error', onError);
      server.listen(
        {
          host: address.ip,
          port: address.port,
          ipv6Only: options.ipv6Only ?? false,
          ...(options.backlog === undefined ? {} : { backlog: options.backlog }),
        },
        () => {
          server.off('error', onError);
          resolve();
        },
      );
    });
    const bound = server.address() as net.AddressInfo;
    return new Listener(server, { ip: bound.address, port: bound.port }, options);
  }

  /** Connections currently open. */
  get connectionCount(): number {
    return this.#connections.size;
  }

  /** Whether the listener still accepts new connections. */
  get accepting(): boolean {
    return this.#accepting;
  }

  /** Stops accepting new connections; open ones carry on. Idempotent. */
  close(): void {
    if (!this.#accepting) return;
    this.#accepting = false;
    this.#server.close();
  }

  /**
   * Graceful shutdown: stops accepting, runs every connection's drain hook, and destroys the
   * connections still open after `graceMs`. Resolves when no connection is left. Calling it
   * again returns the same promise.
   */
  drain(graceMs: number): Promise<void> {
    if (!(graceMs >= 0)) throw new TransportArgumentError('graceMs', graceMs, 'a number of milliseconds ≥ 0');
    this.close();
    if (this.#drained !== undefined) return this.#drained;
    this.#draining = true;
    this.#drained = new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        for (const connection of this.#connections) connection.socket.destroy();
      }, graceMs);
      this.#onEmpty = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    for (const connection of [...this.#connections]) this.#runDrainHook(connection);
    this.#checkEmpty();
    return this.#drained;
  }

  #accept(socket: Socket): void {
    const remote = socketAddr(socket.remoteAddress, socket.remotePort);
    const local = socketAddr(socket.localAddress, socket.localPort);
    if (!this.#accepting || remote === undefined || local === undefined) {
      // Closed already (peer reset during accept), or accepted in the instant after close().
      socket.destroy();
      return;
    }
    const options = this.#options;
    const info: ConnectionInfo = {
      direction: options.direction,
      remote,
      local,
      originalDst: options.readOriginalDst === false ? undefined : originalDst(socket),
      tls: options.tls === undefined ? defaultTls(options.direction) : { ...options.tls },
      id: nextConnectionId++,
    };
    const connection = new TrackedConnection(
      info,
      socket,
      (c) => this.#runDrainHook(c),
      () => this.#draining,
    );
    this.#connections.add(connection);
    let errno: string | undefined;
    socket.on('error', (err: Error) => {
      errno ??= errnoOf(err);
    });
    socket.once('close', () => {
      this.#connections.delete(connection);
      this.#callHook('onClose', () =>
        options.hooks?.onClose?.(info, {
          bytesRead: socket.bytesRead,
          bytesWritten: socket.bytesWritten,
          errno,
        }),
      );
      this.#checkEmpty();
    });
    this.#callHook('onOpen', () => options.hooks?.onOpen?.(info));
    try {
      options.handler(socket, info, connection);
    } catch (err) {
      this.#logger.warn({ err, connection: info.id }, 'connection handler threw; closing the connection');
      socket.destroy();
    }
  }

  #runDrainHook(connection: TrackedConnection): void {
    const hook = connection.drainHook;
    if (hook === undefined) return;
    try {
      hook();
    } catch (err) {
      this.#logger.warn({ err, connection: connection.info.id }, 'drain hook threw; closing the connection');
      connection.socket.destroy();
    }
  }

  #callHook(name: string, call: () => void): void {
    try {
      call();
    } catch (err) {
      this.#logger.warn({ err, hook: name }, 'connection hook threw');
    }
  }

  #checkEmpty(): void {
    if (this.#draining && this.#connections.size === 0) this.#onEmpty?.();
  }
}

class TrackedConnection implements AcceptedConnection {
  readonly info: ConnectionInfo;
  readonly socket: Socket;
  drainHook: (() => void) | undefined;
  readonly #run: (c: TrackedConnection) => void;
  readonly #draining: () => boolean;

  constructor(
    info: ConnectionInfo,
    socket: Socket,
    run: (c: TrackedConnection) => void,
    draining: () => boolean,
  ) {
    this.info = info;
    this.socket = socket;
    this.#run = run;
    this.#draining = draining;
  }

  onDrain(hook: (() => void) | undefined): void {
    this.drainHook = hook;
    if (hook !== undefined && this.#draining() && !this.socket.destroyed) this.#run(this);
  }
}

function defaultTls(direction: Direction): ConnectionTls {
  return { kind: 'none', reason: direction === 'inbound' ? 'no_tls_from_remote' : 'loopback' };
}

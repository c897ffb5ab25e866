import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import http2 from 'node:http2';
import net, { type AddressInfo, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { ConfigError, type HostPort, type Logger, nullLogger, type ReloadableLogFilter } from '@skein/core';
import { readClientHello } from '../detect/read-client-hello.js';
import { socketAddr } from '../transport/connection-info.js';

/** An admin request as the admin port's policy sees it. */
export interface AdminRequest {
  /** HTTP method. */
  method: string;
  /** Path and query. */
  path: string;
  /** The client's address. */
  remote: { ip: string; port: number };
  /** The client's verified mTLS identity, when it connected with mesh TLS. */
  clientId: string | undefined;
  /** Whether the connection is mesh TLS (terminated by this proxy). */
  tls: boolean;
}

/** A connection whose TLS the admin server had terminated. */
export interface AdminTlsConnection {
  /** The decrypted stream. */
  stream: Duplex;
  /** The client's verified identity, if it presented one. */
  clientId: string | undefined;
  /** The negotiated ALPN protocol (`h2` is served as HTTP/2, none or `http/1.1` as HTTP/1.1). */
  alpn: string | false;
}

/** What the admin server serves. */
export interface AdminServerOptions {
  /** Where to listen (`LINKERD2_PROXY_ADMIN_LISTEN_ADDR`, default 127.0.0.1:4191). */
  listen: HostPort;
  /** Renders the whole `/metrics` text (legacy families first, then the registry). */
  metrics: () => string | Promise<string>;
  /** Whether the proxy is ready (identity certified, listeners up). */
  ready: () => boolean;
  /** The live log filter, readable and replaceable through `/proxy-log-level`. */
  logFilter: ReloadableLogFilter;
  /** The process environment, for `/env.json`. */
  env: Readonly<Record<string, string | undefined>>;
  /** `LINKERD2_PROXY_SHUTDOWN_ENDPOINT_ENABLED`: whether `POST /shutdown` is allowed. */
  shutdownEnabled: boolean;
  /** Starts a graceful shutdown (from `POST /shutdown`). */
  onShutdown: () => void;
  /**
   * Terminates mesh TLS on the admin port (spec §4: TLS detection first): called with a
   * connection that starts with a ClientHello and its SNI; returns undefined when the SNI is not
   * this proxy's identity (or it has none yet), and the connection is then closed.
   */
  terminateTls?: (socket: Socket, sni: string | undefined) => Promise<AdminTlsConnection> | undefined;
  /** The admin port's inbound policy (spec §4); a request it refuses gets 403. Default: allow all. */
  authorize?: (request: AdminRequest) => boolean;
  /** How long TLS detection waits for a first byte (ms). Default 1,000, as linkerd2-proxy. */
  detectTimeoutMs?: number;
  /** Extra routes (e.g. tap diagnostics), tried before the built-in 404. Return true when handled. */
  extraRoutes?: (req: IncomingMessage, res: ServerResponse) => boolean;
  /** Logger for the admin server. */
  logger?: Logger;
}

/**
 * The proxy's admin server (spec §4): `/metrics` (gzip when asked), `/ready`, `/live`,
 * `/env.json`, `/proxy-log-level` (GET/PUT, loopback only), `/shutdown` (POST, loopback only,
 * disabled unless configured). Nothing changes state on GET. Each connection goes through TLS
 * detection first (mesh TLS to this proxy's identity is terminated, any other TLS closed), and
 * each request through the admin port's policy.
 */
export class AdminServer {
  readonly #opts: AdminServerOptions;
  readonly #server: http.Server;
  readonly #listener: net.Server;
  readonly #log: Logger;
  /** HTTP/2 inside mesh TLS (a meshed client's proxy speaks it). */
  readonly #h2: http2.Http2Server;
  /** Mesh-TLS clients by connection (`ip:port` of the peer): their identity, if any. */
  readonly #clients = new Map<string, string | undefined>();
  readonly #sockets = new Set<Socket>();

  constructor(options: AdminServerOptions) {
    this.#opts = options;
    this.#log = options.logger ?? nullLogger;
    const serve = (req: IncomingMessage, res: ServerResponse) => {
      if (!this.#authorized(req)) {
        text(res, 403, 'forbidden\n');
        return;
      }
      this.#handle(req, res).catch((err: unknown) => {
        this.#log.warn({ err }, 'admin request failed');
        if (!res.headersSent) text(res, 500, 'internal error\n');
        else res.destroy();
      });
    };
    this.#server = http.createServer({ requestTimeout: 30_000, headersTimeout: 10_000 }, serve);
    // The compatibility API gives HTTP/2 requests the same shape as HTTP/1's.
    this.#h2 = http2.createServer(
      {},
      serve as unknown as (req: http2.Http2ServerRequest, res: http2.Http2ServerResponse) => void,
    );
    this.#server.keepAliveTimeout = 5_000;
    this.#listener = net.createServer({ pauseOnConnect: true }, (socket) => this.#accept(socket));
  }

  /** Starts listening; resolves with the bound address. */
  listen(): Promise<AddressInfo> {
    return new Promise((resolve, reject) => {
      this.#listener.once('error', reject);
      this.#listener.listen(this.#opts.listen.port, this.#opts.listen.host, () => {
        this.#listener.off('error', reject);
        resolve(this.#listener.address() as AddressInfo);
      });
    });
  }

  /** Stops listening and closes connections. */
  close(): Promise<void> {
    return new Promise((resolve) => {
      this.#listener.close(() => resolve());
      this.#server.closeAllConnections();
      this.#h2.close();
      for (const socket of this.#sockets) socket.destroy();
    });
  }

  #accept(socket: Socket): void {
    this.#sockets.add(socket);
    socket.once('close', () => this.#sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    readClientHello(socket, this.#opts.detectTimeoutMs ?? 1_000).then(
      (hello) => {
        switch (hello.kind) {
          case 'client-hello': {
            const accepting = this.#opts.terminateTls?.(socket, hello.sni);
            if (accepting === undefined) {
              socket.destroy();
              return;
            }
            accepting.then(
              ({ stream, clientId, alpn }) => {
                const key = `${socket.remoteAddress}:${socket.remotePort}`;
                this.#clients.set(key, clientId);
                socket.once('close', () => this.#clients.delete(key));
                if (alpn === 'h2') this.#h2.emit('connection', stream);
                else if (alpn === false || alpn === 'http/1.1') this.#server.emit('connection', stream);
                else stream.destroy();
              },
              (err: Error) => {
                this.#log.debug({ err: err.message }, 'admin TLS handshake failed');
                socket.destroy();
              },
            );
            return;
          }
          case 'not-tls':
          case 'timeout':
            if (hello.consumed !== undefined) socket.unshift(hello.consumed);
            this.#server.emit('connection', socket);
            socket.resume();
            return;
          default:
            socket.destroy();
        }
      },
      () => socket.destroy(),
    );
  }

  #authorized(req: IncomingMessage): boolean {
    const authorize = this.#opts.authorize;
    if (authorize === undefined) return true;
    const ip = req.socket.remoteAddress ?? '';
    const port = req.socket.remotePort ?? 0;
    const key = `${ip}:${port}`;
    const remote = socketAddr(ip, port) ?? { ip, port };
    // An absolute-form target (`GET http://host/metrics`) is judged by its path.
    const url = new URL(req.url ?? '/', 'http://admin');
    return authorize({
      method: req.method ?? 'GET',
      path: `${url.pathname}${url.search}`,
      remote,
      clientId: this.#clients.get(key),
      tls: this.#clients.has(key),
    });
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://admin');
    switch (url.pathname) {
      case '/metrics':
        return this.#metrics(req, res);
      case '/ready':
        if (this.#opts.ready()) text(res, 200, 'ready\n');
        else text(res, 503, 'not ready\n');
        return;
      case '/live':
        text(res, 200, 'live\n');
        return;
      case '/env.json':
        return this.#env(req, res, url);
      case '/proxy-log-level':
        return this.#logLevel(req, res);
      case '/shutdown':
        return this.#shutdown(req, res);
      default:
        if (this.#opts.extraRoutes?.(req, res) === true) return;
        text(res, 404, 'not found\n');
    }
  }

  async #metrics(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('allow', 'GET, HEAD');
      text(res, 405, 'method not allowed\n');
      return;
    }
    const body = Buffer.from(await this.#opts.metrics());
    res.setHeader('content-type', 'text/plain; version=0.0.4; charset=utf-8');
    if (/\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''))) {
      const gz = gzipSync(body);
      res.setHeader('content-encoding', 'gzip');
      res.setHeader('content-length', gz.length);
      res.end(req.method === 'HEAD' ? undefined : gz);
      return;
    }
    res.setHeader('content-length', body.length);
    res.end(req.method === 'HEAD' ? undefined : body);
  }

  #env(req: IncomingMessage, res: ServerResponse, url: URL): void {
    if (req.method !== 'GET') {
      res.setHeader('allow', 'GET');
      text(res, 405, 'method not allowed\n');
      return;
    }
    const accept = String(req.headers.accept ?? '*/*');
    if (!/(^|,)\s*(\*\/\*|application\/\*|application\/json)\s*(;|,|$)/.test(accept)) {
      text(res, 406, 'env.json is only available as application/json\n');
      return;
    }
    const query = url.search.length > 1 ? url.search.slice(1).split('&') : [];
    let out: Record<string, string | null>;
    if (query.length === 0) {
      out = {};
      for (const [k, v] of Object.entries(this.#opts.env)) if (v !== undefined) out[k] = v;
    } else {
      out = {};
      for (const q of query) {
        if (q.includes('=')) {
          text(res, 400, `env.json takes variable names, not key=value pairs: ${JSON.stringify(q)}\n`);
          return;
        }
        const name = decodeURIComponent(q);
        out[name] = this.#opts.env[name] ?? null;
      }
    }
    const body = JSON.stringify(out);
    res.setHeader('content-type', 'application/json');
    res.setHeader('content-length', Buffer.byteLength(body));
    res.end(body);
  }

  async #logLevel(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!isLoopback(req)) {
      text(res, 403, 'proxy-log-level is only available from localhost\n');
      return;
    }
    if (req.method === 'GET') {
      text(res, 200, `${this.#opts.logFilter.toString()}\n`);
      return;
    }
    if (req.method === 'PUT') {
      const body = (await readBody(req, 4096)).trim();
      try {
        this.#opts.logFilter.set(body, 'proxy-log-level');
      } catch (err) {
        if (err instanceof ConfigError) {
          text(res, 400, `${err.message}\n`);
          return;
        }
        throw err;
      }
      this.#log.info({ filter: body }, 'log level changed');
      res.statusCode = 204;
      res.end();
      return;
    }
    res.setHeader('allow', 'GET, PUT');
    text(res, 405, 'method not allowed\n');
  }

  #shutdown(req: IncomingMessage, res: ServerResponse): void {
    if (req.method !== 'POST') {
      res.setHeader('allow', 'POST');
      text(res, 405, 'method not allowed\n');
      return;
    }
    if (!isLoopback(req)) {
      text(res, 403, 'shutdown is only available from localhost\n');
      return;
    }
    if (!this.#opts.shutdownEnabled) {
      text(res, 404, 'shutdown endpoint is not enabled\n');
      return;
    }
    text(res, 200, 'shutdown\n');
    this.#log.info('shutdown requested through the admin server');
    setImmediate(() => this.#opts.onShutdown());
  }
}

function text(res: ServerResponse, status: number, body: string): void {
  res.statusCode = status;
  res.setHeader('content-type', 'text/plain');
  res.setHeader('content-length', Buffer.byteLength(body));
  res.end(body);
}

function isLoopback(req: IncomingMessage): boolean {
  const a = req.socket.remoteAddress ?? '';
  return a === '::1' || a.startsWith('127.') || a.startsWith('::ffff:127.');
}

function readBody(req: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        req.destroy();
        reject(new ConfigError('proxy-log-level', '(body)', `at most ${limit} bytes`));
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

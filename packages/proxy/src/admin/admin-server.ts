import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { ConfigError, type HostPort, type Logger, nullLogger, type ReloadableLogFilter } from '@skein/core';

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
  /** Extra routes (e.g. tap diagnostics), tried before the built-in 404. Return true when handled. */
  extraRoutes?: (req: IncomingMessage, res: ServerResponse) => boolean;
  /** Logger for the admin server. */
  logger?: Logger;
}

/**
 * The proxy's admin server (spec §4): `/metrics` (gzip when asked), `/ready`, `/live`,
 * `/env.json`, `/proxy-log-level` (GET/PUT, loopback only), `/shutdown` (POST, loopback only,
 * disabled unless configured). Nothing changes state on GET.
 */
export class AdminServer {
  readonly #opts: AdminServerOptions;
  readonly #server: http.Server;
  readonly #log: Logger;

  constructor(options: AdminServerOptions) {
    this.#opts = options;
    this.#log = options.logger ?? nullLogger;
    this.#server = http.createServer({ requestTimeout: 30_000, headersTimeout: 10_000 }, (req, res) => {
      this.#handle(req, res).catch((err: unknown) => {
        this.#log.warn({ err }, 'admin request failed');
        if (!res.headersSent) text(res, 500, 'internal error\n');
        else res.destroy();
      });
    });
    this.#server.keepAliveTimeout = 5_000;
  }

  /** Starts listening; resolves with the bound address. */
  listen(): Promise<AddressInfo> {
    return new Promise((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(this.#opts.listen.port, this.#opts.listen.host, () => {
        this.#server.off('error', reject);
        resolve(this.#server.address() as AddressInfo);
      });
    });
  }

  /** Stops listening and closes connections. */
  close(): Promise<void> {
    return new Promise((resolve) => {
      this.#server.close(() => resolve());
      this.#server.closeAllConnections();
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

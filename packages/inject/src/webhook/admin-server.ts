import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { MetricsRegistry } from '@skein/core';

/** Options of {@link startAdminServer}. */
export interface AdminServerOptions {
  /** The registry served on `/metrics`. */
  readonly registry: MetricsRegistry;
  /** Readiness for `/ready`; ready by default. */
  readonly isReady?: () => boolean;
  /** Port; 0 (default) picks a free one. */
  readonly port?: number;
  /** Address; `0.0.0.0` by default. */
  readonly host?: string;
}

/** A running admin server. */
export interface AdminServer {
  /** The port it listens on. */
  readonly port: number;
  /** `http://<host>:<port>`. */
  readonly url: string;
  /** Stops listening and closes idle connections. */
  close(): Promise<void>;
}

/**
 * The admin endpoints of a control-plane component, as Linkerd's admin server has them:
 * `/metrics` (Prometheus text), `/ping` (`pong`), `/ready` (200 `ok` or 503) and `/live`.
 */
export async function startAdminServer(options: AdminServerOptions): Promise<AdminServer> {
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://admin').pathname;
    const text = (status: number, body: string): void => {
      res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(body);
    };
    if (path === '/metrics') {
      options.registry.metrics().then(
        (body) => {
          res.writeHead(200, { 'content-type': options.registry.contentType });
          res.end(body);
        },
        (err: unknown) => text(500, `metrics failed: ${(err as Error).message}\n`),
      );
      return;
    }
    if (path === '/ping') return text(200, 'pong\n');
    if (path === '/live') return text(200, 'ok\n');
    if (path === '/ready')
      return (options.isReady?.() ?? true) ? text(200, 'ok\n') : text(503, 'not ready\n');
    text(404, `not found: ${path}\n`);
  });
  const host = options.host ?? '0.0.0.0';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    url: `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      }),
  };
}

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { type Logger, nullLogger } from '@skein/core';
import type { DashboardConfig } from '../ui/dashboard-config.js';
import { controllerProxy } from './api-proxy.js';
import type { ControllerLocator } from './controller-target.js';
import { loadStaticAssets, sendStaticAsset } from './static-assets.js';

/**
 * Host names whose requests may reach the controller API through the dashboard, as Linkerd's
 * web `-enforced-host`: loopback and the in-cluster service name (`linkerd-web.linkerd.svc`).
 * Any other Host gets 403 on `/api/*` and `config.json`, so a page on another site cannot read
 * the API through DNS rebinding. Static files answer any Host (kubelet probes use the pod IP).
 */
export const DEFAULT_ENFORCED_HOST =
  /^(localhost|127\.\d{1,3}\.\d{1,3}\.\d{1,3}|\[::1\]|linkerd-web(\.[a-z0-9-]+(\.svc(\.cluster\.local)?)?)?)(:\d+)?$/;

/** What {@link startDashboardServer} needs. */
export interface DashboardServerOptions {
  /** Where the controller API is, per request (see `fixedController`, `advertisedController`). */
  readonly controller: ControllerLocator;
  /** Listen address; port 0 picks a free port. */
  readonly listen: { readonly host: string; readonly port: number };
  /** The built front end (default: `dist/ui` of this package). */
  readonly assetsDir?: string;
  /** Grafana's base URL, for links to the Skein Grafana dashboards. */
  readonly grafanaUrl?: string;
  /** How often pages poll the controller, ms (default 2000). */
  readonly refreshIntervalMs?: number;
  /** Allowed Host headers (default {@link DEFAULT_ENFORCED_HOST}; `null` allows any). */
  readonly enforcedHost?: RegExp | null;
  /** Version shown by the page. */
  readonly version?: string;
  /** Logger. */
  readonly logger?: Logger;
}

/** A listening dashboard. */
export interface DashboardServer {
  /** The bound address. */
  readonly address: { readonly host: string; readonly port: number };
  /** The dashboard's URL (`http://127.0.0.1:8084/`). */
  readonly url: string;
  /** Stops listening and ends open connections (tap streams included). */
  close(): Promise<void>;
}

function sendText(
  res: ServerResponse,
  status: number,
  text: string,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, {
    'content-type': 'text/plain; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
    ...headers,
  });
  res.end(text);
}

function hostUrl(host: string, port: number): string {
  const h = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  return `http://${h.includes(':') ? `[${h}]` : h}:${port}/`;
}

/**
 * Starts the dashboard: the built front end with caching headers, `config.json` for the page,
 * `/ping` and `/ready`, and `/api/*` forwarded to the controller.
 * @throws {AssetsMissingError} when the front end was not built.
 */
export async function startDashboardServer(options: DashboardServerOptions): Promise<DashboardServer> {
  const log = options.logger ?? nullLogger;
  const assets = await loadStaticAssets(
    options.assetsDir ?? fileURLToPath(new URL('./ui/', import.meta.url)),
  );
  const api = controllerProxy(options.controller, log);
  const enforced = options.enforcedHost === undefined ? DEFAULT_ENFORCED_HOST : options.enforcedHost;

  const config = async (): Promise<DashboardConfig> => ({
    version: options.version ?? '0.1.0',
    controller: await options.controller(),
    grafanaUrl: options.grafanaUrl?.replace(/\/+$/, '') ?? null,
    refreshIntervalMs: options.refreshIntervalMs ?? 2000,
  });

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const rawPath = (req.url ?? '/').split('?', 1)[0]!;
    const toApi = rawPath.startsWith('/api/') || rawPath.startsWith('/apis/');
    const host = req.headers.host ?? '';
    if ((toApi || rawPath === '/config.json') && enforced !== null && !enforced.test(host)) {
      return sendText(
        res,
        403,
        `host not allowed: "${host}"; the dashboard's API answers ${enforced.source} (skein-web --enforced-host)\n`,
      );
    }
    if (toApi) return api(req, res);
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      return sendText(res, 405, `${req.method} is not allowed on ${rawPath}; use GET\n`, {
        allow: 'GET, HEAD',
      });
    }
    if (rawPath === '/ping') return sendText(res, 200, 'pong\n');
    if (rawPath === '/ready') return sendText(res, 200, 'ready\n');
    if (rawPath === '/config.json') {
      config().then(
        (c) => {
          const body = JSON.stringify(c);
          res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
          res.end(body);
        },
        (err: Error) => sendText(res, 500, `${err.message}\n`),
      );
      return;
    }
    let path: string;
    try {
      path = decodeURIComponent(rawPath === '/' ? '/index.html' : rawPath);
    } catch {
      return sendText(res, 400, `not a valid URL path: ${rawPath}\n`);
    }
    const asset = assets.get(path);
    if (asset === undefined) return sendText(res, 404, `no such file: ${path}; the dashboard starts at /\n`);
    sendStaticAsset(req, res, asset);
  };

  const server: Server = createServer(handle);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.listen.port, options.listen.host, () => resolve());
  });
  const addr = server.address() as AddressInfo;
  return {
    address: { host: addr.address, port: addr.port },
    url: hostUrl(addr.address, addr.port),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

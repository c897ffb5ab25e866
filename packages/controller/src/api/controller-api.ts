import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Logger, nullLogger, SkeinError } from '@skein/core';
import type { TapAggregator, TapCaller, TapTarget } from '@skein/tap';
import { ControllerErrorCode, InvalidQueryError, ResourceNotFoundError } from '../errors.js';
import type { Inventory, PodInfo } from '../inventory/inventory.js';
import type { MetricsSource } from '../metrics/metrics-source.js';
import { queryEdges } from '../query/edges.js';
import { queryRoutes } from '../query/routes.js';
import { queryStat } from '../query/stat.js';
import { CONTROLLER_OPENAPI } from './openapi.js';
import { checkParams, kindParam, namespaceParam, refParam, windowParam } from './query-params.js';
import { callerFromRemoteHeaders, sendError, serveTapRequest, tapTargetFromPath } from './tap-endpoint.js';

/** What the API is built from. */
export interface ControllerApiOptions {
  /** Pods, workloads, services. */
  readonly inventory: Inventory;
  /** Metrics. */
  readonly metrics: MetricsSource;
  /** Which metrics source this is, reported by `/api/version`. */
  readonly metricsSourceName: 'scraper' | 'prometheus';
  /** The tap aggregator; without it `/api/tap` answers 404. */
  readonly tap?: TapAggregator;
  /**
   * Who is calling, for tap authorization. Default: the `X-Remote-User`/`X-Remote-Group`
   * headers when `trustRemoteUserHeaders`, else `system:anonymous`.
   */
  readonly caller?: (req: IncomingMessage) => TapCaller;
  /** Trust `X-Remote-User`/`X-Remote-Group` (only behind an authenticating proxy). */
  readonly trustRemoteUserHeaders?: boolean;
  /** The controller's version. */
  readonly version: string;
  /** Logger. */
  readonly logger?: Logger;
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
  });
  res.end(text);
}

function podJson(p: PodInfo): object {
  return {
    namespace: p.namespace,
    name: p.name,
    ip: p.ip,
    owner: p.owner ?? null,
    serviceAccount: p.serviceAccount,
    meshed: p.meshed,
    running: p.running,
    tapEnabled: p.tapEnabled,
    proxy: p.proxy ?? null,
    labels: p.labels,
  };
}

/**
 * The controller's HTTP JSON API as a `node:http` request listener: `/api/version`,
 * `/api/openapi.json`, `/api/namespaces`, `/api/pods`, `/api/stat`, `/api/edges`,
 * `/api/routes`, `POST /api/tap` (NDJSON stream), and proxy passthroughs
 * `/api/pods/{ns}/{name}/metrics` and `/identity`. See {@link CONTROLLER_OPENAPI}.
 */
export function controllerApi(
  options: ControllerApiOptions,
): (req: IncomingMessage, res: ServerResponse) => void {
  const log = options.logger ?? nullLogger;
  const callerOf =
    options.caller ??
    ((req: IncomingMessage): TapCaller =>
      options.trustRemoteUserHeaders
        ? callerFromRemoteHeaders(req)
        : { user: 'system:anonymous', groups: [] });

  const findPod = async (namespace: string, name: string): Promise<PodInfo> => {
    const pod = (await options.inventory.pods(namespace)).find((p) => p.name === name);
    if (pod === undefined) throw new ResourceNotFoundError(`pod ${namespace}/${name} not found`);
    if (pod.proxy === undefined)
      throw new ResourceNotFoundError(
        `pod ${namespace}/${name} is not meshed (no proxy admin address known)`,
      );
    return pod;
  };

  const passthrough = async (res: ServerResponse, pod: PodInfo, path: string, type: string) => {
    const url = `http://${pod.proxy!.adminAddress}${path}`;
    let upstream: Response;
    try {
      upstream = await fetch(url, { signal: AbortSignal.timeout(5000) });
    } catch (cause) {
      throw new SkeinError(
        ControllerErrorCode.MetricsUnavailable,
        `the proxy of pod ${pod.namespace}/${pod.name} did not answer at ${url}: ${(cause as Error).message}`,
      );
    }
    if (upstream.status === 404)
      throw new ResourceNotFoundError(
        `the proxy of pod ${pod.namespace}/${pod.name} has no ${path} endpoint (${url} answered 404)`,
      );
    if (!upstream.ok)
      throw new SkeinError(
        ControllerErrorCode.MetricsUnavailable,
        `the proxy of pod ${pod.namespace}/${pod.name} answered ${upstream.status} at ${url}`,
      );
    const body = Buffer.from(await upstream.arrayBuffer());
    res.writeHead(200, { 'content-type': type, 'content-length': body.length });
    res.end(body);
  };

  const tap = async (req: IncomingMessage, res: ServerResponse, pathTarget?: TapTarget) => {
    if (options.tap === undefined) throw new ResourceNotFoundError('tap is not enabled on this controller');
    await serveTapRequest(options.tap, req, res, callerOf(req), pathTarget);
  };

  const route = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://controller');
    const p = url.searchParams;
    const path = url.pathname.replace(/\/+$/, '');
    const method = req.method ?? 'GET';
    const linkerdTap = tapTargetFromPath(path);
    if (linkerdTap !== undefined) {
      if (method !== 'POST')
        return send(res, 405, {
          error: { code: ControllerErrorCode.InvalidQuery, message: `POST to ${path}` },
        });
      return tap(req, res, linkerdTap);
    }
    if (path === '/api/tap') {
      if (method !== 'POST')
        return send(res, 405, {
          error: {
            code: ControllerErrorCode.InvalidQuery,
            message: 'POST a TapRequest JSON body to /api/tap',
          },
        });
      return tap(req, res);
    }
    if (method !== 'GET')
      return send(res, 405, {
        error: {
          code: ControllerErrorCode.InvalidQuery,
          message: `${method} is not allowed on ${path}; use GET`,
        },
      });
    const podPath = /^\/api\/pods\/([^/]+)\/([^/]+)\/(metrics|identity)$/.exec(path);
    if (podPath !== null) {
      const pod = await findPod(decodeURIComponent(podPath[1]!), decodeURIComponent(podPath[2]!));
      return podPath[3] === 'metrics'
        ? passthrough(res, pod, '/metrics', 'text/plain; version=0.0.4')
        : passthrough(res, pod, '/identity/certificate', 'application/x-pem-file');
    }
    switch (path) {
      case '/api/openapi.json':
        return send(res, 200, CONTROLLER_OPENAPI);
      case '/api/version':
        checkParams(p, []);
        return send(res, 200, { version: options.version, metricsSource: options.metricsSourceName });
      case '/api/namespaces':
        checkParams(p, []);
        return send(res, 200, { namespaces: await options.inventory.namespaces() });
      case '/api/pods': {
        checkParams(p, ['namespace', 'allNamespaces', 'name']);
        const name = p.get('name');
        const pods = (await options.inventory.pods(namespaceParam(p))).filter(
          (x) => name === null || x.name === name,
        );
        return send(res, 200, { pods: pods.map(podJson) });
      }
      case '/api/stat': {
        checkParams(p, [
          'kind',
          'namespace',
          'allNamespaces',
          'name',
          'window',
          'labelSelector',
          'fromKind',
          'fromNamespace',
          'fromName',
          'toKind',
          'toNamespace',
          'toName',
        ]);
        const kind = kindParam(p);
        const namespace = namespaceParam(p);
        const windowMs = windowParam(p);
        const from = refParam(p, 'from', namespace ?? 'default');
        const to = refParam(p, 'to', namespace ?? 'default');
        if (from !== undefined && to !== undefined)
          throw new InvalidQueryError('toKind', p.get('toKind') ?? '', 'either fromKind or toKind, not both');
        const name = p.get('name') || undefined;
        const labelSelector = p.get('labelSelector') || undefined;
        const rows = await queryStat(options.inventory, options.metrics, {
          kind,
          ...(namespace === undefined ? {} : { namespace }),
          ...(name === undefined ? {} : { name }),
          windowMs,
          ...(from === undefined ? {} : { from }),
          ...(to === undefined ? {} : { to }),
          ...(labelSelector === undefined ? {} : { labelSelector }),
        });
        if (name !== undefined && rows.length === 0 && kind !== 'authority') {
          throw new ResourceNotFoundError(`${kind}/${name} not found in namespace ${namespace ?? '(any)'}`);
        }
        return send(res, 200, { windowMs, rows });
      }
      case '/api/edges': {
        checkParams(p, ['kind', 'namespace', 'allNamespaces', 'window']);
        const namespace = namespaceParam(p);
        const windowMs = windowParam(p);
        const rows = await queryEdges(options.inventory, options.metrics, {
          kind: kindParam(p),
          ...(namespace === undefined ? {} : { namespace }),
          windowMs,
        });
        return send(res, 200, { windowMs, rows });
      }
      case '/api/routes': {
        checkParams(p, ['kind', 'namespace', 'name', 'window', 'toKind', 'toNamespace', 'toName']);
        const namespace = namespaceParam(p) ?? 'default';
        const windowMs = windowParam(p);
        const name = p.get('name') || undefined;
        const to = refParam(p, 'to', namespace);
        const rows = await queryRoutes(options.inventory, options.metrics, {
          resource: { kind: kindParam(p), namespace, ...(name === undefined ? {} : { name }) },
          ...(to === undefined ? {} : { to }),
          windowMs,
        });
        return send(res, 200, { windowMs, rows });
      }
      default:
        return send(res, 404, {
          error: {
            code: ControllerErrorCode.NotFound,
            message: `no such endpoint: ${path}; see /api/openapi.json`,
          },
        });
    }
  };

  return (req, res) => {
    route(req, res).catch((err: unknown) => sendError(res, err, log));
  };
}

/** A listening controller API. */
export interface ControllerServer {
  /** Bound address. */
  readonly address: { readonly host: string; readonly port: number };
  /** Stops listening and closes connections (tap streams included). */
  close(): Promise<void>;
}

/** Starts {@link controllerApi} on `listen` (port 0 picks one). */
export async function startControllerServer(
  options: ControllerApiOptions & { readonly listen: { readonly host: string; readonly port: number } },
): Promise<ControllerServer> {
  const server: Server = createServer(controllerApi(options));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.listen.port, options.listen.host, () => resolve());
  });
  const addr = server.address() as AddressInfo;
  return {
    address: { host: addr.address, port: addr.port },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

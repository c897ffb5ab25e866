import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ApiContext, ApiOutcome, ApiRequest } from './api-context.js';
import { type ApiPath, parseApiPath } from './api-path.js';
import {
  apiGroup,
  apiGroupList,
  apiResourceList,
  apiVersions,
  type KubeVersionInfo,
  openApiV2,
} from './discovery.js';
import { sendJson, sendStatus } from './http-io.js';
import { injectedStatus } from './kube-faults.js';
import type { RequestLog } from './request-log.js';
import { serveResource } from './resource-handler.js';
import { internalError, KubeApiError, methodNotAllowed, pathNotFound, unauthorized } from './status.js';
import type { TokenUser } from './token-registry.js';

/** What the top-level handler needs besides the API context. */
export interface HandlerOptions {
  ctx: ApiContext;
  log: RequestLog;
  version: KubeVersionInfo;
  /** Whether a request without a valid bearer token is refused (401). */
  requireToken: boolean;
  /** `host:port` for `/api`'s serverAddressByClientCIDRs. */
  address: () => string;
}

function bearer(req: IncomingMessage): string | undefined {
  const header = req.headers.authorization;
  if (header === undefined) return undefined;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return m === null ? '' : m[1];
}

function authenticate(options: HandlerOptions, req: IncomingMessage, open: boolean): TokenUser | undefined {
  const token = bearer(req);
  if (token === undefined) {
    if (options.requireToken && !open) throw unauthorized();
    return undefined;
  }
  const review = options.ctx.tokens.review(token);
  if (!review.authenticated) throw unauthorized();
  return review.user as TokenUser;
}

function serveInfo(options: HandlerOptions, path: ApiPath, res: ServerResponse): ApiOutcome {
  const { registry } = options.ctx;
  let body: unknown;
  switch (path.kind) {
    case 'root':
      body = {
        paths: ['/api', '/api/v1', '/apis', '/healthz', '/livez', '/openapi/v2', '/readyz', '/version'],
      };
      break;
    case 'api':
      body = apiVersions(options.address());
      break;
    case 'apis':
      body = apiGroupList(registry);
      break;
    case 'group':
      body = apiGroup(registry, path.group);
      break;
    case 'groupVersion':
      body = registry.servesGroupVersion(path.group, path.version)
        ? apiResourceList(registry, path.group, path.version)
        : undefined;
      break;
    case 'version':
      body = options.version;
      break;
    case 'openapi':
      body = openApiV2(options.version);
      break;
    case 'health':
      res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('ok');
      return { status: 200, watch: false };
    default:
      body = undefined;
  }
  if (body === undefined) throw pathNotFound();
  sendJson(res, 200, body);
  return { status: 200, watch: false };
}

function isWatchRequest(path: ApiPath, query: URLSearchParams): boolean {
  return (
    path.kind === 'resource' && (path.watch || query.get('watch') === 'true' || query.get('watch') === '1')
  );
}

/**
 * Serves one HTTP request: latency, authentication, injected failures, routing to discovery or
 * resources, errors as Status objects, and the request log. Never throws.
 */
export async function handleRequest(
  options: HandlerOptions,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const method = (req.method ?? 'GET').toUpperCase();
  const path = parseApiPath(url.pathname);
  const watch = isWatchRequest(path, url.searchParams);
  let outcome: ApiOutcome = { status: 500, watch };
  try {
    const latency = options.ctx.faults.latencyMs;
    if (latency > 0) await sleep(latency);
    const open = path.kind === 'health' || path.kind === 'version';
    const user = authenticate(options, req, open);
    if (!watch) {
      const failure = options.ctx.faults.take({ method, path: url.pathname, watch: false });
      if (failure !== undefined) throw injectedStatus(failure.code);
    }
    if (path.kind === 'resource') {
      const request: ApiRequest = { req, res, method, path: url.pathname, query: url.searchParams, user };
      outcome = await serveResource(options.ctx, request, path);
    } else {
      if (method !== 'GET' && method !== 'HEAD') throw methodNotAllowed();
      outcome = serveInfo(options, path, res);
    }
  } catch (e) {
    const error = e instanceof KubeApiError ? e : internalError(e instanceof Error ? e.message : String(e));
    outcome = { status: error.httpCode, watch };
    if (!res.headersSent) sendStatus(res, error.status);
    else res.end();
  }
  options.log.record({
    method,
    path: url.pathname,
    query: url.searchParams,
    watch: outcome.watch,
    status: outcome.status,
  });
}

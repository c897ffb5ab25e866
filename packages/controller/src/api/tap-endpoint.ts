import type { IncomingMessage, ServerResponse } from 'node:http';
import { type Logger, nullLogger, SkeinError } from '@skein/core';
import { type TapAggregator, type TapCaller, TapErrorCode, type TapTarget } from '@skein/tap';
import { ControllerErrorCode, InvalidQueryError } from '../errors.js';
import { canonicalKind } from '../inventory/resources.js';
import { tapRequestFromJson } from './tap-request-json.js';

/** Linkerd's tap APIService path: `/apis/tap.linkerd.io/v1alpha1/watch/namespaces/{ns}[/{kinds}/{name}]/tap`. */
const LINKERD_TAP_PATH =
  /^\/apis\/tap\.linkerd\.io\/v1alpha1\/watch\/namespaces\/([^/]+)(?:\/([^/]+)\/([^/]+))?\/tap$/;

/** The target a Linkerd tap APIService path names, or undefined when `path` is not one. */
export function tapTargetFromPath(path: string): TapTarget | undefined {
  const m = LINKERD_TAP_PATH.exec(path);
  if (m === null) return undefined;
  const namespace = decodeURIComponent(m[1]!);
  if (m[2] === undefined) return { kind: 'namespace', namespace, name: namespace };
  return {
    kind: canonicalKind(decodeURIComponent(m[2]), 'path kind'),
    namespace,
    name: decodeURIComponent(m[3]!),
  };
}

/** HTTP status for an error code (400, 403, 404, 502, else 500). */
export function statusForError(code: string): number {
  switch (code) {
    case ControllerErrorCode.InvalidQuery:
    case TapErrorCode.InvalidRequest:
      return 400;
    case TapErrorCode.Unauthorized:
      return 403;
    case ControllerErrorCode.NotFound:
    case TapErrorCode.NotFound:
      return 404;
    case ControllerErrorCode.MetricsUnavailable:
    case ControllerErrorCode.Inventory:
      return 502;
    default:
      return 500;
  }
}

/** Writes `{"error":{code,message}}` with the status for the error. */
export function sendError(res: ServerResponse, err: unknown, log: Logger = nullLogger): void {
  const code = err instanceof SkeinError ? err.code : 'ERR_SKEIN_INTERNAL';
  const status = statusForError(code);
  if (status >= 500) log.warn({ err }, 'API error');
  if (res.headersSent) {
    res.end();
    return;
  }
  const text = JSON.stringify({ error: { code, message: err instanceof Error ? err.message : String(err) } });
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

async function readJson(req: IncomingMessage, limit = 64 * 1024): Promise<unknown> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new InvalidQueryError('body', `${size} bytes`, `at most ${limit} bytes of JSON`);
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new InvalidQueryError('body', text.slice(0, 80), 'a JSON object');
  }
}

/**
 * Serves one tap request: reads the JSON body (a TapRequest; with `pathTarget`, the target comes
 * from the URL and a body target must agree), opens the aggregated stream for the caller and
 * writes it as NDJSON until the client goes away. Errors before the stream starts are JSON
 * errors with 400/403/404; an error later ends the stream with one `{"error":…}` line.
 */
export async function serveTapRequest(
  tap: TapAggregator,
  req: IncomingMessage,
  res: ServerResponse,
  caller: TapCaller,
  pathTarget?: TapTarget,
): Promise<void> {
  const body = await readJson(req);
  let json = body;
  if (pathTarget !== undefined) {
    const o = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
    const given = o.target as { kind?: string; namespace?: string; name?: string } | undefined;
    if (
      given !== undefined &&
      (canonicalKind(given.kind ?? '', 'target.kind') !== pathTarget.kind ||
        (given.namespace ?? pathTarget.namespace) !== pathTarget.namespace ||
        (given.name ?? pathTarget.name) !== pathTarget.name)
    ) {
      throw new InvalidQueryError(
        'target',
        JSON.stringify(given),
        `the resource the URL names (${pathTarget.kind}/${pathTarget.name} in ${pathTarget.namespace})`,
      );
    }
    json = { ...o, target: { ...(given ?? {}), ...pathTarget } };
  }
  const request = tapRequestFromJson(json);
  const events = await tap.open(request, caller);
  res.writeHead(200, { 'content-type': 'application/x-ndjson', 'cache-control': 'no-store' });
  res.flushHeaders();
  const sub = events.subscribe({
    next: (e) => res.write(`${JSON.stringify(e)}\n`),
    error: (err: Error) => {
      res.end(
        `${JSON.stringify({ error: { code: err instanceof SkeinError ? err.code : 'ERR_SKEIN_TAP', message: err.message } })}\n`,
      );
    },
  });
  res.on('close', () => sub.unsubscribe());
}

/** The caller from `X-Remote-User`/`X-Remote-Group` (set by the Kubernetes API aggregation layer). */
export function callerFromRemoteHeaders(req: IncomingMessage): TapCaller {
  const user = req.headers['x-remote-user'];
  const groups = req.headers['x-remote-group'];
  return {
    user: typeof user === 'string' && user !== '' ? user : 'system:anonymous',
    groups: groups === undefined ? [] : Array.isArray(groups) ? groups : groups.split(','),
  };
}

/** Options of {@link tapApiListener}. */
export interface TapApiOptions {
  /** The aggregator. */
  readonly tap: TapAggregator;
  /** Take the caller from `X-Remote-User`/`X-Remote-Group` (only behind the aggregation layer). */
  readonly trustRemoteUserHeaders: boolean;
  /** Logger. */
  readonly logger?: Logger;
}

/**
 * The tap service on its own (`skein-tap`): `POST /api/tap` (a TapRequest body) and Linkerd's
 * APIService path `POST /apis/tap.linkerd.io/v1alpha1/watch/namespaces/{ns}/{kinds}/{name}/tap`,
 * both answering NDJSON; `GET /ready` answers 200.
 */
export function tapApiListener(options: TapApiOptions): (req: IncomingMessage, res: ServerResponse) => void {
  const log = options.logger ?? nullLogger;
  const callerOf = (req: IncomingMessage): TapCaller =>
    options.trustRemoteUserHeaders ? callerFromRemoteHeaders(req) : { user: 'system:anonymous', groups: [] };
  return (req, res) => {
    const path = new URL(req.url ?? '/', 'http://tap').pathname.replace(/\/+$/, '');
    const run = async () => {
      if (req.method === 'GET' && path === '/ready') {
        res.writeHead(200, { 'content-type': 'text/plain' }).end('ready\n');
        return;
      }
      const target = path === '/api/tap' ? undefined : tapTargetFromPath(path);
      if (path !== '/api/tap' && target === undefined) {
        throw new SkeinError(
          ControllerErrorCode.NotFound,
          `no such endpoint: ${path}; POST /api/tap or /apis/tap.linkerd.io/v1alpha1/watch/namespaces/{ns}/{kinds}/{name}/tap`,
        );
      }
      if (req.method !== 'POST') throw new InvalidQueryError('method', req.method ?? '', `POST for ${path}`);
      await serveTapRequest(options.tap, req, res, callerOf(req), target);
    };
    run().catch((err: unknown) => sendError(res, err, log));
  };
}

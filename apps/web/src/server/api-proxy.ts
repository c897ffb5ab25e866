import {
  request as httpRequest,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Logger } from '@skein/core';
import type { ControllerLocator, ControllerTarget } from './controller-target.js';
import { ControllerUnreachableError } from './web-errors.js';

// Only what the API needs goes upstream: never cookies, credentials or X-Remote-User/Group,
// which a controller behind the aggregation layer would trust as the caller's identity.
const FORWARDED_REQUEST_HEADERS = ['accept', 'content-type', 'content-length', 'user-agent'];
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);
const CONNECT_TIMEOUT_MS = 5000;
// Ordinary queries end well within this; tap streams (POST) have no idle limit.
const QUERY_IDLE_TIMEOUT_MS = 30_000;

const REASONS: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'connection refused (ECONNREFUSED)',
  ENOTFOUND: 'no such host (ENOTFOUND)',
  EAI_AGAIN: 'the host name did not resolve (EAI_AGAIN)',
  ETIMEDOUT: `no answer within ${CONNECT_TIMEOUT_MS / 1000}s (ETIMEDOUT)`,
  ECONNRESET: 'the connection was reset (ECONNRESET)',
  EHOSTUNREACH: 'no route to host (EHOSTUNREACH)',
};

function upstreamHeaders(req: IncomingMessage, url: URL): Record<string, string> {
  const out: Record<string, string> = { host: url.host };
  for (const name of FORWARDED_REQUEST_HEADERS) {
    const v = req.headers[name];
    if (typeof v === 'string') out[name] = v;
  }
  return out;
}

function downstreamHeaders(headers: IncomingHttpHeaders): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && !HOP_BY_HOP.has(name)) out[name] = value;
  }
  return out;
}

function sendUnreachable(res: ServerResponse, err: ControllerUnreachableError): void {
  if (res.headersSent) {
    res.destroy(err);
    return;
  }
  const body = JSON.stringify({
    error: { code: err.code, message: err.message, controller: err.controllerUrl },
  });
  res.writeHead(502, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
    'cache-control': 'no-store',
  });
  res.end(body);
}

/**
 * Forwards `/api/*` requests to the controller and streams the answer back unbuffered (the tap
 * endpoint's NDJSON rows reach the browser as the controller writes them). A client that goes
 * away aborts the upstream request, which ends a tap at the proxies. When the controller does
 * not answer, the browser gets a 502 whose JSON error names the address tried.
 */
export function controllerProxy(
  locate: ControllerLocator,
  log: Logger,
): (req: IncomingMessage, res: ServerResponse) => void {
  let failing = false;
  const failed = (target: ControllerTarget, res: ServerResponse, err: NodeJS.ErrnoException) => {
    const error = new ControllerUnreachableError(
      target.url,
      target.origin,
      REASONS[err.code ?? ''] ?? err.message,
      { cause: err },
    );
    // Browsers poll: log the change of state, not every failed poll.
    if (!failing)
      log.warn({ controller: target.url, reason: err.code ?? err.message }, 'controller unreachable');
    failing = true;
    sendUnreachable(res, error);
  };

  const forward = (req: IncomingMessage, res: ServerResponse, target: ControllerTarget) => {
    const base = new URL(target.url);
    const url = new URL(`${base.pathname.replace(/\/+$/, '')}${req.url ?? '/'}`, base);
    const make = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const upstream = make(url, { method: req.method, headers: upstreamHeaders(req, url) });
    const connectTimer = setTimeout(
      () => upstream.destroy(Object.assign(new Error('connect timeout'), { code: 'ETIMEDOUT' })),
      CONNECT_TIMEOUT_MS,
    );
    upstream.once('socket', (socket) => {
      if (!socket.connecting) clearTimeout(connectTimer);
      else socket.once('connect', () => clearTimeout(connectTimer));
    });
    if (req.method !== 'POST') {
      upstream.setTimeout(QUERY_IDLE_TIMEOUT_MS, () =>
        upstream.destroy(Object.assign(new Error('no answer'), { code: 'ETIMEDOUT' })),
      );
    }
    upstream.on('response', (answer) => {
      clearTimeout(connectTimer);
      if (failing) log.info({ controller: target.url }, 'controller reachable again');
      failing = false;
      res.writeHead(answer.statusCode ?? 502, downstreamHeaders(answer.headers));
      // Rows of a stream go out as they come, not when a buffer fills.
      res.flushHeaders();
      answer.pipe(res);
      answer.on('error', (err) => res.destroy(err));
    });
    upstream.on('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(connectTimer);
      if (res.writableEnded || res.destroyed) return;
      if (res.headersSent) res.destroy(err);
      else failed(target, res, err);
    });
    // The browser stopped (tap "Stop", a closed tab): end the upstream request too.
    res.on('close', () => {
      clearTimeout(connectTimer);
      if (!res.writableFinished) upstream.destroy();
    });
    req.pipe(upstream);
  };

  return (req, res) => {
    locate().then(
      (target) => forward(req, res, target),
      (err: Error) => {
        log.error({ err: err.message }, 'cannot locate the controller');
        sendUnreachable(res, new ControllerUnreachableError('(unknown)', 'configuration', err.message));
      },
    );
  };
}

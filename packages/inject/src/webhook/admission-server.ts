import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { ConfigError, type Logger, nullLogger } from '@skein/core';
import { AdmissionReviewError } from '../errors.js';
import { type AdmissionResponse, parseAdmissionReview, reviewResponse } from './admission-review.js';
import {
  type CertificateKeyPair,
  type CertificatePaths,
  readCertificateFiles,
  watchCertificateFiles,
} from './certificate-files.js';
import type { AdmissionHandler } from './injector-handler.js';

/** Linkerd's cap on admission request bodies: 10 MiB. */
export const MAX_ADMISSION_BODY_BYTES = 10 * 1024 * 1024;

/** Options of {@link startAdmissionServer}. */
export interface AdmissionServerOptions {
  /** Answers each admission request. */
  readonly handler: AdmissionHandler;
  /** Mounted certificate files (watched and reloaded on change) or a PEM pair. */
  readonly certificate: CertificatePaths | CertificateKeyPair;
  /** Port to listen on; 0 (default) picks a free one. */
  readonly port?: number;
  /** Address to listen on; `0.0.0.0` by default. */
  readonly host?: string;
  /** Path of the webhook; `/` as Linkerd registers it. */
  readonly path?: string;
  /**
   * More webhooks on the same server and certificate, by path (`{ '/tap-inject': tapHandler }`),
   * each registered by its own webhook configuration.
   */
  readonly handlers?: Readonly<Record<string, AdmissionHandler>>;
  /** Largest accepted body; {@link MAX_ADMISSION_BODY_BYTES} by default. */
  readonly maxBodyBytes?: number;
  /** Logger; quiet by default. */
  readonly logger?: Logger;
}

/** A running admission webhook server. */
export interface AdmissionServer {
  /** The port it listens on. */
  readonly port: number;
  /** `https://<host>:<port>`. */
  readonly url: string;
  /** Replaces the serving certificate for new connections. */
  setCertificate(pair: CertificateKeyPair): void;
  /** Stops watching certificates, stops accepting connections and closes idle ones. */
  close(): Promise<void>;
}

function isPaths(c: CertificatePaths | CertificateKeyPair): c is CertificatePaths {
  return 'certFile' in c;
}

function sendText(res: ServerResponse, status: number, message: string, close = false): void {
  res.writeHead(status, {
    'content-type': 'text/plain; charset=utf-8',
    ...(close ? { connection: 'close' } : {}),
  });
  res.end(`${message}\n`);
}

/** Reads the body up to `limit` bytes; resolves undefined (and drains) when it is larger. */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        tooLarge = true;
        chunks.length = 0;
        // Drain a bounded amount so the client can read the 413; past that, cut it off.
        if (size > 4 * limit) resolve(undefined);
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(tooLarge ? undefined : Buffer.concat(chunks, size)));
    req.on('error', reject);
  });
}

/** The handler of each path. */
type Routes = ReadonlyMap<string, AdmissionHandler>;

function routesOf(options: AdmissionServerOptions): Routes {
  const routes = new Map<string, AdmissionHandler>([[options.path ?? '/', options.handler]]);
  for (const [path, handler] of Object.entries(options.handlers ?? {})) {
    if (!path.startsWith('/') || routes.has(path))
      throw new ConfigError(
        'handlers',
        path,
        `a path starting with / other than ${[...routes.keys()].join(', ')}`,
      );
    routes.set(path, handler);
  }
  return routes;
}

function describeRoutes(routes: Routes): string {
  const paths = [...routes.keys()];
  return paths.length === 1 ? `the webhook is at ${paths[0]}` : `the webhooks are at ${paths.join(', ')}`;
}

async function answer(
  req: IncomingMessage,
  res: ServerResponse,
  options: AdmissionServerOptions,
  routes: Routes,
  limit: number,
): Promise<void> {
  const logger = options.logger ?? nullLogger;
  const url = new URL(req.url ?? '/', 'https://webhook');
  const handler = routes.get(url.pathname);
  if (handler === undefined)
    return sendText(res, 404, `not found: ${url.pathname} (${describeRoutes(routes)})`);
  if (req.method !== 'POST') return sendText(res, 405, `method ${req.method} not allowed: expected POST`);
  const type = req.headers['content-type'] ?? '';
  if (!type.toLowerCase().startsWith('application/json')) {
    return sendText(res, 415, `invalid Content-Type ${JSON.stringify(type)}: expected application/json`);
  }
  const declared = Number(req.headers['content-length'] ?? 0);
  const body = await readBody(req, limit);
  if (body === undefined) {
    const size = declared > 0 ? `${declared}-byte ` : '';
    sendText(res, 413, `request body too large: the ${size}body is over the ${limit}-byte limit`, true);
    if (!req.complete) res.on('finish', () => req.socket.destroy());
    return;
  }
  let review: ReturnType<typeof parseAdmissionReview>;
  try {
    review = parseAdmissionReview(body.toString('utf8'));
  } catch (err) {
    if (!(err instanceof AdmissionReviewError)) throw err;
    logger.warn({ err: err.message }, 'bad admission review');
    return sendText(res, 400, err.message);
  }
  let response: AdmissionResponse;
  try {
    response = await handler(review.request);
  } catch (err) {
    logger.error({ err }, 'admission handler failed');
    const message = err instanceof Error ? err.message : String(err);
    response = { uid: review.request.uid, allowed: false, status: { code: 500, message } };
  }
  const json = JSON.stringify(reviewResponse(review.apiVersion, response));
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(json) });
  res.end(json);
}

/**
 * Starts an HTTPS admission webhook (AdmissionReview v1 and v1beta1): POST JSON to `path` (or
 * to another path of `handlers`), bodies capped at 10 MiB (413 above), malformed reviews
 * answered 400 with the reason, handler failures answered `allowed: false`, other paths 404.
 * Mounted certificate files are reloaded when they change.
 *
 * @throws {ConfigError} when a path of `handlers` does not start with `/` or is served twice.
 */
export async function startAdmissionServer(options: AdmissionServerOptions): Promise<AdmissionServer> {
  const logger = options.logger ?? nullLogger;
  const limit = options.maxBodyBytes ?? MAX_ADMISSION_BODY_BYTES;
  const routes = routesOf(options);
  const initial = isPaths(options.certificate)
    ? await readCertificateFiles(options.certificate)
    : options.certificate;
  const server: Server = createServer(
    { cert: initial.cert, key: initial.key, minVersion: 'TLSv1.2' },
    (req, res) => {
      answer(req, res, options, routes, limit).catch((err: unknown) => {
        logger.error({ err }, 'admission request failed');
        if (!res.headersSent) sendText(res, 500, 'internal error');
        else res.destroy();
      });
    },
  );
  const setCertificate = (pair: CertificateKeyPair): void => {
    server.setSecureContext({ cert: pair.cert, key: pair.key, minVersion: 'TLSv1.2' });
    logger.info({}, 'webhook certificate reloaded');
  };
  const stopWatching = isPaths(options.certificate)
    ? watchCertificateFiles(options.certificate, setCertificate, { logger })
    : () => {};
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '0.0.0.0', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const host = options.host ?? '0.0.0.0';
  return {
    port,
    url: `https://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`,
    setCertificate,
    close: () =>
      new Promise<void>((resolve) => {
        stopWatching();
        server.close(() => resolve());
        server.closeIdleConnections();
      }),
  };
}

import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, relative, sep } from 'node:path';
import { gzipSync } from 'node:zlib';
import { AssetsMissingError } from './web-errors.js';

/** One file of the built front end, ready to send. */
export interface StaticAsset {
  /** The bytes. */
  readonly body: Buffer;
  /** The gzip-compressed bytes, when that is smaller. */
  readonly gzip: Buffer | undefined;
  /** Strong ETag of the bytes. */
  readonly etag: string;
  /** `content-type`. */
  readonly type: string;
  /** `cache-control`: hashed assets are immutable, everything else is revalidated. */
  readonly cacheControl: string;
}

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};
const COMPRESSIBLE = new Set(['.html', '.js', '.css', '.svg', '.json', '.txt']);

/** Hashed file names (Vite's `assets/name-HASH.ext`) never change content: cache them for a year. */
export const IMMUTABLE = 'public, max-age=31536000, immutable';
/** Everything else (index.html above all) is revalidated on every use, so a new build shows at once. */
export const REVALIDATE = 'no-cache';

// The page loads only its own scripts and styles and talks only to its own origin.
const HTML_HEADERS = {
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};

/**
 * Loads every file under `dir` (the Vite build) into memory, with its gzip form and ETag, keyed
 * by URL path (`/index.html`, `/assets/index-3f2a1b.js`).
 * @throws {AssetsMissingError} when `dir` or its `index.html` is missing.
 */
export async function loadStaticAssets(dir: string): Promise<Map<string, StaticAsset>> {
  let names: string[];
  try {
    names = (await readdir(dir, { recursive: true, withFileTypes: true }))
      .filter((d) => d.isFile())
      .map((d) => join(d.parentPath, d.name));
  } catch (err) {
    throw new AssetsMissingError(dir, (err as NodeJS.ErrnoException).code ?? (err as Error).message);
  }
  const assets = new Map<string, StaticAsset>();
  for (const file of names) {
    const path = `/${relative(dir, file).split(sep).join('/')}`;
    if (path.endsWith('.map')) continue;
    const body = await readFile(file);
    const ext = extname(path);
    const compressed = COMPRESSIBLE.has(ext) && body.length > 256 ? gzipSync(body, { level: 9 }) : undefined;
    assets.set(path, {
      body,
      gzip: compressed !== undefined && compressed.length < body.length ? compressed : undefined,
      etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`,
      type: TYPES[ext] ?? 'application/octet-stream',
      cacheControl: path.startsWith('/assets/') ? IMMUTABLE : REVALIDATE,
    });
  }
  if (!assets.has('/index.html')) throw new AssetsMissingError(dir, 'no index.html');
  return assets;
}

/** Whether `accept-encoding` allows gzip (`gzip` or `*` with a non-zero q). */
export function acceptsGzip(header: string | undefined): boolean {
  if (header === undefined) return false;
  for (const part of header.split(',')) {
    const [name = '', ...params] = part.split(';').map((s) => s.trim().toLowerCase());
    if (name !== 'gzip' && name !== '*') continue;
    const q = params.find((p) => p.startsWith('q='));
    return q === undefined || Number(q.slice(2)) > 0;
  }
  return false;
}

/** Sends `asset` for a GET or HEAD: 304 when the client's copy is current, gzip when accepted. */
export function sendStaticAsset(req: IncomingMessage, res: ServerResponse, asset: StaticAsset): void {
  const headers: Record<string, string | number> = {
    'content-type': asset.type,
    'cache-control': asset.cacheControl,
    etag: asset.etag,
    'x-content-type-options': 'nosniff',
    ...(asset.type.startsWith('text/html') ? HTML_HEADERS : {}),
  };
  if (asset.gzip !== undefined) headers.vary = 'accept-encoding';
  const match = req.headers['if-none-match'];
  if (match?.split(',').some((t) => t.trim() === asset.etag || t.trim() === '*')) {
    res.writeHead(304, headers).end();
    return;
  }
  const body =
    asset.gzip !== undefined && acceptsGzip(req.headers['accept-encoding']) ? asset.gzip : asset.body;
  if (body === asset.gzip) headers['content-encoding'] = 'gzip';
  headers['content-length'] = body.length;
  res.writeHead(200, headers);
  res.end(req.method === 'HEAD' ? undefined : body);
}

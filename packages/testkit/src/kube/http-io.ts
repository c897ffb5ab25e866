import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ObjectView } from './object-view.js';
import { KubeApiError, type KubeStatus, notAcceptable, unsupportedMediaType } from './status.js';

/** The largest request body accepted, as the real server's limit (3 MiB). */
const MAX_BODY_BYTES = 3 * 1024 * 1024;

/** Reads the whole request body as text; a body over 3 MiB is a 413. */
export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > MAX_BODY_BYTES)
      throw new KubeApiError(
        413,
        'RequestEntityTooLarge',
        `the request body is larger than ${MAX_BODY_BYTES} bytes`,
      );
    chunks.push(buf);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Parses a JSON request body; anything but JSON (by Content-Type) is a 415, a body that does not
 * parse is a 400 naming the parse error.
 */
export function parseJsonBody(
  text: string,
  contentType: string,
  accepted: readonly string[] = ['application/json'],
): unknown {
  const base = contentType.split(';')[0]!.trim().toLowerCase();
  if (base !== '' && !accepted.includes(base)) throw unsupportedMediaType(base, accepted);
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new KubeApiError(400, 'BadRequest', `the request body is not valid JSON: ${(e as Error).message}`);
  }
}

/** Writes a JSON response. */
export function sendJson(res: ServerResponse, code: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(code, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

/** Writes a Status as the response, with its code. */
export function sendStatus(res: ServerResponse, status: KubeStatus): void {
  sendJson(res, status.code, status);
}

/**
 * Negotiates the response form from the Accept header: plain JSON, or metadata only when the
 * client asks for `as=PartialObjectMetadata[List];g=meta.k8s.io` (metadata-only informers).
 * Tables and protobuf are not served; a client that accepts nothing else gets 406.
 */
export function negotiateView(accept: string | undefined): ObjectView {
  if (accept === undefined || accept.trim() === '') return 'full';
  // The first entry this server can serve wins, as the client lists them by preference.
  for (const entry of accept.split(',')) {
    const [type = '', ...params] = entry.split(';').map((s) => s.trim());
    const p = new Map(params.map((kv) => kv.split('=').map((s) => s.trim()) as [string, string]));
    const as = p.get('as');
    if (type !== 'application/json' && type !== '*/*' && type !== 'application/*') continue;
    if (as === undefined) return 'full';
    if (
      (as === 'PartialObjectMetadata' || as === 'PartialObjectMetadataList') &&
      p.get('g') === 'meta.k8s.io'
    )
      return 'metadata';
  }
  throw notAcceptable(accept);
}

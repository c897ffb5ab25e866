import type { HeaderList } from './types.js';

/**
 * Returns the first value of header `name` (lowercase) in a flat header list, or `undefined`.
 */
export function getHeader(headers: HeaderList, name: string): string | undefined {
  for (let i = 0; i < headers.length; i += 2) {
    if (headers[i] === name) return headers[i + 1];
  }
  return undefined;
}

/** Whether header `name` (lowercase) is present. */
export function hasHeader(headers: HeaderList, name: string): boolean {
  for (let i = 0; i < headers.length; i += 2) {
    if (headers[i] === name) return true;
  }
  return false;
}

/** Removes every field named `name` (lowercase) in place; returns how many were removed. */
export function removeHeader(headers: HeaderList, name: string): number {
  let w = 0;
  let removed = 0;
  for (let r = 0; r < headers.length; r += 2) {
    if (headers[r] === name) {
      removed++;
      continue;
    }
    if (w !== r) {
      headers[w] = headers[r]!;
      headers[w + 1] = headers[r + 1]!;
    }
    w += 2;
  }
  headers.length = w;
  return removed;
}

/** Replaces every field named `name` with a single field holding `value`, in place. */
export function setHeader(headers: HeaderList, name: string, value: string): void {
  removeHeader(headers, name);
  headers.push(name, value);
}

/** Removes every field whose name starts with `prefix` (lowercase), in place. */
export function removeHeadersWithPrefix(headers: HeaderList, prefix: string): number {
  let w = 0;
  let removed = 0;
  for (let r = 0; r < headers.length; r += 2) {
    if (headers[r]!.startsWith(prefix)) {
      removed++;
      continue;
    }
    if (w !== r) {
      headers[w] = headers[r]!;
      headers[w + 1] = headers[r + 1]!;
    }
    w += 2;
  }
  headers.length = w;
  return removed;
}

/**
 * Hop-by-hop fields of RFC 9110 §7.6.1 that a proxy never forwards (plus the legacy
 * `proxy-connection` and `keep-alive`). `transfer-encoding` is framing, handled by the codecs.
 */
export const HOP_BY_HOP: ReadonlySet<string> = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'te',
  'transfer-encoding',
  'upgrade',
]);

/** Whether a gRPC content type (`application/grpc`, `application/grpc+proto`, …). */
export function isGrpcContentType(value: string | undefined): boolean {
  return value !== undefined && value.length >= 16 && value.slice(0, 16).toLowerCase() === 'application/grpc';
}

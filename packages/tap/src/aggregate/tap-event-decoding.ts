import { type Decoded, durationToMillis, ipAddressToString, longToNumber, type tap } from '@skein/core/proto';
import type { TapEventRecord, TapPeerRecord } from './tap-event-record.js';

type TapEventMessage = Decoded<typeof tap.TapEvent>;
type Headers = { headers?: { name?: string | null; value?: Uint8Array | null }[] | null } | null | undefined;

const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'CONNECT', 'HEAD', 'TRACE'];

function peer(
  addr: { ip?: Parameters<typeof ipAddressToString>[0] | null; port?: number | null } | null | undefined,
  labels: Record<string, string> | null | undefined,
): TapPeerRecord {
  let ip = '';
  try {
    if (addr?.ip != null) ip = ipAddressToString(addr.ip);
  } catch {
    ip = '';
  }
  return { ip, port: addr?.port ?? 0, labels: { ...(labels ?? {}) } };
}

function headers(h: Headers, ignored: ReadonlySet<string>): [string, string][] | undefined {
  if (h?.headers == null) return undefined;
  const out: [string, string][] = [];
  for (const { name, value } of h.headers) {
    const n = (name ?? '').toLowerCase();
    if (ignored.has(n)) continue;
    out.push([n, Buffer.from(value ?? new Uint8Array()).toString('latin1')]);
  }
  return out;
}

const us = (d: Parameters<typeof durationToMillis>[0] | null | undefined): number =>
  d == null ? 0 : Math.round(durationToMillis(d) * 1000);

/**
 * Turns a proxy's `TapEvent` into a {@link TapEventRecord}, dropping `ignoredHeaders`
 * (lowercase names). Returns undefined for an event without an HTTP part.
 */
export function tapEventRecord(
  event: TapEventMessage,
  proxy: string,
  ignoredHeaders: ReadonlySet<string> = new Set(),
): TapEventRecord | undefined {
  const http = event.http;
  if (http == null) return undefined;
  const direction =
    event.proxyDirection === 1 ? 'inbound' : event.proxyDirection === 2 ? 'outbound' : 'unknown';
  const common = {
    direction,
    proxy,
    source: peer(event.source, event.sourceMeta?.labels),
    destination: peer(event.destination, event.destinationMeta?.labels),
    routeLabels: { ...(event.routeMeta?.labels ?? {}) },
  } as const;
  const idOf = (
    id: { base?: number | null; stream?: Parameters<typeof longToNumber>[0] | null } | null | undefined,
  ) => ({
    base: id?.base ?? 0,
    stream: id?.stream == null ? 0 : longToNumber(id.stream),
  });
  if (http.requestInit != null) {
    const r = http.requestInit;
    const h = headers(r.headers, ignoredHeaders);
    const method = r.method?.unregistered ?? METHODS[r.method?.registered ?? 0] ?? 'GET';
    const scheme = r.scheme?.unregistered ?? (r.scheme?.registered === 1 ? 'https' : 'http');
    return {
      type: 'requestInit',
      id: idOf(r.id),
      ...common,
      requestInit: {
        method,
        scheme,
        authority: r.authority ?? '',
        path: r.path ?? '',
        ...(h === undefined ? {} : { headers: h }),
      },
    };
  }
  if (http.responseInit != null) {
    const r = http.responseInit;
    const h = headers(r.headers, ignoredHeaders);
    return {
      type: 'responseInit',
      id: idOf(r.id),
      ...common,
      responseInit: {
        status: r.httpStatus ?? 0,
        sinceRequestInitUs: us(r.sinceRequestInit),
        ...(h === undefined ? {} : { headers: h }),
      },
    };
  }
  if (http.responseEnd != null) {
    const r = http.responseEnd;
    const t = headers(r.trailers, ignoredHeaders);
    return {
      type: 'responseEnd',
      id: idOf(r.id),
      ...common,
      responseEnd: {
        sinceRequestInitUs: us(r.sinceRequestInit),
        sinceResponseInitUs: us(r.sinceResponseInit),
        responseBytes: r.responseBytes == null ? 0 : longToNumber(r.responseBytes),
        ...(r.eos?.grpcStatusCode != null ? { grpcStatus: r.eos.grpcStatusCode } : {}),
        ...(r.eos?.resetErrorCode != null ? { resetCode: r.eos.resetErrorCode } : {}),
        ...(t === undefined ? {} : { trailers: t }),
      },
    };
  }
  return undefined;
}

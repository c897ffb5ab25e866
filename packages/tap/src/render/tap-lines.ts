import type { TapEventRecord, TapPeerRecord } from '../aggregate/tap-event-record.js';
import { peerResource } from './resource-names.js';

const GRPC_CODES = [
  'OK',
  'Canceled',
  'Unknown',
  'InvalidArgument',
  'DeadlineExceeded',
  'NotFound',
  'AlreadyExists',
  'PermissionDenied',
  'ResourceExhausted',
  'FailedPrecondition',
  'Aborted',
  'OutOfRange',
  'Unimplemented',
  'Internal',
  'Unavailable',
  'DataLoss',
  'Unauthenticated',
];

/** The name Linkerd's CLI prints for a gRPC status code (`OK`, `Unavailable`, …). */
export function grpcStatusName(code: number): string {
  return GRPC_CODES[code] ?? `Code(${code})`;
}

function addr(p: TapPeerRecord): string {
  return p.ip.includes(':') ? `[${p.ip}]:${p.port}` : `${p.ip}:${p.port}`;
}

/** The `tls=` value: the peer-side `tls` label the proxy reported. */
function tls(e: TapEventRecord): string {
  const side = e.direction === 'inbound' ? e.source : e.destination;
  return side.labels.tls ?? e.source.labels.tls ?? e.destination.labels.tls ?? '';
}

function head(kind: string, e: TapEventRecord): string {
  const proxy = e.direction === 'inbound' ? 'in ' : e.direction === 'outbound' ? 'out' : '???';
  return `${kind} id=${e.id.base}:${e.id.stream} proxy=${proxy} src=${addr(e.source)} dst=${addr(e.destination)} tls=${tls(e)}`;
}

function wide(e: TapEventRecord): string {
  const parts: string[] = [];
  const src = peerResource(e.source.labels);
  const dst = peerResource(e.destination.labels);
  if (src !== undefined) parts.push(`src_res=${src}`);
  if (e.source.labels.namespace !== undefined) parts.push(`src_ns=${e.source.labels.namespace}`);
  if (dst !== undefined) parts.push(`dst_res=${dst}`);
  if (e.destination.labels.namespace !== undefined) parts.push(`dst_ns=${e.destination.labels.namespace}`);
  return parts.length === 0 ? '' : ` ${parts.join(' ')}`;
}

/**
 * One event in Linkerd's `tap` line format:
 *
 * ```
 * req id=3:1 proxy=out src=10.0.0.1:4000 dst=10.0.0.2:80 tls=true :method=GET :authority=web:80 :path=/
 * rsp id=3:1 proxy=out src=… dst=… tls=true :status=200 latency=1520µs
 * end id=3:1 proxy=out src=… dst=… tls=true duration=85µs response-length=12B
 * ```
 *
 * gRPC ends carry `grpc-status=<Name>`, resets `reset-error=<code>`. `wide` appends
 * `src_res=deploy/… src_ns=… dst_res=… dst_ns=…`.
 */
export function renderTapLine(e: TapEventRecord, options: { wide?: boolean } = {}): string {
  const suffix = options.wide ? wide(e) : '';
  if (e.requestInit !== undefined) {
    const r = e.requestInit;
    return `${head('req', e)} :method=${r.method} :authority=${r.authority} :path=${r.path}${suffix}`;
  }
  if (e.responseInit !== undefined) {
    const r = e.responseInit;
    return `${head('rsp', e)} :status=${r.status} latency=${r.sinceRequestInitUs}µs${suffix}`;
  }
  const r = e.responseEnd!;
  const eos =
    r.grpcStatus !== undefined
      ? ` grpc-status=${grpcStatusName(r.grpcStatus)}`
      : r.resetCode !== undefined
        ? ` reset-error=${r.resetCode}`
        : '';
  return `${head('end', e)}${eos} duration=${r.sinceResponseInitUs}µs response-length=${r.responseBytes}B${suffix}`;
}

function peerJson(p: TapPeerRecord): object {
  return { ip: p.ip, port: p.port, metadata: p.labels };
}

function headersJson(h: readonly (readonly [string, string])[] | undefined): object | undefined {
  return h === undefined ? undefined : { headers: h.map(([name, value]) => ({ name, valueStr: value })) };
}

/**
 * One event as `tap -o json` prints it: Linkerd's field names (`source`, `destination`,
 * `routeMeta`, `proxyDirection`, and one of `requestInitEvent`, `responseInitEvent`,
 * `responseEndEvent`), pretty-printed.
 */
export function renderTapJson(e: TapEventRecord): string {
  const id = { base: e.id.base, stream: e.id.stream };
  const out: Record<string, unknown> = {
    source: peerJson(e.source),
    destination: peerJson(e.destination),
    routeMeta: Object.keys(e.routeLabels).length === 0 ? null : { labels: e.routeLabels },
    proxyDirection: e.direction.toUpperCase(),
  };
  if (e.requestInit !== undefined) {
    const r = e.requestInit;
    out.requestInitEvent = {
      id,
      method: r.method,
      scheme: r.scheme,
      authority: r.authority,
      path: r.path,
      headers: headersJson(r.headers),
    };
  } else if (e.responseInit !== undefined) {
    const r = e.responseInit;
    out.responseInitEvent = {
      id,
      sinceRequestInit: { nanos: r.sinceRequestInitUs * 1000 },
      httpStatus: r.status,
      headers: headersJson(r.headers),
    };
  } else if (e.responseEnd !== undefined) {
    const r = e.responseEnd;
    out.responseEndEvent = {
      id,
      sinceRequestInit: { nanos: r.sinceRequestInitUs * 1000 },
      sinceResponseInit: { nanos: r.sinceResponseInitUs * 1000 },
      responseBytes: r.responseBytes,
      ...(r.grpcStatus !== undefined ? { grpcPrimaryStatus: { code: r.grpcStatus } } : {}),
      ...(r.resetCode !== undefined ? { resetErrorCode: r.resetCode } : {}),
      trailers: headersJson(r.trailers),
    };
  }
  return JSON.stringify(out, null, 2);
}

import {
  bigIntToLong,
  durationFromMillis,
  type Encodable,
  type tap,
  tcpAddressFromParts,
} from '@skein/core/proto';
import type { TapAddr, TapEnd, TapRequest, TapResponse } from '../hub/tap-events.js';

/** A `TapEvent` as the Tap service writes it. */
export type TapEventMessage = Encodable<typeof tap.TapEvent>;

const METHODS: Record<string, number> = {
  GET: 0,
  POST: 1,
  PUT: 2,
  DELETE: 3,
  PATCH: 4,
  OPTIONS: 5,
  CONNECT: 6,
  HEAD: 7,
  TRACE: 8,
};

function address(a: TapAddr): ReturnType<typeof tcpAddressFromParts> | null {
  try {
    return tcpAddressFromParts(a.ip, a.port);
  } catch {
    return null;
  }
}

/** Encodes a flat `[name, value, …]` header list as `http_types.Headers`. */
export function headersMessage(flat: readonly string[]): { headers: { name: string; value: Uint8Array }[] } {
  const headers: { name: string; value: Uint8Array }[] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) {
    headers.push({ name: flat[i]!, value: Buffer.from(flat[i + 1]!, 'latin1') });
  }
  return { headers };
}

/** The fields every event of one tapped request shares (addresses, metadata, direction). */
function base(r: TapRequest): Omit<TapEventMessage, 'http'> {
  return {
    source: address(r.source),
    destination: address(r.destination),
    // Like linkerd2-proxy, the peer's side carries the `tls` label the CLI shows as `tls=`.
    sourceMeta: {
      labels: r.direction === 'inbound' ? { ...r.sourceLabels, tls: r.tls } : { ...r.sourceLabels },
    },
    destinationMeta: {
      labels:
        r.direction === 'outbound' ? { ...r.destinationLabels, tls: r.tls } : { ...r.destinationLabels },
    },
    routeMeta: { labels: { ...r.routeLabels } },
    proxyDirection: r.direction === 'inbound' ? 1 : 2,
  };
}

function streamId(r: TapRequest): { base: number; stream: ReturnType<typeof bigIntToLong> } {
  return { base: r.id.base >>> 0, stream: bigIntToLong(BigInt(r.id.stream)) };
}

/** `RequestInit` for a request head; headers only when extraction was asked. */
export function requestInitEvent(r: TapRequest, withHeaders: boolean): TapEventMessage {
  const method = METHODS[r.method.toUpperCase()];
  const scheme = r.scheme.toLowerCase();
  return {
    ...base(r),
    http: {
      requestInit: {
        id: streamId(r),
        method: method === undefined ? { unregistered: r.method } : { registered: method },
        scheme:
          scheme === 'http'
            ? { registered: 0 }
            : scheme === 'https'
              ? { registered: 1 }
              : { unregistered: r.scheme },
        authority: r.authority,
        path: r.path,
        ...(withHeaders ? { headers: headersMessage(r.headers) } : {}),
      },
    },
  };
}

/** `ResponseInit` for a response head. */
export function responseInitEvent(r: TapRequest, res: TapResponse, withHeaders: boolean): TapEventMessage {
  return {
    ...base(r),
    http: {
      responseInit: {
        id: streamId(r),
        sinceRequestInit: durationFromMillis(Math.max(0, res.sinceRequestMs)),
        httpStatus: res.status,
        ...(withHeaders ? { headers: headersMessage(res.headers) } : {}),
      },
    },
  };
}

/** `ResponseEnd` for the end of a stream: bytes, gRPC status or reset code, trailers. */
export function responseEndEvent(r: TapRequest, end: TapEnd, withHeaders: boolean): TapEventMessage {
  const eos =
    end.resetCode !== undefined
      ? { resetErrorCode: end.resetCode }
      : end.grpcStatus !== undefined
        ? { grpcStatusCode: end.grpcStatus }
        : null;
  return {
    ...base(r),
    http: {
      responseEnd: {
        id: streamId(r),
        sinceRequestInit: durationFromMillis(Math.max(0, end.sinceRequestMs)),
        sinceResponseInit: durationFromMillis(Math.max(0, end.sinceResponseMs)),
        responseBytes: bigIntToLong(BigInt(end.responseBytes)),
        eos,
        ...(withHeaders && end.trailers !== null ? { trailers: headersMessage(end.trailers) } : {}),
      },
    },
  };
}

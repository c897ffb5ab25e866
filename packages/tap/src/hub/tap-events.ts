/** An address as tap reports it. */
export interface TapAddr {
  /** IP address. */
  readonly ip: string;
  /** Port. */
  readonly port: number;
}

/** Which proxy side saw the request. */
export type TapDirection = 'inbound' | 'outbound';

/**
 * A request as a tap observer sees it when its head arrives (`RequestInit`). Fields are read
 * once; header lists are the proxy's flat `[name, value, …]` arrays and must not be modified.
 */
export interface TapRequest {
  /** Stream id: `base` is per connection, `stream` counts requests on it. */
  readonly id: { readonly base: number; readonly stream: number };
  /** Inbound or outbound. */
  readonly direction: TapDirection;
  /** The client. */
  readonly source: TapAddr;
  /** The destination (original destination, then the resolved endpoint once balanced). */
  destination: TapAddr;
  /** Method. */
  readonly method: string;
  /** Scheme. */
  readonly scheme: string;
  /** Authority. */
  readonly authority: string;
  /** Path. */
  readonly path: string;
  /** Request headers (lowercase names). */
  readonly headers: readonly string[];
  /** TLS status, e.g. `true` or `no_identity`, as in the CLI's `tls=` field. */
  tls: string;
  /** Labels of the source (client identity, pod…), if known. */
  readonly sourceLabels: Readonly<Record<string, string>>;
  /** Labels of the destination endpoint (`dst_*` without prefix), filled in once balanced. */
  destinationLabels: Readonly<Record<string, string>>;
  /** ServiceProfile route labels (`rt_*` without prefix), if a route matched. */
  routeLabels: Readonly<Record<string, string>>;
  /** `performance.now()` when the request head arrived. */
  readonly startedAt: number;
}

/** The response head (`ResponseInit`). */
export interface TapResponse {
  /** HTTP status. */
  readonly status: number;
  /** Response headers (lowercase names). */
  readonly headers: readonly string[];
  /** Milliseconds since the request head. */
  readonly sinceRequestMs: number;
}

/** The end of a stream (`ResponseEnd`). */
export interface TapEnd {
  /** Milliseconds since the request head. */
  readonly sinceRequestMs: number;
  /** Milliseconds since the response head (equal to `sinceRequestMs` when there was none). */
  readonly sinceResponseMs: number;
  /** Response body bytes. */
  readonly responseBytes: number;
  /** `grpc-status`, for gRPC responses. */
  readonly grpcStatus?: number;
  /** HTTP/2 reset code (or a proxy error), when the stream did not end cleanly. */
  readonly resetCode?: number;
  /** Trailers, if any. */
  readonly trailers: readonly string[] | null;
}

/** What an observer wants to hear about one tapped request. */
export interface TapStreamObserver {
  /**
   * Optional: the request was balanced and `destination`, `destinationLabels` and `tls` now
   * describe the chosen endpoint. Called at most once, before `onResponse`; proxies that do not
   * call it leave the observer to learn the endpoint at the response head.
   */
  onEndpoint?(): void;
  /** The response head arrived. */
  onResponse(response: TapResponse): void;
  /** The stream ended. */
  onEnd(end: TapEnd): void;
}

/** A tap subscriber: it sees every request head and chooses the ones it follows. */
export interface TapObserver {
  /** Returns a stream observer to follow this request, or undefined to ignore it. */
  onRequest(request: TapRequest): TapStreamObserver | undefined;
}

/** One side of a tapped exchange, label-hydrated. */
export interface TapPeerRecord {
  /** IP address. */
  readonly ip: string;
  /** Port. */
  readonly port: number;
  /**
   * Labels: what the proxy reported (`tls`, `client_id`, discovery labels such as `namespace`,
   * `deployment`, `pod`) merged with what the control plane knows of the pod at that IP.
   */
  readonly labels: Readonly<Record<string, string>>;
}

/** `RequestInit`, in JSON-friendly form. */
export interface TapRequestInitRecord {
  /** Method. */
  readonly method: string;
  /** Scheme (`http`, `https`). */
  readonly scheme: string;
  /** Authority. */
  readonly authority: string;
  /** Path. */
  readonly path: string;
  /** Headers as `[name, value]` pairs, when extraction was asked. */
  readonly headers?: readonly (readonly [string, string])[];
}

/** `ResponseInit`, in JSON-friendly form. */
export interface TapResponseInitRecord {
  /** HTTP status. */
  readonly status: number;
  /** Microseconds from the request head to the response head. */
  readonly sinceRequestInitUs: number;
  /** Headers, when extraction was asked. */
  readonly headers?: readonly (readonly [string, string])[];
}

/** `ResponseEnd`, in JSON-friendly form. */
export interface TapResponseEndRecord {
  /** Microseconds from the request head to the end of the stream. */
  readonly sinceRequestInitUs: number;
  /** Microseconds from the response head to the end. */
  readonly sinceResponseInitUs: number;
  /** Response body bytes. */
  readonly responseBytes: number;
  /** gRPC status code, for gRPC. */
  readonly grpcStatus?: number;
  /** HTTP/2 reset code, when the stream was reset. */
  readonly resetCode?: number;
  /** Trailers, when extraction was asked. */
  readonly trailers?: readonly (readonly [string, string])[];
}

/**
 * A tap event as the aggregator streams it and the CLI and dashboard read it (one JSON object
 * per line in the controller's NDJSON stream). Exactly one of `requestInit`, `responseInit`,
 * `responseEnd` is set, as `type` says.
 */
export interface TapEventRecord {
  /** Which event this is. */
  readonly type: 'requestInit' | 'responseInit' | 'responseEnd';
  /** Stream id: `base` per connection, `stream` per request on it. */
  readonly id: { readonly base: number; readonly stream: number };
  /** Whether the reporting proxy saw it inbound or outbound. */
  readonly direction: 'inbound' | 'outbound' | 'unknown';
  /** The pod whose proxy reported it (`namespace/name`). */
  readonly proxy: string;
  /** The client. */
  readonly source: TapPeerRecord;
  /** The server. */
  readonly destination: TapPeerRecord;
  /** ServiceProfile route labels (`route`, …). */
  readonly routeLabels: Readonly<Record<string, string>>;
  /** Set for `requestInit`. */
  readonly requestInit?: TapRequestInitRecord;
  /** Set for `responseInit`. */
  readonly responseInit?: TapResponseInitRecord;
  /** Set for `responseEnd`. */
  readonly responseEnd?: TapResponseEndRecord;
}

/** The TLS identity an endpoint proves, as discovery reports it (`TlsIdentity`). */
export interface EndpointIdentity {
  /** The DNS-like identity the peer's certificate must carry. */
  name: string;
  /** The SNI to send (defaults to `name`). */
  serverName: string;
}

/**
 * One endpoint of a discovered service, in the shape the proxy and client-side balancers use.
 * Built from a Destination `WeightedAddr` (plus its set's metric labels) or a static file entry.
 */
export interface DiscoveredEndpoint {
  /** `ip:port` (IPv6 in brackets): the endpoint's key in an endpoint set. */
  readonly address: string;
  /** IP address. */
  readonly ip: string;
  /** Port. */
  readonly port: number;
  /** Relative weight (Linkerd's destination service sends 10000). */
  readonly weight: number;
  /** Metric labels: the set's labels overlaid with the endpoint's own (`dst_*` in metrics). */
  readonly labels: Readonly<Record<string, string>>;
  /** The identity to verify with mTLS; absent for unmeshed endpoints. */
  readonly identity?: EndpointIdentity;
  /** How to talk to the endpoint: `h2` (a meshed proxy) or `opaque` (no protocol detection). */
  readonly protocolHint?: 'h2' | 'opaque';
  /** Connect to this port with the transport header instead (the peer's inbound proxy port). */
  readonly opaqueTransportPort?: number;
  /** Authority to send instead of the original (multicluster gateways). */
  readonly authorityOverride?: string;
}

/** Formats `ip:port` with brackets around IPv6 addresses. */
export function endpointAddress(ip: string, port: number): string {
  return ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`;
}

import { type destination, formatIpBytes, ipAddressToBytes } from '@skein/core/proto';
import { type DiscoveredEndpoint, endpointAddress } from '../endpoint.js';

type WeightedAddr = destination.WeightedAddr.$Properties;

/**
 * Converts a Destination `WeightedAddr` (and its `WeightedAddrSet`'s metric labels) to the
 * {@link DiscoveredEndpoint} the proxy's balancer uses. Labels are the set's overlaid with the
 * address's own. A DNS-like TLS identity becomes `identity`, with `server_name` (or the identity
 * itself) as the SNI. URI-like (SPIFFE) identities are not represented: such an endpoint has no
 * `identity` (linkerd2-proxy also ignores one without a server name).
 * An empty-weight address gets Linkerd's 10000.
 *
 * @throws {InvalidProtoValueError} when the address is missing or malformed.
 */
export function endpointFromWeightedAddr(
  addr: WeightedAddr,
  setLabels: Readonly<Record<string, string>> = {},
): DiscoveredEndpoint {
  const bytes = ipAddressToBytes(addr.addr?.ip ?? {});
  const ip = formatIpBytes(bytes);
  const port = addr.addr?.port ?? 0;
  const endpoint: { -readonly [K in keyof DiscoveredEndpoint]: DiscoveredEndpoint[K] } = {
    address: endpointAddress(ip, port),
    ip,
    port,
    weight: addr.weight || 10_000,
    labels: { ...setLabels, ...(addr.metricLabels ?? {}) },
  };
  const tls = addr.tlsIdentity;
  const dns = tls?.dnsLikeIdentity?.name;
  const sni = tls?.serverName?.name;
  if (dns) endpoint.identity = { name: dns, serverName: sni || dns };
  const hint = addr.protocolHint;
  if (hint?.h2 != null) endpoint.protocolHint = 'h2';
  else if (hint?.opaque != null) endpoint.protocolHint = 'opaque';
  const inbound = hint?.opaqueTransport?.inboundPort;
  if (inbound) endpoint.opaqueTransportPort = inbound;
  const override = addr.authorityOverride?.authorityOverride;
  if (override) endpoint.authorityOverride = override;
  return endpoint;
}

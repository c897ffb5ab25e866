import { tcpAddressFromParts } from '@skein/core/proto';
import type { DiscoveredEndpoint } from '../endpoint.js';
import type { WeightedAddrProps } from './destination-backend.js';

/**
 * The `WeightedAddr` that describes a {@link DiscoveredEndpoint} (the inverse of
 * `endpointFromWeightedAddr`). Labels equal to the set's are left to the set.
 */
export function weightedAddrFromEndpoint(
  endpoint: DiscoveredEndpoint,
  setLabels: Readonly<Record<string, string>> = {},
): WeightedAddrProps {
  const labels: Record<string, string> = {};
  for (const [k, v] of Object.entries(endpoint.labels)) if (setLabels[k] !== v) labels[k] = v;
  const addr: WeightedAddrProps = {
    addr: tcpAddressFromParts(endpoint.ip, endpoint.port),
    weight: endpoint.weight,
    metricLabels: labels,
  };
  if (endpoint.identity !== undefined) {
    addr.tlsIdentity = {
      dnsLikeIdentity: { name: endpoint.identity.name },
      serverName: { name: endpoint.identity.serverName },
    };
  }
  if (endpoint.protocolHint !== undefined || endpoint.opaqueTransportPort !== undefined) {
    const hint: NonNullable<WeightedAddrProps['protocolHint']> = {};
    if (endpoint.protocolHint === 'h2') hint.h2 = {};
    else if (endpoint.protocolHint === 'opaque') hint.opaque = {};
    if (endpoint.opaqueTransportPort !== undefined)
      hint.opaqueTransport = { inboundPort: endpoint.opaqueTransportPort };
    addr.protocolHint = hint;
  }
  if (endpoint.authorityOverride !== undefined) {
    addr.authorityOverride = { authorityOverride: endpoint.authorityOverride };
  }
  return addr;
}

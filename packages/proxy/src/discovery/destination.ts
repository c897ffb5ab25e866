import { isIP } from 'node:net';
import type { Logger } from '@skein/core';
import type { DestinationClient } from '@skein/discovery';
import type { ProxyConfig } from '../config/proxy-config.js';

type DestinationConfig = NonNullable<ProxyConfig['destination']>;

/**
 * Connects to the destination service (`LINKERD2_PROXY_DESTINATION_SVC_ADDR`). The gRPC client
 * code is loaded here, on demand, so a standalone proxy never pays for it. A loopback address is
 * plaintext, as in linkerd2-proxy.
 */
export async function startDestinationClient(
  config: DestinationConfig,
  logger: Logger,
): Promise<{ client: DestinationClient; close(): void }> {
  const { DestinationClient } = await import('@skein/discovery');
  const addr = config.addr;
  const address = addr.host.includes(':') ? `[${addr.host}]:${addr.port}` : `${addr.host}:${addr.port}`;
  const client = new DestinationClient({
    address,
    contextToken: config.context,
    logger: logger.child({ target: 'skein::proxy::destination' }),
  });
  return { client, close: () => client.close() };
}

/**
 * Whether profiles are looked up for an authority (spec §2.3): names must match
 * `DESTINATION_PROFILE_SUFFIXES`, IPs must fall in `DESTINATION_PROFILE_NETWORKS` (empty by
 * default, so no IP lookups).
 */
export function profileLookupAllowed(authority: string, config: DestinationConfig): boolean {
  let host = authority.slice(0, authority.lastIndexOf(':'));
  if (host.startsWith('[')) host = host.slice(1, -1);
  if (isIP(host) !== 0) return config.profileNetworks.contains(host);
  return config.profileSuffixes.matches(host);
}

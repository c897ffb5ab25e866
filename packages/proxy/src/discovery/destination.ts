import { isIP } from 'node:net';
import type { Logger } from '@skein/core';
import type { DestinationClient } from '@skein/discovery';
import type { ProxyConfig } from '../config/proxy-config.js';
import type { ProxyIdentity } from '../identity/proxy-identity.js';
import type { PolicySource } from '../inbound/inbound-policies.js';

type DestinationConfig = NonNullable<ProxyConfig['destination']>;

/**
 * Connects to the destination service (`LINKERD2_PROXY_DESTINATION_SVC_ADDR`). The gRPC client
 * code is loaded here, on demand, so a standalone proxy never pays for it. With a service name
 * (`*_SVC_NAME`, unset for loopback) and an identity, the channel is mTLS verified against that
 * name, as in linkerd2-proxy; otherwise plaintext.
 */
export async function startDestinationClient(
  config: DestinationConfig,
  logger: Logger,
  identity?: ProxyIdentity,
): Promise<{ client: DestinationClient; close(): void }> {
  const { DestinationClient } = await import('@skein/discovery');
  const tls = controlPlaneTls(config, identity);
  const client = new DestinationClient({
    address: hostPort(config.addr),
    contextToken: config.context,
    logger: logger.child({ target: 'skein::proxy::destination' }),
    ...(tls === undefined ? {} : { credentials: tls.credentials, channelOptions: tls.channelOptions }),
  });
  return {
    client,
    close: () => {
      client.close();
      tls?.close();
    },
  };
}

/**
 * Connects to the policy service (`LINKERD2_PROXY_POLICY_SVC_ADDR`) for the inbound policies of
 * this workload (`LINKERD2_PROXY_POLICY_WORKLOAD`); loaded on demand, mTLS as for destination.
 */
export async function startPolicyClient(
  config: NonNullable<ProxyConfig['policy']>,
  logger: Logger,
  identity?: ProxyIdentity,
): Promise<{ source: PolicySource; close(): void }> {
  const { InboundPolicyClient } = await import('@skein/discovery');
  const tls = controlPlaneTls(config, identity);
  const client = new InboundPolicyClient({
    address: hostPort(config.addr),
    workload: config.workload,
    logger: logger.child({ target: 'skein::proxy::policy' }),
    ...(tls === undefined ? {} : { credentials: tls.credentials, channelOptions: tls.channelOptions }),
  });
  return {
    source: client,
    close: () => {
      client.close();
      tls?.close();
    },
  };
}

function controlPlaneTls(config: { name: string | undefined }, identity: ProxyIdentity | undefined) {
  return config.name === undefined || identity === undefined ? undefined : identity.controlPlane(config.name);
}

function hostPort(addr: { host: string; port: number }): string {
  return addr.host.includes(':') ? `[${addr.host}]:${addr.port}` : `${addr.host}:${addr.port}`;
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

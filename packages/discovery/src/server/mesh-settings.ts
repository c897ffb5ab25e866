import { ConfigError, type PortSet, parsePortSet } from '@skein/core';
import { type destination, durationFromMillis } from '@skein/core/proto';
import { DEFAULT_OPAQUE_PORTS } from '../opaque-ports.js';

/** How the destination service describes meshed endpoints; Linkerd's destination flags. */
export interface MeshSettings {
  /** The cluster's DNS domain (`-cluster-domain`, default `cluster.local`). */
  readonly clusterDomain: string;
  /** The identity trust domain (`-identity-trust-domain`, default `cluster.local`); '' disables identities. */
  readonly identityTrustDomain: string;
  /** The control plane's namespace: pods labelled `linkerd.io/control-plane-ns` with it get identities. */
  readonly controllerNamespace: string;
  /** Hint H2 for meshed endpoints (`-enable-h2-upgrade`, default true). */
  readonly enableH2Upgrade: boolean;
  /** Ports treated as opaque when a pod or Service has no `opaque-ports` annotation. */
  readonly defaultOpaquePorts: PortSet;
  /** Serve IPv6 endpoints (preferred for dual-stack pods); default true. */
  readonly enableIpv6: boolean;
  /** `WeightedAddr.http2` for meshed endpoints; `undefined` sends none. */
  readonly meshedHttp2ClientParams: destination.Http2ClientParams.$Properties | undefined;
}

/** Overrides for {@link meshSettings}. */
export type MeshSettingsInput = Partial<Omit<MeshSettings, 'defaultOpaquePorts'>> & {
  /** A port list such as `25,3306,8000-8100`, or a PortSet. */
  readonly defaultOpaquePorts?: string | PortSet;
};

/** The keep-alive Linkerd's chart configures for meshed HTTP/2 clients: every 10 s, 3 s timeout, also while idle. */
export function defaultMeshedHttp2ClientParams(): destination.Http2ClientParams.$Properties {
  return {
    keepAlive: { interval: durationFromMillis(10_000), timeout: durationFromMillis(3_000), whileIdle: true },
  };
}

/**
 * Fills in Linkerd's defaults.
 * @throws {ConfigError} naming the setting when a value is invalid.
 */
export function meshSettings(input: MeshSettingsInput = {}): MeshSettings {
  const clusterDomain = (input.clusterDomain ?? 'cluster.local').replace(/\.$/, '').toLowerCase();
  if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/.test(clusterDomain)) {
    throw new ConfigError('clusterDomain', clusterDomain, 'a DNS domain such as cluster.local');
  }
  const opaque = input.defaultOpaquePorts ?? DEFAULT_OPAQUE_PORTS;
  return {
    clusterDomain,
    identityTrustDomain: input.identityTrustDomain ?? 'cluster.local',
    controllerNamespace: input.controllerNamespace ?? 'linkerd',
    enableH2Upgrade: input.enableH2Upgrade ?? true,
    defaultOpaquePorts: typeof opaque === 'string' ? parsePortSet(opaque, 'defaultOpaquePorts') : opaque,
    enableIpv6: input.enableIpv6 ?? true,
    meshedHttp2ClientParams:
      'meshedHttp2ClientParams' in input ? input.meshedHttp2ClientParams : defaultMeshedHttp2ClientParams(),
  };
}

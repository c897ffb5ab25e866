import { ConfigError, type NetworkSet, parseNetworkSet } from '@skein/core';
import type { DefaultPolicyName } from './inbound-policy.js';

/** The names `config.linkerd.io/default-inbound-policy` and `accessPolicy` accept. */
export const DEFAULT_POLICY_NAMES: readonly DefaultPolicyName[] = [
  'all-unauthenticated',
  'all-authenticated',
  'cluster-unauthenticated',
  'cluster-authenticated',
  'deny',
  'audit',
];

/** Linkerd's default `clusterNetworks`. */
export const DEFAULT_CLUSTER_NETWORKS = '10.0.0.0/8,100.64.0.0/10,172.16.0.0/12,192.168.0.0/16,fd00::/8';

/** How the policy controller builds policies; Linkerd's policy-controller flags. */
export interface PolicySettings {
  /** The identity trust domain (`--identity-domain`, default `cluster.local`). */
  readonly identityTrustDomain: string;
  /** The control plane's namespace, part of every identity (default `linkerd`). */
  readonly controllerNamespace: string;
  /** `--cluster-networks`: the `cluster-*` defaults, and ServerAuthorizations without networks. */
  readonly clusterNetworks: NetworkSet;
  /** `--probe-networks` (default everything): who may call a pod's HTTP probe paths. */
  readonly probeNetworks: NetworkSet;
  /** `--default-policy`: ports no Server selects, unless the pod's annotation says otherwise. */
  readonly defaultPolicy: DefaultPolicyName;
  /** `--default-detect-timeout` in ms (default 10 s): the `detect` protocol's timeout. */
  readonly detectTimeoutMs: number;
}

/** Overrides for {@link policySettings}; networks may be given as text (`10.0.0.0/8,fd00::/8`). */
export type PolicySettingsInput = Partial<Omit<PolicySettings, 'clusterNetworks' | 'probeNetworks'>> & {
  readonly clusterNetworks?: string | NetworkSet;
  readonly probeNetworks?: string | NetworkSet;
};

/** True for a name of {@link DEFAULT_POLICY_NAMES}. */
export function isDefaultPolicyName(value: unknown): value is DefaultPolicyName {
  return typeof value === 'string' && (DEFAULT_POLICY_NAMES as readonly string[]).includes(value);
}

/**
 * Fills in Linkerd's defaults.
 * @throws {ConfigError} naming the setting when a value is invalid.
 */
export function policySettings(input: PolicySettingsInput = {}): PolicySettings {
  const nets = (v: string | NetworkSet | undefined, name: string, def: string) =>
    v === undefined ? parseNetworkSet(def, name) : typeof v === 'string' ? parseNetworkSet(v, name) : v;
  const defaultPolicy = input.defaultPolicy ?? 'all-unauthenticated';
  if (!isDefaultPolicyName(defaultPolicy)) {
    throw new ConfigError(
      'defaultPolicy',
      String(defaultPolicy),
      `one of ${DEFAULT_POLICY_NAMES.join(', ')}`,
    );
  }
  const detectTimeoutMs = input.detectTimeoutMs ?? 10_000;
  if (!Number.isInteger(detectTimeoutMs) || detectTimeoutMs <= 0) {
    throw new ConfigError(
      'detectTimeoutMs',
      String(detectTimeoutMs),
      'a positive whole number of milliseconds',
    );
  }
  return {
    identityTrustDomain: (input.identityTrustDomain ?? 'cluster.local').replace(/\.$/, ''),
    controllerNamespace: input.controllerNamespace ?? 'linkerd',
    clusterNetworks: nets(input.clusterNetworks, 'clusterNetworks', DEFAULT_CLUSTER_NETWORKS),
    probeNetworks: nets(input.probeNetworks, 'probeNetworks', '0.0.0.0/0,::/0'),
    defaultPolicy,
    detectTimeoutMs,
  };
}

/** `<sa>.<ns>.serviceaccount.identity.<controller-ns>.<trust-domain>`: a service account's mTLS identity. */
export function serviceAccountIdentity(settings: PolicySettings, namespace: string, name: string): string {
  return `${name}.${namespace}.serviceaccount.identity.${settings.controllerNamespace}.${settings.identityTrustDomain}`;
}

import {
  AggregateConfigError,
  ConfigError,
  type HostPort,
  isDnsName,
  type LogFormat,
  parseBool,
  parseEnum,
  parseNetworkSet,
  parsePortSet,
  parseSocketAddr,
  readFlags,
} from '@skein/core';
import {
  DEFAULT_CLUSTER_NETWORKS,
  DEFAULT_POLICY_NAMES,
  type DefaultPolicyName,
  isDefaultPolicyName,
} from '@skein/discovery';
import type { MeshSettingsInput, PolicySettingsInput } from '@skein/discovery/server';

/** Where the destination service gets its answers. */
export type SourceConfig =
  | { readonly kind: 'kubernetes'; readonly kubeconfig: string | undefined }
  | { readonly kind: 'static'; readonly file: string };

/** The destination app's configuration, from flags and environment. */
export interface DestinationAppConfig {
  /** gRPC listen address (`-addr`, default `:8086`). */
  readonly addr: HostPort;
  /** Admin listen address: `/metrics`, `/ping`, `/live`, `/ready` (`-admin-addr`, default `:9996`). */
  readonly adminAddr: HostPort;
  /** Inbound policy API (`InboundServerPolicies`) listen address (`-policy-addr`, default `:8090`). */
  readonly policyAddr: HostPort;
  readonly source: SourceConfig;
  readonly mesh: MeshSettingsInput;
  /** How policies are built: default policy, cluster networks, trust domain, control plane namespace. */
  readonly policy: PolicySettingsInput;
  /** EnvFilter (`-log-level`, `SKEIN_DESTINATION_LOG`, default `info`). */
  readonly logFilter: string;
  readonly logFormat: LogFormat;
}

/** Flags, their environment variables, and their help. */
const FLAGS = {
  addr: ['SKEIN_DESTINATION_ADDR', 'gRPC listen address', ':8086'],
  'admin-addr': ['SKEIN_DESTINATION_ADMIN_ADDR', 'admin listen address (metrics, health)', ':9996'],
  'policy-addr': ['SKEIN_DESTINATION_POLICY_ADDR', 'inbound policy API listen address', ':8090'],
  kubeconfig: ['KUBECONFIG', 'kubeconfig file (default: in-cluster config, then ~/.kube/config)', undefined],
  'static-file': [
    'SKEIN_DESTINATION_STATIC_FILE',
    'serve this discovery file instead of Kubernetes',
    undefined,
  ],
  'cluster-domain': ['SKEIN_DESTINATION_CLUSTER_DOMAIN', 'cluster DNS domain', 'cluster.local'],
  'identity-trust-domain': [
    'SKEIN_DESTINATION_IDENTITY_TRUST_DOMAIN',
    'identity trust domain',
    'cluster.local',
  ],
  'controller-namespace': ['SKEIN_DESTINATION_CONTROLLER_NAMESPACE', 'control plane namespace', 'linkerd'],
  'default-opaque-ports': [
    'SKEIN_DESTINATION_DEFAULT_OPAQUE_PORTS',
    'ports opaque by default',
    '25,587,3306,4444,5432,6379,9300,11211',
  ],
  'enable-h2-upgrade': ['SKEIN_DESTINATION_ENABLE_H2_UPGRADE', 'hint H2 for meshed endpoints', 'true'],
  'enable-ipv6': ['SKEIN_DESTINATION_ENABLE_IPV6', 'serve IPv6 endpoints', 'true'],
  'default-policy': [
    'SKEIN_DESTINATION_DEFAULT_POLICY',
    'inbound policy of ports no Server selects',
    'all-unauthenticated',
  ],
  'cluster-networks': [
    'SKEIN_DESTINATION_CLUSTER_NETWORKS',
    'cluster networks (cluster-* policies)',
    DEFAULT_CLUSTER_NETWORKS,
  ],
  'log-level': ['SKEIN_DESTINATION_LOG', 'log filter (EnvFilter syntax)', 'info'],
  'log-format': ['SKEIN_DESTINATION_LOG_FORMAT', 'plain or json', 'plain'],
} as const satisfies Record<string, readonly [string, string, string | undefined]>;

type Flag = keyof typeof FLAGS;

/** The usage text. */
export function usage(): string {
  const lines = Object.entries(FLAGS).map(
    ([flag, [env, help, def]]) =>
      `  -${flag.padEnd(22)} ${help} [$${env}]${def === undefined ? '' : ` (default ${def})`}`,
  );
  return `usage: skein-destination [flags]\n${lines.join('\n')}\n`;
}

/** A Go-style listen address (`:8086` means every IPv4 interface). */
function listenAddr(text: string, variable: string): HostPort {
  if (!text.startsWith(':')) return parseSocketAddr(text, variable);
  try {
    return parseSocketAddr(`0.0.0.0${text}`, variable);
  } catch (err) {
    throw new ConfigError(variable, text, `${(err as ConfigError).expected}, or :PORT for every interface`);
  }
}

/**
 * Reads the configuration: each flag (`-flag=value`, `--flag value`; Linkerd's single dash is
 * accepted) overrides its environment variable, which overrides the default.
 *
 * @throws {ConfigError} for unknown flags; {@link AggregateConfigError} listing every bad value.
 */
export function readConfig(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): DestinationAppConfig {
  const flags = readFlags(FLAGS, argv, env, { prefix: '-' });
  const raw = flags.raw;
  const read = <T>(flag: Flag, parse: (text: string, name: string) => T): T | undefined =>
    flags.read<T | undefined>(flag, parse, undefined);
  const addr = read('addr', listenAddr);
  const adminAddr = read('admin-addr', listenAddr);
  const policyAddr = read('policy-addr', listenAddr);
  const file = raw('static-file')[0];
  const dnsName = (t: string, n: string) => {
    if (!isDnsName(t)) throw new ConfigError(n, t, 'a DNS name such as cluster.local');
    return t;
  };
  const mesh: MeshSettingsInput = {
    clusterDomain: read('cluster-domain', dnsName) ?? 'cluster.local',
    identityTrustDomain: read('identity-trust-domain', dnsName) ?? 'cluster.local',
    controllerNamespace: read('controller-namespace', dnsName) ?? 'linkerd',
    defaultOpaquePorts: read('default-opaque-ports', (t, n) => {
      parsePortSet(t, n);
      return t;
    }),
    enableH2Upgrade: read('enable-h2-upgrade', parseBool) ?? true,
    enableIpv6: read('enable-ipv6', parseBool) ?? true,
  };
  const defaultPolicy = read('default-policy', (t, n): DefaultPolicyName => {
    if (!isDefaultPolicyName(t)) throw new ConfigError(n, t, `one of ${DEFAULT_POLICY_NAMES.join(', ')}`);
    return t;
  });
  const clusterNetworks = read('cluster-networks', (t, n) => {
    parseNetworkSet(t, n);
    return t;
  });
  const logFormat = read('log-format', (t, n) => parseEnum(t, ['plain', 'json'] as const, n));
  flags.finish();
  return {
    addr: addr!,
    adminAddr: adminAddr!,
    policyAddr: policyAddr!,
    source:
      file === undefined
        ? { kind: 'kubernetes', kubeconfig: raw('kubeconfig')[0] }
        : { kind: 'static', file },
    mesh,
    policy: {
      identityTrustDomain: mesh.identityTrustDomain ?? 'cluster.local',
      controllerNamespace: mesh.controllerNamespace ?? 'linkerd',
      defaultPolicy: defaultPolicy ?? 'all-unauthenticated',
      clusterNetworks: clusterNetworks ?? DEFAULT_CLUSTER_NETWORKS,
    },
    logFilter: raw('log-level')[0]!,
    logFormat: logFormat ?? 'plain',
  };
}

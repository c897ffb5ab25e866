import {
  AggregateConfigError,
  ConfigError,
  type HostPort,
  parseBool,
  parseSocketAddr,
  readFlags,
} from '@skein/core';
import { DEFAULT_TAP_IGNORED_HEADERS } from '@skein/tap';

/** The tap app's configuration, from flags and environment. */
export interface TapAppConfig {
  /** Listen address (`--addr`, default `127.0.0.1:8088`; `:8088` for every interface). */
  readonly addr: HostPort;
  /** Static inventory file; without it, the Kubernetes API (and SubjectAccessReview). */
  readonly inventoryFile: string | undefined;
  /** Static discovery file merged into the inventory. */
  readonly discoveryFile: string | undefined;
  /** kubeconfig. */
  readonly kubeconfig: string | undefined;
  /** With Kubernetes, only pods meshed by the control plane of this namespace can be tapped. */
  readonly controllerNamespace: string | undefined;
  /** Users allowed to tap with a static inventory (`*` = everyone). */
  readonly tapAllowUsers: readonly string[];
  /** Take the caller from X-Remote-User/Group. */
  readonly trustRemoteUserHeaders: boolean;
  /** Header names never passed on (`tap.ignoredHeaders`). */
  readonly ignoredHeaders: readonly string[];
  /** Log filter and format. */
  readonly logFilter: string;
  readonly logFormat: 'plain' | 'json';
}

const FLAGS = {
  addr: ['SKEIN_TAP_ADDR', 'listen address (:PORT for every interface)', '127.0.0.1:8088'],
  inventory: ['SKEIN_TAP_INVENTORY', 'static inventory file; default: Kubernetes', undefined],
  'discovery-file': [
    'SKEIN_TAP_DISCOVERY_FILE',
    'static discovery file merged into the inventory',
    undefined,
  ],
  kubeconfig: ['KUBECONFIG', 'kubeconfig (default: in-cluster, then ~/.kube/config)', undefined],
  'controller-namespace': [
    'SKEIN_TAP_CONTROLLER_NAMESPACE',
    'control plane namespace: with Kubernetes, only pods it meshed can be tapped (default: any control plane)',
    undefined,
  ],
  'tap-allow-users': [
    'SKEIN_TAP_ALLOW_USERS',
    'users allowed to tap with a static inventory (comma list, * = all)',
    '*',
  ],
  'trust-remote-user-headers': [
    'SKEIN_TAP_TRUST_REMOTE_USER_HEADERS',
    'take the caller from X-Remote-User/Group',
    'false',
  ],
  'ignore-headers': [
    'SKEIN_TAP_IGNORE_HEADERS',
    'header names never shown (comma list)',
    DEFAULT_TAP_IGNORED_HEADERS.join(','),
  ],
  'log-level': ['SKEIN_TAP_LOG', 'log filter', 'info'],
  'log-format': ['SKEIN_TAP_LOG_FORMAT', 'plain or json', 'plain'],
} as const satisfies Record<string, readonly [string, string, string | undefined]>;

/** The usage text. */
export function usage(): string {
  const lines = Object.entries(FLAGS).map(
    ([flag, [env, help, def]]) =>
      `  --${flag.padEnd(26)} ${help} [$${env}]${def === undefined ? '' : ` (default ${def})`}`,
  );
  return `usage: skein-tap [flags]\n${lines.join('\n')}\n`;
}

/**
 * Reads the configuration: a flag overrides its environment variable, which overrides the default.
 * @throws {ConfigError} for unknown flags; {@link AggregateConfigError} listing bad values.
 */
export function readConfig(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): TapAppConfig {
  const flags = readFlags(FLAGS, argv, env);
  const { raw, read, list } = flags;
  const config: TapAppConfig = {
    addr: read('addr', (t, n) => parseSocketAddr(t.startsWith(':') ? `0.0.0.0${t}` : t, n), {
      host: '127.0.0.1',
      port: 8088,
      family: 'ipv4',
    } as HostPort),
    inventoryFile: raw('inventory')[0],
    discoveryFile: raw('discovery-file')[0],
    kubeconfig: raw('kubeconfig')[0],
    controllerNamespace: raw('controller-namespace')[0],
    tapAllowUsers: list('tap-allow-users'),
    trustRemoteUserHeaders: read('trust-remote-user-headers', parseBool, false),
    ignoredHeaders: list('ignore-headers'),
    logFilter: raw('log-level')[0] ?? 'info',
    logFormat: read(
      'log-format',
      (t, n) => {
        if (t !== 'plain' && t !== 'json') throw new ConfigError(n, t, 'plain or json');
        return t;
      },
      'plain' as 'plain' | 'json',
    ),
  };
  if (config.discoveryFile !== undefined && config.inventoryFile === undefined) {
    flags.report(new ConfigError('--discovery-file', config.discoveryFile, 'to be used with --inventory'));
  }
  flags.finish();
  return config;
}

import {
  AggregateConfigError,
  ConfigError,
  type HostPort,
  parseBool,
  parseDuration,
  parseSocketAddr,
  readFlags,
} from '@skein/core';

/** The controller app's configuration, from flags and environment. */
export interface ControllerAppConfig {
  /** API listen address (`--addr`, default `127.0.0.1:8085`; `:8085` for every interface). */
  readonly addr: HostPort;
  /** Static inventory file; without it, the Kubernetes API. */
  readonly inventoryFile: string | undefined;
  /** A static discovery file merged into the static inventory. */
  readonly discoveryFile: string | undefined;
  /** kubeconfig for the Kubernetes inventory and SubjectAccessReview. */
  readonly kubeconfig: string | undefined;
  /** With Kubernetes, only pods meshed by the control plane of this namespace can be tapped. */
  readonly controllerNamespace: string | undefined;
  /** Prometheus base URL; without it, the built-in scraper. */
  readonly prometheusUrl: string | undefined;
  /** Built-in scraper interval, ms. */
  readonly scrapeIntervalMs: number;
  /** Users allowed to tap with the static policy (`*` = everyone); Kubernetes uses SubjectAccessReview. */
  readonly tapAllowUsers: readonly string[];
  /** Trust X-Remote-User/X-Remote-Group (behind the Kubernetes API aggregation layer only). */
  readonly trustRemoteUserHeaders: boolean;
  /** Advertise this controller in the local mesh state file. */
  readonly advertiseLocal: boolean;
  /** Log filter. */
  readonly logFilter: string;
  /** Log format. */
  readonly logFormat: 'plain' | 'json';
}

const FLAGS = {
  addr: ['SKEIN_CONTROLLER_ADDR', 'API listen address (:PORT for every interface)', '127.0.0.1:8085'],
  inventory: [
    'SKEIN_CONTROLLER_INVENTORY',
    'static inventory file (pods, proxies, services); default: Kubernetes',
    undefined,
  ],
  'discovery-file': [
    'SKEIN_CONTROLLER_DISCOVERY_FILE',
    'static discovery file merged into the inventory',
    undefined,
  ],
  kubeconfig: ['KUBECONFIG', 'kubeconfig (default: in-cluster, then ~/.kube/config)', undefined],
  'controller-namespace': [
    'SKEIN_CONTROLLER_CONTROLLER_NAMESPACE',
    'control plane namespace: with Kubernetes, only pods it meshed can be tapped (default: any control plane)',
    undefined,
  ],
  'prometheus-url': [
    'SKEIN_CONTROLLER_PROMETHEUS_URL',
    'query this Prometheus; default: the built-in scraper',
    undefined,
  ],
  'scrape-interval': ['SKEIN_CONTROLLER_SCRAPE_INTERVAL', 'built-in scraper interval', '10s'],
  'tap-allow-users': [
    'SKEIN_CONTROLLER_TAP_ALLOW_USERS',
    'users allowed to tap with a static inventory (comma list, * = all)',
    '*',
  ],
  'trust-remote-user-headers': [
    'SKEIN_CONTROLLER_TRUST_REMOTE_USER_HEADERS',
    'take the caller from X-Remote-User/Group',
    'false',
  ],
  'advertise-local': [
    'SKEIN_CONTROLLER_ADVERTISE_LOCAL',
    'write the local mesh state file (default: with a static inventory)',
    undefined,
  ],
  'log-level': ['SKEIN_CONTROLLER_LOG', 'log filter', 'info'],
  'log-format': ['SKEIN_CONTROLLER_LOG_FORMAT', 'plain or json', 'plain'],
} as const satisfies Record<string, readonly [string, string, string | undefined]>;

/** The usage text. */
export function usage(): string {
  const lines = Object.entries(FLAGS).map(
    ([flag, [env, help, def]]) =>
      `  --${flag.padEnd(26)} ${help} [$${env}]${def === undefined ? '' : ` (default ${def})`}`,
  );
  return `usage: skein-controller [flags]\n${lines.join('\n')}\n`;
}

function listenAddr(text: string, variable: string): HostPort {
  return parseSocketAddr(text.startsWith(':') ? `0.0.0.0${text}` : text, variable);
}

/**
 * Reads the configuration: a flag overrides its environment variable, which overrides the
 * default. Every bad value is reported at once.
 * @throws {ConfigError} for unknown flags; {@link AggregateConfigError} listing bad values.
 */
export function readConfig(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): ControllerAppConfig {
  const flags = readFlags(FLAGS, argv, env);
  const { raw, read } = flags;
  const inventoryFile = raw('inventory')[0];
  const prometheusUrl = read(
    'prometheus-url',
    (t, n) => {
      if (!/^https?:\/\/[^/]+/.test(t)) throw new ConfigError(n, t, 'an http:// or https:// URL');
      return t;
    },
    undefined as string | undefined,
  );
  const scrapeIntervalMs = read(
    'scrape-interval',
    (t, n) => {
      const ms = parseDuration(t, n);
      if (ms < 100) throw new ConfigError(n, t, 'a duration of at least 100ms');
      return ms;
    },
    10_000,
  );
  const logFormat = read(
    'log-format',
    (t, n) => {
      if (t !== 'plain' && t !== 'json') throw new ConfigError(n, t, 'plain or json');
      return t as 'plain' | 'json';
    },
    'plain' as const,
  );
  const config: ControllerAppConfig = {
    addr: read('addr', listenAddr, { host: '127.0.0.1', port: 8085, family: 'ipv4' } as HostPort),
    inventoryFile,
    discoveryFile: raw('discovery-file')[0],
    kubeconfig: raw('kubeconfig')[0],
    controllerNamespace: raw('controller-namespace')[0],
    prometheusUrl,
    scrapeIntervalMs,
    tapAllowUsers: (raw('tap-allow-users')[0] ?? '*')
      .split(',')
      .map((u) => u.trim())
      .filter((u) => u !== ''),
    trustRemoteUserHeaders: read('trust-remote-user-headers', parseBool, false),
    advertiseLocal: read('advertise-local', parseBool, inventoryFile !== undefined),
    logFilter: raw('log-level')[0] ?? 'info',
    logFormat,
  };
  if (config.discoveryFile !== undefined && inventoryFile === undefined) {
    flags.report(
      new ConfigError(
        '--discovery-file',
        config.discoveryFile,
        'to be used with --inventory (a static inventory)',
      ),
    );
  }
  flags.finish();
  return config;
}

import { Command, InvalidArgumentError, Option } from 'commander';

/** The heartbeat's settings, from flags and `SKEIN_HEARTBEAT_*` environment variables. */
export interface HeartbeatOptions {
  /** Control-plane namespace. */
  readonly controllerNamespace: string;
  /** Where the report is sent (GET with query parameters). */
  readonly url: string;
  /** Prometheus to read the mesh's figures from; none means cluster figures only. */
  readonly prometheusUrl?: string;
  /** Kubeconfig; in-cluster or the default loading rules when absent. */
  readonly kubeconfig?: string;
  /** Timeout of each request (ms). */
  readonly timeout: number;
  /** Log filter. */
  readonly logLevel: string;
  /** `plain` or `json`. */
  readonly logFormat: 'plain' | 'json';
}

function positiveMs(value: string): number {
  const m = /^(\d+)(ms|s)$/.exec(value);
  if (m === null || Number(m[1]) <= 0)
    throw new InvalidArgumentError('expected a duration such as 10s or 500ms');
  return Number(m[1]) * (m[2] === 's' ? 1000 : 1);
}

function httpUrl(value: string): string {
  if (!/^https?:\/\/\S+$/.test(value)) throw new InvalidArgumentError('expected an http(s) URL');
  return value;
}

/** Parses the command line; commander reports bad flags and exits with code 2 (set by the caller). */
export function parseOptions(argv: readonly string[], version: string): HeartbeatOptions {
  const env = (name: string) => `SKEIN_HEARTBEAT_${name}`;
  const program = new Command('skein-heartbeat')
    .description(
      'Sends the daily heartbeat of a Skein control plane: versions, meshed pods, request volume and latency.',
    )
    .version(version)
    .exitOverride()
    .addOption(
      new Option('--controller-namespace <namespace>', 'control-plane namespace')
        .env('LINKERD_NAMESPACE')
        .default('linkerd'),
    )
    .addOption(
      new Option('--url <url>', 'where the report is sent')
        .env(env('URL'))
        .argParser(httpUrl)
        .default('https://versioncheck.linkerd.io/version.json'),
    )
    .addOption(
      new Option('--prometheus-url <url>', 'Prometheus to read figures from')
        .env(env('PROMETHEUS_URL'))
        .argParser(httpUrl),
    )
    .addOption(
      new Option('--kubeconfig <file>', 'kubeconfig (default: in-cluster, then $KUBECONFIG)').env(
        'KUBECONFIG',
      ),
    )
    .addOption(
      new Option('--timeout <duration>', 'timeout of each request')
        .env(env('TIMEOUT'))
        .argParser(positiveMs)
        .default(10_000, '10s'),
    )
    .addOption(new Option('--log-level <filter>', 'log filter').env(env('LOG_LEVEL')).default('info'))
    .addOption(
      new Option('--log-format <format>', 'log format')
        .choices(['plain', 'json'])
        .env(env('LOG_FORMAT'))
        .default('plain'),
    );
  program.parse(argv, { from: 'user' });
  return program.opts<HeartbeatOptions>();
}

import {
  AggregateConfigError,
  ConfigError,
  formatAddr,
  type HostPort,
  parseAddr,
  parseDuration,
  parseSocketAddr,
  readFlags,
} from '@skein/core';
import { type ControllerTarget, controllerUrl } from './controller-target.js';
import { DEFAULT_ENFORCED_HOST } from './dashboard-server.js';

/** `skein-web`'s configuration, from flags and environment. */
export interface WebConfig {
  /** Listen address (`--addr`, default `127.0.0.1:8084`; `:8084` for every interface). */
  readonly addr: HostPort;
  /** The controller given by `--api-addr`/`SKEIN_WEB_API_ADDR`; undefined: the local mesh, else the default. */
  readonly controller: ControllerTarget | undefined;
  /** Grafana's base URL for links. */
  readonly grafanaUrl: string | undefined;
  /** How often pages poll, ms. */
  readonly refreshIntervalMs: number;
  /** Allowed Host headers; null allows any. */
  readonly enforcedHost: RegExp | null;
  /** Log filter. */
  readonly logFilter: string;
  /** Log format. */
  readonly logFormat: 'plain' | 'json';
}

/** The controller used when neither a flag nor a local mesh names one. */
export const DEFAULT_CONTROLLER: ControllerTarget = {
  url: 'http://127.0.0.1:8085',
  origin: 'the default (no --api-addr, SKEIN_WEB_API_ADDR or local mesh)',
};

const FLAGS = {
  addr: ['SKEIN_WEB_ADDR', 'listen address (:PORT for every interface)', '127.0.0.1:8084'],
  'api-addr': [
    'SKEIN_WEB_API_ADDR',
    'the controller API, host:port or URL, also $SKEIN_WEB_API_URL (default: the local mesh, else 127.0.0.1:8085)',
    undefined,
  ],
  'grafana-url': ['SKEIN_WEB_GRAFANA_URL', "Grafana's URL, for links to the Skein dashboards", undefined],
  'refresh-interval': ['SKEIN_WEB_REFRESH_INTERVAL', 'how often pages poll the controller', '2s'],
  'enforced-host': [
    'SKEIN_WEB_ENFORCED_HOST',
    'regular expression of the Host headers to answer (.* for any)',
    DEFAULT_ENFORCED_HOST.source,
  ],
  'log-level': ['SKEIN_WEB_LOG', 'log filter', 'info'],
  'log-format': ['SKEIN_WEB_LOG_FORMAT', 'plain or json', 'plain'],
} as const satisfies Record<string, readonly [string, string, string | undefined]>;

type Flag = keyof typeof FLAGS;

// `skein install` renders the dashboard with SKEIN_WEB_API_URL.
const ENV_ALIASES: Partial<Record<Flag, readonly string[]>> = { 'api-addr': ['SKEIN_WEB_API_URL'] };

/** The usage text. */
export function usage(): string {
  const lines = Object.entries(FLAGS).map(
    ([flag, [env, help, def]]) =>
      `  --${flag.padEnd(18)} ${help} [$${env}]${def === undefined ? '' : ` (default ${def})`}`,
  );
  return `usage: skein-web [flags]\n${lines.join('\n')}\n`;
}

function parseUrl(text: string, name: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ConfigError(name, text, 'an http:// or https:// URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new ConfigError(name, text, 'an http:// or https:// URL');
  return text.replace(/\/+$/, '');
}

function parseController(text: string, name: string): string {
  if (/^https?:\/\//.test(text)) return parseUrl(text, name);
  const addr = parseAddr(text, name);
  if (addr.port === 0) throw new ConfigError(name, text, 'host:port with a port other than 0');
  return controllerUrl(formatAddr(addr));
}

/**
 * Reads the configuration: a flag overrides its environment variable, which overrides the
 * default. Every bad value is reported at once.
 * @throws {ConfigError} for unknown flags; {@link AggregateConfigError} listing bad values.
 */
export function readWebConfig(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): WebConfig {
  const flags = readFlags(FLAGS, argv, env, { envAliases: ENV_ALIASES });
  const { raw, read } = flags;
  const [, apiOrigin] = raw('api-addr');
  const apiUrl = read('api-addr', parseController, undefined as string | undefined);
  const config: WebConfig = {
    addr: read('addr', (t, n) => parseSocketAddr(t.startsWith(':') ? `0.0.0.0${t}` : t, n), {
      host: '127.0.0.1',
      port: 8084,
      family: 'ipv4',
    } as HostPort),
    controller: apiUrl === undefined ? undefined : { url: apiUrl, origin: apiOrigin },
    grafanaUrl: read('grafana-url', parseUrl, undefined as string | undefined),
    refreshIntervalMs: read(
      'refresh-interval',
      (t, n) => {
        const ms = parseDuration(t, n);
        if (ms < 250 || ms > 60_000) throw new ConfigError(n, t, 'a duration between 250ms and 1m');
        return ms;
      },
      2000,
    ),
    enforcedHost: read(
      'enforced-host',
      (t, n) => {
        if (t === '.*') return null;
        try {
          return new RegExp(t);
        } catch (err) {
          throw new ConfigError(n, t, `a regular expression (${(err as Error).message})`);
        }
      },
      DEFAULT_ENFORCED_HOST as RegExp | null,
    ),
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
  flags.finish();
  return config;
}

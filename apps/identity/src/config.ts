import { parseArgs } from 'node:util';
import { AggregateConfigError, ConfigError, parseAddr, parseDuration } from '@skein/core';

/** The identity service's settings, from flags (first) and `SKEIN_IDENTITY_*` env. */
export interface IdentityAppConfig {
  /** Certify listen address. */
  addr: string;
  /** Admin (metrics, health) listen address. */
  adminAddr: string;
  /** Mounted issuer Secret. */
  issuerDir: string;
  /** Trust anchors PEM: inline text, or read from `trustAnchorsFile`. */
  trustAnchorsPem: string | undefined;
  trustAnchorsFile: string;
  trustDomain: string;
  controllerNamespace: string;
  issuanceLifetimeMs: number;
  clockSkewMs: number;
  issuerPollMs: number;
  /** Static token file (local mesh); TokenReview when unset. */
  staticTokensFile: string | undefined;
  /** Kubeconfig path; in-cluster or the default loading rules when unset. */
  kubeconfig: string | undefined;
  logFilter: string;
  logFormat: 'plain' | 'json';
}

/** Flags: environment variable, help text, default (`undefined`: unset). */
const FLAGS = {
  addr: {
    type: 'string',
    env: 'SKEIN_IDENTITY_ADDR',
    help: 'Certify (gRPC) listen address',
    default: '0.0.0.0:8080',
  },
  'admin-addr': {
    type: 'string',
    env: 'SKEIN_IDENTITY_ADMIN_ADDR',
    help: 'admin listen address (/metrics, /ready, /live, /ping)',
    default: '0.0.0.0:9990',
  },
  'issuer-dir': {
    type: 'string',
    env: 'SKEIN_IDENTITY_ISSUER_DIR',
    help: 'directory of the issuer certificate and key (crt.pem/key.pem or tls.crt/tls.key), reloaded on change',
    default: '/var/run/linkerd/identity/issuer',
  },
  'trust-anchors-file': {
    type: 'string',
    env: 'SKEIN_IDENTITY_TRUST_ANCHORS_FILE',
    help: 'trust anchors PEM file the issuer must chain to',
    default: '/var/run/linkerd/identity/trust-roots/ca-bundle.crt',
  },
  'trust-domain': {
    type: 'string',
    env: 'SKEIN_IDENTITY_TRUST_DOMAIN',
    help: 'identity trust domain (the last labels of every issued name)',
    default: 'cluster.local',
  },
  'controller-namespace': {
    type: 'string',
    env: 'SKEIN_IDENTITY_CONTROLLER_NAMESPACE',
    help: 'control plane namespace (in <sa>.<ns>.serviceaccount.identity.<namespace>.<trust domain>)',
    default: 'linkerd',
  },
  'issuance-lifetime': {
    type: 'string',
    env: 'SKEIN_IDENTITY_ISSUANCE_LIFETIME',
    help: 'lifetime of issued certificates (a duration greater than 0)',
    default: '24h',
  },
  'clock-skew-allowance': {
    type: 'string',
    env: 'SKEIN_IDENTITY_CLOCK_SKEW_ALLOWANCE',
    help: "allowance for clock differences, added to both ends of a certificate's validity",
    default: '20s',
  },
  'issuer-poll-interval': {
    type: 'string',
    env: 'SKEIN_IDENTITY_ISSUER_POLL_INTERVAL',
    help: 'how often the issuer directory is re-read (file events also trigger a reload)',
    default: '5s',
  },
  'static-tokens-file': {
    type: 'string',
    env: 'SKEIN_IDENTITY_STATIC_TOKENS_FILE',
    help: 'tokens file, one "<token> <namespace>/<serviceaccount>" per line, instead of TokenReview',
    default: undefined,
  },
  kubeconfig: {
    type: 'string',
    env: 'KUBECONFIG',
    help: 'kubeconfig for TokenReview (default: in-cluster config, then ~/.kube/config)',
    default: undefined,
  },
  log: { type: 'string', env: 'SKEIN_IDENTITY_LOG', help: 'log filter (EnvFilter syntax)', default: 'info' },
  'log-format': { type: 'string', env: 'SKEIN_IDENTITY_LOG_FORMAT', help: 'plain or json', default: 'plain' },
} as const;

type FlagName = keyof typeof FLAGS;

/** Usage text for `--help`: every flag with its help, variable and default. */
export function usage(): string {
  const lines = Object.entries(FLAGS).map(
    ([name, f]) =>
      `  --${name.padEnd(22)} ${f.help} [$${f.env}]${f.default === undefined ? '' : ` (default ${f.default})`}`,
  );
  return [
    'skein-identity: Linkerd-compatible identity service (Certify)',
    '',
    'usage: skein-identity [flags]',
    ...lines,
    '  SKEIN_IDENTITY_TRUST_ANCHORS_PEM (env only): inline trust anchors PEM, used instead of --trust-anchors-file',
    '',
  ].join('\n');
}

/**
 * Reads the configuration from `argv` and `env`. Every bad value is reported at once.
 * @throws `AggregateConfigError` / `ConfigError` naming each flag or variable, the value and the expected form.
 */
export function readConfig(
  argv: readonly string[],
  env: Record<string, string | undefined>,
): IdentityAppConfig {
  const options = Object.fromEntries(Object.keys(FLAGS).map((k) => [k, { type: 'string' as const }]));
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({ args: [...argv], options, strict: true, allowPositionals: false }).values as Record<
      string,
      string | undefined
    >;
  } catch (err) {
    throw new ConfigError('arguments', argv.join(' '), `known flags only (${(err as Error).message})`);
  }
  const errors: ConfigError[] = [];
  const raw = (name: FlagName): { value: string | undefined; source: string } => {
    const flag = values[name];
    if (typeof flag === 'string') return { value: flag, source: `--${name}` };
    const fromEnv = env[FLAGS[name].env];
    if (fromEnv !== undefined && fromEnv !== '') return { value: fromEnv, source: FLAGS[name].env };
    return { value: FLAGS[name].default, source: `--${name}` };
  };
  const text = (name: FlagName) => raw(name).value;
  const checked = <T>(name: FlagName, parse: (v: string, source: string) => T, fallback: T): T => {
    const { value, source } = raw(name);
    if (value === undefined) return fallback;
    try {
      return parse(value, source);
    } catch (err) {
      errors.push(err instanceof ConfigError ? err : new ConfigError(source, value, (err as Error).message));
      return fallback;
    }
  };
  const address = (v: string, source: string) => {
    parseAddr(v, source);
    return v;
  };
  const positive = (v: string, source: string) => {
    const ms = parseDuration(v, source);
    if (ms <= 0) throw new ConfigError(source, v, 'a duration greater than 0');
    return ms;
  };
  const format = checked(
    'log-format',
    (v, source) => {
      if (v !== 'plain' && v !== 'json') throw new ConfigError(source, v, '"plain" or "json"');
      return v;
    },
    'plain' as const,
  );
  const config: IdentityAppConfig = {
    addr: checked('addr', address, '0.0.0.0:8080'),
    adminAddr: checked('admin-addr', address, '0.0.0.0:9990'),
    issuerDir: text('issuer-dir') ?? '',
    trustAnchorsPem: env.SKEIN_IDENTITY_TRUST_ANCHORS_PEM || undefined,
    trustAnchorsFile: text('trust-anchors-file') ?? '',
    trustDomain: text('trust-domain') ?? 'cluster.local',
    controllerNamespace: text('controller-namespace') ?? 'linkerd',
    issuanceLifetimeMs: checked('issuance-lifetime', positive, 0),
    clockSkewMs: checked('clock-skew-allowance', (v, s) => parseDuration(v, s), 0),
    issuerPollMs: checked('issuer-poll-interval', positive, 0),
    staticTokensFile: text('static-tokens-file'),
    kubeconfig: text('kubeconfig'),
    logFilter: text('log') ?? 'info',
    logFormat: format,
  };
  if (errors.length === 1) throw errors[0];
  if (errors.length > 1) throw new AggregateConfigError(errors);
  return config;
}

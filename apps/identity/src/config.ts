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

const FLAGS = {
  addr: { type: 'string', env: 'SKEIN_IDENTITY_ADDR', default: '0.0.0.0:8080' },
  'admin-addr': { type: 'string', env: 'SKEIN_IDENTITY_ADMIN_ADDR', default: '0.0.0.0:9990' },
  'issuer-dir': {
    type: 'string',
    env: 'SKEIN_IDENTITY_ISSUER_DIR',
    default: '/var/run/linkerd/identity/issuer',
  },
  'trust-anchors-file': {
    type: 'string',
    env: 'SKEIN_IDENTITY_TRUST_ANCHORS_FILE',
    default: '/var/run/linkerd/identity/trust-roots/ca-bundle.crt',
  },
  'trust-domain': { type: 'string', env: 'SKEIN_IDENTITY_TRUST_DOMAIN', default: 'cluster.local' },
  'controller-namespace': { type: 'string', env: 'SKEIN_IDENTITY_CONTROLLER_NAMESPACE', default: 'linkerd' },
  'issuance-lifetime': { type: 'string', env: 'SKEIN_IDENTITY_ISSUANCE_LIFETIME', default: '24h' },
  'clock-skew-allowance': { type: 'string', env: 'SKEIN_IDENTITY_CLOCK_SKEW_ALLOWANCE', default: '20s' },
  'issuer-poll-interval': { type: 'string', env: 'SKEIN_IDENTITY_ISSUER_POLL_INTERVAL', default: '5s' },
  'static-tokens-file': { type: 'string', env: 'SKEIN_IDENTITY_STATIC_TOKENS_FILE', default: undefined },
  kubeconfig: { type: 'string', env: 'KUBECONFIG', default: undefined },
  log: { type: 'string', env: 'SKEIN_IDENTITY_LOG', default: 'info' },
  'log-format': { type: 'string', env: 'SKEIN_IDENTITY_LOG_FORMAT', default: 'plain' },
} as const;

type FlagName = keyof typeof FLAGS;

/** Usage text for `--help`. */
export function usage(): string {
  const lines = Object.entries(FLAGS).map(
    ([name, f]) => `  --${name.padEnd(22)} env ${f.env.padEnd(38)} default ${f.default ?? '(unset)'}`,
  );
  return `skein-identity: Linkerd-compatible identity service (Certify)\n\nOptions:\n${lines.join('\n')}\n  SKEIN_IDENTITY_TRUST_ANCHORS_PEM (env only): inline anchors, used instead of the file\n`;
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

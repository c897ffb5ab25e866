import { AggregateConfigError, ConfigError, ReloadableLogFilter } from '@skein/core';
import { expectTyped, FuzzSuite } from '@skein/testkit';
import fc from 'fast-check';
import { describe, expect } from 'vitest';
import { readProxyConfig } from '../../src/config/proxy-config.js';

// readProxyConfig turns the pod's environment into the proxy's configuration (spec §3). An
// operator's typo must come back as an error naming the variable, never as a crash, a hang, or a
// silently different proxy; and every well-formed value must be accepted.

type Kind =
  | 'duration'
  | 'uint'
  | 'uint1'
  | 'ratio'
  | 'bool'
  | 'ports'
  | 'socket'
  | 'networks'
  | 'suffixes'
  | 'policy'
  | 'format';

const P = 'LINKERD2_PROXY_';
const direction = (d: 'INBOUND' | 'OUTBOUND'): [string, Kind][] => [
  [`${d}_CONNECT_TIMEOUT`, 'duration'],
  [`${d}_DETECT_TIMEOUT`, 'duration'],
  [`${d}_DISCOVERY_IDLE_TIMEOUT`, 'duration'],
  [`${d}_HTTP_QUEUE_CAPACITY`, 'uint'],
  [`${d}_HTTP_FAILFAST_TIMEOUT`, 'duration'],
  [`${d}_MAX_IN_FLIGHT`, 'uint1'],
  [`${d}_HTTP1_CONNECTION_POOL_IDLE_TIMEOUT`, 'duration'],
  [`${d}_CONNECT_EXP_BACKOFF_JITTER`, 'ratio'],
];

/** Typed variables of readProxyConfig, without cross-field rules (those are tested on their own). */
const TYPED: [string, Kind][] = [
  ...direction('INBOUND'),
  ...direction('OUTBOUND'),
  ['OUTBOUND_LISTEN_ADDR', 'socket'],
  ['INBOUND_LISTEN_ADDR', 'socket'],
  ['ADMIN_LISTEN_ADDR', 'socket'],
  ['CONTROL_LISTEN_ADDR', 'socket'],
  ['OUTBOUND_MAX_IDLE_CONNS_PER_ENDPOINT', 'uint'],
  ['MAX_IDLE_CONNS_PER_ENDPOINT', 'uint'],
  ['OUTBOUND_CONNECT_KEEPALIVE', 'duration'],
  ['INBOUND_ACCEPT_KEEPALIVE', 'duration'],
  ['INBOUND_PORTS', 'ports'],
  ['INBOUND_PORTS_DISABLE_PROTOCOL_DETECTION', 'ports'],
  ['INBOUND_DEFAULT_POLICY', 'policy'],
  ['INGRESS_MODE', 'bool'],
  ['SHUTDOWN_GRACE_PERIOD', 'duration'],
  ['SHUTDOWN_ENDPOINT_ENABLED', 'bool'],
  ['METRICS_RETAIN_IDLE', 'duration'],
  ['OUTBOUND_DISABLE_INFORMATIONAL_HEADERS', 'bool'],
  ['LOG_FORMAT', 'format'],
  ['CORES', 'uint1'],
  ['CORES_MIN', 'uint1'],
  ['CORES_MAX', 'uint1'],
  ['CORES_MAX_RATIO', 'ratio'],
];

const port = fc.integer({ min: 1, max: 65_535 });
const ipv4 = fc.ipV4();
const octet = fc.nat(255);
const label = fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?$/);

const VALID: Record<Kind, fc.Arbitrary<string>> = {
  duration: fc.oneof(
    fc.constant('0'),
    fc
      .tuple(fc.integer({ min: 1, max: 100_000 }), fc.constantFrom('ms', 's', 'm'))
      .map(([n, u]) => `${n}${u}`),
    fc.tuple(fc.integer({ min: 1, max: 24 }), fc.constantFrom('h', 'd')).map(([n, u]) => `${n}${u}`),
  ),
  uint: fc.nat(1_000_000).map(String),
  uint1: fc.integer({ min: 1, max: 1_000_000 }).map(String),
  ratio: fc.integer({ min: 0, max: 1000 }).map((n) => (n / 1000).toString()),
  bool: fc.constantFrom('true', 'false'),
  ports: fc
    .array(
      fc.oneof(
        port.map(String),
        fc.tuple(port, port).map(([a, b]) => `${Math.min(a, b)}-${Math.max(a, b)}`),
      ),
      {
        maxLength: 5,
      },
    )
    .map((l) => l.join(',')),
  socket: fc.oneof(
    fc.tuple(ipv4, fc.nat(65_535)).map(([ip, p]) => `${ip}:${p}`),
    fc.constantFrom('[::]:4143', '[::1]:0'),
  ),
  networks: fc
    .array(
      fc.tuple(octet, octet, fc.integer({ min: 8, max: 32 })).map(([a, b, p]) => `${a}.${b}.0.0/${p}`),
      { maxLength: 4 },
    )
    .map((l) => l.join(',')),
  suffixes: fc
    .array(
      fc.array(label, { minLength: 1, maxLength: 3 }).map((l) => `${l.join('.')}.`),
      { maxLength: 3 },
    )
    .map((l) => l.join(',')),
  policy: fc.constantFrom(
    'all-unauthenticated',
    'all-authenticated',
    'cluster-unauthenticated',
    'cluster-authenticated',
    'deny',
  ),
  format: fc.constantFrom('plain', 'json', 'JSON', 'Plain'),
};

/** A value no parser of any kind accepts: nothing valid starts with `~`. */
const garbage = fc.string({ maxLength: 20 }).map((s) => `~${s}`);

const validEnv = fc
  .subarray(TYPED)
  .chain((vars) =>
    fc.tuple(...vars.map(([name, kind]) => VALID[kind].map((v) => [`${P}${name}`, v] as const))),
  )
  .map((pairs) => Object.fromEntries(pairs) as Record<string, string>);

describe('fuzz: proxy environment configuration', () => {
  const suite = new FuzzSuite({
    id: 'proxy-env-config',
    target:
      'readProxyConfig (LINKERD2_PROXY_* variables) and the log filter on valid values, one bad variable among valid ones, and arbitrary strings for every variable',
    expected:
      'valid values accepted; otherwise AggregateConfigError whose entries name each bad variable (ConfigError), never another error or a hang',
  });

  suite.property('valid values of any subset of typed variables are accepted', validEnv, (env) => {
    const config = readProxyConfig(env);
    const detect = env[`${P}INBOUND_DETECT_TIMEOUT`];
    if (detect !== undefined) expect(config.inbound.detectTimeoutMs).toBe(parseDurationMs(detect));
  });

  suite.property(
    'one bad variable among valid ones: the error names it',
    fc.tuple(validEnv, fc.constantFrom(...TYPED), garbage),
    ([env, [name], bad]) => {
      const variable = `${P}${name}`;
      let error: unknown;
      try {
        readProxyConfig({ ...env, [variable]: bad });
      } catch (err) {
        error = err;
      }
      expectTyped(error, AggregateConfigError);
      const named = (error as AggregateConfigError).errors.map((e) => e.variable);
      expect(named).toContain(variable);
      expect((error as Error).message).toContain(variable);
    },
  );

  suite.property(
    'arbitrary strings anywhere: a config or AggregateConfigError of ConfigErrors naming set variables',
    fc.dictionary(
      fc.constantFrom(
        ...TYPED.map(([n]) => `${P}${n}`),
        `${P}OUTBOUND_LISTEN_ADDRS`,
        `${P}INBOUND_CONNECT_EXP_BACKOFF_MIN`,
        `${P}INBOUND_CONNECT_EXP_BACKOFF_MAX`,
        `${P}DESTINATION_SVC_ADDR`,
        `${P}DESTINATION_SVC_NAME`,
        `${P}DESTINATION_PROFILE_NETWORKS`,
        `${P}DESTINATION_PROFILE_SUFFIXES`,
        `${P}POLICY_SVC_ADDR`,
        `${P}POLICY_WORKLOAD`,
        `${P}POLICY_CLUSTER_NETWORKS`,
        `${P}IDENTITY_SVC_ADDR`,
        `${P}IDENTITY_TRUST_ANCHORS`,
        `${P}IDENTITY_DISABLED`,
        'SKEIN_PROXY_OUTBOUND_BIND_IP',
        'SKEIN_PROXY_OUTBOUND_PORTS_DISABLE_PROTOCOL_DETECTION',
      ),
      fc.oneof(
        fc.string({ maxLength: 40 }),
        fc.constantFrom(
          '',
          ' ',
          '0',
          '-1',
          '1e3',
          '99999999999999999999',
          '10s ',
          '0x10',
          '1.5',
          'true',
          ':80',
          '[::1]',
          '127.0.0.1:99999',
        ),
      ),
      { maxKeys: 8 },
    ),
    (env) => {
      try {
        readProxyConfig(env);
      } catch (err) {
        expectTyped(err, AggregateConfigError);
        for (const e of (err as AggregateConfigError).errors) {
          expectTyped(e, ConfigError);
          expect(e.variable).toMatch(/^(LINKERD2_PROXY_|SKEIN_PROXY_)[A-Z0-9_]+$/);
        }
      }
    },
  );

  suite.property(
    'log filters: accepted or ConfigError',
    fc.oneof(
      fc.string({ maxLength: 60 }),
      fc
        .array(
          fc.constantFrom(
            'warn',
            'info',
            'debug',
            'trace',
            'error',
            'off',
            'linkerd=info',
            'a::b=debug',
            ',',
            '=',
            'x=',
            '[',
            ']',
            ' ',
          ),
          { maxLength: 8 },
        )
        .map((p) => p.join('')),
    ),
    (text) => {
      try {
        new ReloadableLogFilter(text);
      } catch (err) {
        expectTyped(err, ConfigError);
      }
    },
  );

  suite.record();
});

function parseDurationMs(text: string): number {
  const m = /^(\d+)(ms|s|m|h|d)?$/.exec(text);
  const unit =
    { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[m![2] as 'ms' | 's' | 'm' | 'h' | 'd'] ?? 0;
  return Number(m![1]) * unit;
}

import { describe, expect, it } from 'vitest';
import { AggregateConfigError, MissingConfigError } from '../../src/config/config-errors.js';
import { EnvConfig } from '../../src/config/env-config.js';
import { parsePortSet } from '../../src/config/port-set.js';
import { formatAddr, parseAddr } from '../../src/config/socket-addr.js';
import { ConfigError } from '../../src/errors/index.js';

const prefix = 'LINKERD2_PROXY_';

describe('EnvConfig', () => {
  it('reads typed values with the prefix and falls back when unset', () => {
    const env = new EnvConfig(
      {
        LINKERD2_PROXY_METRICS_RETAIN_IDLE: '5m',
        LINKERD2_PROXY_INBOUND_PORTS: '80,8080-8090',
        LINKERD2_PROXY_DESTINATION_PROFILE_NETWORKS: '10.0.0.0/8,fd00::/8',
        LINKERD2_PROXY_DESTINATION_PROFILE_SUFFIXES: 'svc.cluster.local.',
        LINKERD2_PROXY_DESTINATION_SVC_ADDR: 'linkerd-dst-headless.linkerd.svc.cluster.local.:8086',
        LINKERD2_PROXY_OUTBOUND_LISTEN_ADDRS: '127.0.0.1:4140,[::1]:4140',
        LINKERD2_PROXY_SHUTDOWN_ENDPOINT_ENABLED: 'true',
        LINKERD2_PROXY_INBOUND_HTTP_QUEUE_CAPACITY: '100',
        LINKERD2_PROXY_OUTBOUND_CONNECT_EXP_BACKOFF_JITTER: '0.2',
        LINKERD2_PROXY_LOG_FORMAT: 'JSON',
        LINKERD2_PROXY_DESTINATION_CONTEXT: '',
        OTHER: 'x',
      },
      { prefix },
    );
    expect(env.name('LOG')).toBe('LINKERD2_PROXY_LOG');
    expect(env.duration('METRICS_RETAIN_IDLE', 600_000)).toBe(300_000);
    expect(env.duration('SHUTDOWN_GRACE_PERIOD', 120_000)).toBe(120_000);
    expect(env.duration('DNS_MIN_TTL')).toBeUndefined();
    expect(env.ports('INBOUND_PORTS').toString()).toBe('80,8080-8090');
    expect(env.ports('INBOUND_PORTS_DISABLE_PROTOCOL_DETECTION').size).toBe(0);
    expect(env.ports('UNSET_PORTS', '25,587').toString()).toBe('25,587');
    expect(env.ports('UNSET_PORTS', parsePortSet('1')).toString()).toBe('1');
    expect(env.networks('DESTINATION_PROFILE_NETWORKS').contains('10.1.1.1')).toBe(true);
    expect(env.networks('POLICY_CLUSTER_NETWORKS').size).toBe(0);
    expect(env.suffixes('DESTINATION_PROFILE_SUFFIXES').matches('a.b.svc.cluster.local')).toBe(true);
    expect(env.suffixes('INBOUND_GATEWAY_SUFFIXES', 'svc.cluster.local.').size).toBe(1);
    expect(env.addr('DESTINATION_SVC_ADDR')?.family).toBe('dns');
    expect(formatAddr(env.socketAddr('ADMIN_LISTEN_ADDR', '127.0.0.1:4191'))).toBe('127.0.0.1:4191');
    expect(env.socketAddrs('OUTBOUND_LISTEN_ADDRS')?.map(formatAddr)).toEqual([
      '127.0.0.1:4140',
      '[::1]:4140',
    ]);
    expect(env.socketAddrs('INBOUND_LISTEN_ADDRS', [])).toEqual([]);
    expect(env.bool('SHUTDOWN_ENDPOINT_ENABLED', false)).toBe(true);
    expect(env.bool('INGRESS_MODE', false)).toBe(false);
    expect(env.uint('INBOUND_HTTP_QUEUE_CAPACITY', 10_000)).toBe(100);
    expect(env.float('OUTBOUND_CONNECT_EXP_BACKOFF_JITTER', 0.1, { min: 0, max: 100 })).toBe(0.2);
    expect(env.oneOf('LOG_FORMAT', ['plain', 'json'], 'plain', { ignoreCase: true })).toBe('json');
    expect(env.oneOf('ACCESS_LOG', ['apache', 'json'])).toBeUndefined();
    expect(env.string('DESTINATION_CONTEXT', 'd')).toBe('');
    expect(env.string('TAP_SVC_NAME')).toBeUndefined();
    expect(env.has('DESTINATION_CONTEXT')).toBe(true);
    expect(env.raw('OTHER')).toBeUndefined();
    expect(env.ok).toBe(true);
    expect(env.errors()).toEqual([]);
    expect(() => env.throwIfInvalid()).not.toThrow();
  });

  it('collects every error with the variable, value and expected form', () => {
    const env = new EnvConfig(
      {
        LINKERD2_PROXY_METRICS_RETAIN_IDLE: '10 m',
        LINKERD2_PROXY_INBOUND_PORTS: '80,http',
        LINKERD2_PROXY_ADMIN_LISTEN_ADDR: ':4191',
        LINKERD2_PROXY_INGRESS_MODE: 'yes',
        LINKERD2_PROXY_INBOUND_DEFAULT_POLICY: 'allow',
        LINKERD2_PROXY_IDENTITY_DIR: '',
      },
      { prefix },
    );
    expect(env.duration('METRICS_RETAIN_IDLE', 600_000)).toBe(600_000);
    expect(env.ports('INBOUND_PORTS').size).toBe(0);
    env.socketAddr('ADMIN_LISTEN_ADDR', '127.0.0.1:4191');
    env.bool('INGRESS_MODE', false);
    env.oneOf('INBOUND_DEFAULT_POLICY', ['all-unauthenticated', 'deny'], 'all-unauthenticated');
    env.required('IDENTITY_DIR');
    env.required('IDENTITY_TOKEN_FILE');
    env.required('POLICY_SVC_ADDR', parseAddr, 'host:port');
    expect(env.ok).toBe(false);
    const errors = env.errors();
    expect(errors.map((e) => e.variable)).toEqual([
      'LINKERD2_PROXY_METRICS_RETAIN_IDLE',
      'LINKERD2_PROXY_INBOUND_PORTS',
      'LINKERD2_PROXY_ADMIN_LISTEN_ADDR',
      'LINKERD2_PROXY_INGRESS_MODE',
      'LINKERD2_PROXY_INBOUND_DEFAULT_POLICY',
      'LINKERD2_PROXY_IDENTITY_DIR',
      'LINKERD2_PROXY_IDENTITY_TOKEN_FILE',
      'LINKERD2_PROXY_POLICY_SVC_ADDR',
    ]);
    for (const e of errors) expect(e).toBeInstanceOf(ConfigError);
    expect(errors[0]!.value).toBe('10 m');
    expect(errors[5]).toBeInstanceOf(MissingConfigError);
    expect(errors[7]!.message).toBe(
      'LINKERD2_PROXY_POLICY_SVC_ADDR is required but not set: expected host:port',
    );

    let thrown: unknown;
    try {
      env.throwIfInvalid();
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(AggregateConfigError);
    const agg = thrown as AggregateConfigError;
    expect(agg.code).toBe('ERR_SKEIN_CONFIG');
    expect(agg.errors).toHaveLength(8);
    expect(agg.message.split('\n')).toHaveLength(9);
    expect(agg.message).toContain('8 configuration settings are invalid');
    expect(agg.message).toContain('invalid LINKERD2_PROXY_INGRESS_MODE="yes": expected true or false');
  });

  it('read() returns the built value or throws every error at once', () => {
    const ok = EnvConfig.read({ A: '1s', B: '2' }, (env) => ({
      a: env.duration('A', 0),
      b: env.uint('B', 0),
    }));
    expect(ok).toEqual({ a: 1000, b: 2 });
    expect(() =>
      EnvConfig.read({ A: 'x', B: '-2' }, (env) => ({ a: env.duration('A', 0), b: env.uint('B', 0) })),
    ).toThrow(/2 configuration settings are invalid:\n {2}- invalid A="x".*\n {2}- invalid B="-2"/);
  });

  it('parses required values when they are set', () => {
    const env = new EnvConfig({ ADDR: '10.0.0.1:8086', NAME: 'x' });
    expect(env.required('NAME')).toBe('x');
    expect(formatAddr(env.required('ADDR', parseAddr))).toBe('10.0.0.1:8086');
    expect(env.ok).toBe(true);
  });

  it('wraps non-ConfigError failures of custom parsers and lets the app report its own', () => {
    const env = new EnvConfig({ X: 'abc' });
    const v = env.value('X', () => {
      throw new TypeError('boom');
    });
    expect(v).toBeUndefined();
    env.report(new ConfigError('MIN', '1s', 'MIN and MAX set together'));
    const [wrapped, reported] = env.errors();
    expect(wrapped).toBeInstanceOf(ConfigError);
    expect(wrapped!.variable).toBe('X');
    expect(wrapped!.message).toContain('boom');
    expect(wrapped!.cause).toBeInstanceOf(TypeError);
    expect(reported!.variable).toBe('MIN');
  });

  it('throws at once when a built-in default is itself invalid', () => {
    const env = new EnvConfig({});
    expect(() => env.ports('P', 'nope')).toThrow(/P \(default\)/);
  });
});

import { isIP } from 'node:net';
import {
  ConfigError,
  EnvConfig,
  type EnvRecord,
  type HostPort,
  isLoopback,
  type NetworkSet,
  type PortSet,
  type SuffixSet,
} from '@skein/core';

/** Exponential reconnect backoff. */
export interface BackoffConfig {
  /** First delay in ms. */
  minMs: number;
  /** Largest delay in ms. */
  maxMs: number;
  /** Random jitter ratio in [0, 1]. */
  jitter: number;
}

/** Settings that exist for both directions (`LINKERD2_PROXY_{INBOUND,OUTBOUND}_*`). */
export interface DirectionConfig {
  /** Listen addresses. */
  listen: HostPort[];
  /** `*_CONNECT_TIMEOUT`. */
  connectTimeoutMs: number;
  /** `*_CONNECT_EXP_BACKOFF_{MIN,MAX,JITTER}`. */
  connectBackoff: BackoffConfig;
  /** `*_DETECT_TIMEOUT`. */
  detectTimeoutMs: number;
  /** `*_DISCOVERY_IDLE_TIMEOUT`. */
  discoveryIdleTimeoutMs: number;
  /** `*_HTTP_QUEUE_CAPACITY`. */
  httpQueueCapacity: number;
  /** `*_HTTP_FAILFAST_TIMEOUT`. */
  httpFailfastTimeoutMs: number;
  /** `*_MAX_IN_FLIGHT`. */
  maxInFlight: number;
  /** Idle connections kept per endpoint. */
  maxIdleConnsPerEndpoint: number;
  /** `*_HTTP1_CONNECTION_POOL_IDLE_TIMEOUT`. */
  http1PoolIdleTimeoutMs: number;
  /** Ports that skip protocol detection (opaque), so server-speaks-first protocols work. */
  portsDisableProtocolDetection: PortSet;
  /** `*_ACCEPT_KEEPALIVE` / `*_CONNECT_KEEPALIVE` in ms, when set. */
  keepaliveMs: number | undefined;
}

/** The default inbound policies of `LINKERD2_PROXY_INBOUND_DEFAULT_POLICY`. */
export const DEFAULT_INBOUND_POLICIES = [
  'all-unauthenticated',
  'all-authenticated',
  'cluster-unauthenticated',
  'cluster-authenticated',
  'deny',
  'audit',
] as const;

/** One of {@link DEFAULT_INBOUND_POLICIES}. */
export type DefaultInboundPolicy = (typeof DEFAULT_INBOUND_POLICIES)[number];

/** A control-plane client's address and identity. */
export interface ControlPlaneClient {
  /** `*_SVC_ADDR`. */
  addr: HostPort;
  /** `*_SVC_NAME`: identity and SNI of the service; undefined when the address is loopback. */
  name: string | undefined;
}

/** Identity settings (`LINKERD2_PROXY_IDENTITY_*`), present when identity is configured. */
export interface IdentityConfig {
  /** The identity service. */
  svc: ControlPlaneClient;
  /** Directory with `key.p8`/`csr.der` (or where they are generated). */
  dir: string;
  /** File holding the service-account token, re-read for every request. */
  tokenFile: string;
  /** Trust anchors, inline PEM. */
  trustAnchorsPem: string;
  /** This proxy's identity (and SNI). */
  localName: string;
  /** `IDENTITY_MIN_REFRESH`. */
  minRefreshMs: number;
  /** `IDENTITY_MAX_REFRESH`. */
  maxRefreshMs: number;
}

/** The complete proxy configuration, read from `LINKERD2_PROXY_*` (and `SKEIN_PROXY_*`) variables. */
export interface ProxyConfig {
  /** `LOG` filter. */
  log: string;
  /** `LOG_FORMAT`: plain or json. */
  logFormat: 'plain' | 'json';
  /** Outbound (from the app) settings. */
  outbound: DirectionConfig;
  /** Inbound (to the app) settings. */
  inbound: DirectionConfig & {
    /** `INBOUND_PORTS`: ports the app serves (policy watched eagerly). */
    ports: PortSet;
    /** `INBOUND_DEFAULT_POLICY`. */
    defaultPolicy: DefaultInboundPolicy;
    /** `INBOUND_IPS`: connections to other local IPs are refused, when set. */
    ips: string[] | undefined;
    /** `INBOUND_METRICS_AUTHORITY_LABELS=unsafe` adds the `authority` label. */
    authorityLabels: boolean;
  };
  /** Admin server listen address (`ADMIN_LISTEN_ADDR`). */
  adminListen: HostPort;
  /** Control (tap) listen address (`CONTROL_LISTEN_ADDR`). */
  controlListen: HostPort;
  /** `TAP_SVC_NAME`: tap is enabled only when set. */
  tapSvcName: string | undefined;
  /** `SHUTDOWN_GRACE_PERIOD`. */
  shutdownGracePeriodMs: number;
  /** `SHUTDOWN_ENDPOINT_ENABLED`. */
  shutdownEndpointEnabled: boolean;
  /** `METRICS_RETAIN_IDLE`. */
  metricsRetainIdleMs: number;
  /** `INGRESS_MODE`. */
  ingressMode: boolean;
  /** `OUTBOUND_DISABLE_INFORMATIONAL_HEADERS` (defaults to ingress mode). */
  disableInformationalHeaders: boolean;
  /** Worker cores from `CORES`, `CORES_MIN`, `CORES_MAX`, `CORES_MAX_RATIO`. */
  cores: number;
  /** The destination service; absent in standalone mode. */
  destination:
    | (ControlPlaneClient & {
        /** `DESTINATION_CONTEXT`. */
        context: string;
        /** `DESTINATION_PROFILE_SUFFIXES`. */
        profileSuffixes: SuffixSet;
        /** `DESTINATION_PROFILE_NETWORKS`. */
        profileNetworks: NetworkSet;
        /** `DESTINATION_PROFILE_INITIAL_TIMEOUT`: how long to wait for a profile before going on. */
        profileInitialTimeoutMs: number;
      })
    | undefined;
  /** The policy service; absent in standalone mode. */
  policy: (ControlPlaneClient & { workload: string; clusterNetworks: NetworkSet }) | undefined;
  /** Identity; absent means plaintext (standalone). */
  identity: IdentityConfig | undefined;
  /** `SKEIN_PROXY_DISCOVERY_FILE`: a static discovery file, for standalone use. */
  discoveryFile: string | undefined;
  /**
   * `SKEIN_PROXY_OUTBOUND_BIND_IP`: the local IP outbound connections are made from (a local
   * mesh gives each "pod" its own loopback IP, so peers and policies see who is calling).
   */
  outboundBindIp: string | undefined;
  /** `SKEIN_PROXY_BALANCER`: the balancer strategy (default `p2c-peak-ewma`). */
  balancer: string;
  /** `SKEIN_PROXY_PLUGINS`: comma-separated module specifiers loaded at start. */
  plugins: string[];
  /**
   * `SKEIN_PROXY_MEMORY_PROFILE`: how the process trades memory for speed (the library sets
   * no V8 flags; `skein-proxy` applies this at start). `compact` (default) keeps the heap
   * small (a 2 MiB young generation); `throughput` lets it grow for more requests per CPU second.
   */
  memoryProfile: MemoryProfile;
}

/** The values of `SKEIN_PROXY_MEMORY_PROFILE`. */
export type MemoryProfile = 'compact' | 'throughput';

const PREFIX = 'LINKERD2_PROXY_';

/**
 * Reads the proxy configuration from environment variables with Linkerd's names, syntax and
 * defaults (spec §3). Every problem is collected; the thrown `AggregateConfigError` (from `@skein/core`) names
 * each variable, the value seen and the expected form.
 *
 * @param env - usually `process.env`.
 * @param cpus - available CPUs, for the `CORES*` computation.
 */
export function readProxyConfig(env: EnvRecord, cpus = 1): ProxyConfig {
  return EnvConfig.read(env, (e) => build(e, env, cpus), { prefix: PREFIX });
}

function build(e: EnvConfig, env: EnvRecord, cpus: number): ProxyConfig {
  const outboundListen = e.socketAddrs('OUTBOUND_LISTEN_ADDRS') ?? [
    e.socketAddr('OUTBOUND_LISTEN_ADDR', '127.0.0.1:4140'),
  ];
  const outbound: DirectionConfig = {
    listen: outboundListen,
    ...direction(e, 'OUTBOUND', {
      connect: 1_000,
      backoffMax: 60_000,
      discoveryIdle: 5_000,
      failfast: 3_000,
    }),
    portsDisableProtocolDetection: skeinPorts(
      e,
      env,
      'SKEIN_PROXY_OUTBOUND_PORTS_DISABLE_PROTOCOL_DETECTION',
    ),
    maxIdleConnsPerEndpoint: e.uint('OUTBOUND_MAX_IDLE_CONNS_PER_ENDPOINT', 10_000),
    keepaliveMs: e.duration('OUTBOUND_CONNECT_KEEPALIVE'),
  };
  const inboundIps = e.string('INBOUND_IPS');
  const inbound = {
    listen: [e.socketAddr('INBOUND_LISTEN_ADDR', '0.0.0.0:4143')],
    ...direction(e, 'INBOUND', { connect: 300, backoffMax: 10_000, discoveryIdle: 90_000, failfast: 1_000 }),
    portsDisableProtocolDetection: e.ports('INBOUND_PORTS_DISABLE_PROTOCOL_DETECTION'),
    maxIdleConnsPerEndpoint: e.uint('MAX_IDLE_CONNS_PER_ENDPOINT', 10_000),
    keepaliveMs: e.duration('INBOUND_ACCEPT_KEEPALIVE'),
    ports: e.ports('INBOUND_PORTS'),
    defaultPolicy: e.oneOf('INBOUND_DEFAULT_POLICY', DEFAULT_INBOUND_POLICIES, 'all-unauthenticated'),
    ips:
      inboundIps === undefined || inboundIps === '' ? undefined : inboundIps.split(',').map((s) => s.trim()),
    authorityLabels: e.string('INBOUND_METRICS_AUTHORITY_LABELS', '') === 'unsafe',
  };
  const ingressMode = e.bool('INGRESS_MODE', false);
  const identityDisabled = e.string('IDENTITY_DISABLED');
  if (identityDisabled !== undefined && identityDisabled !== '') {
    e.report(
      new ConfigError(e.name('IDENTITY_DISABLED'), identityDisabled, 'unset: identity cannot be disabled'),
    );
  }
  const config: ProxyConfig = {
    log: e.string('LOG', 'warn,linkerd=info,hickory=error'),
    logFormat: e.oneOf('LOG_FORMAT', ['plain', 'json'] as const, 'plain', { ignoreCase: true }),
    outbound,
    inbound,
    adminListen: e.socketAddr('ADMIN_LISTEN_ADDR', '127.0.0.1:4191'),
    controlListen: e.socketAddr('CONTROL_LISTEN_ADDR', '0.0.0.0:4190'),
    tapSvcName: nonEmpty(e.string('TAP_SVC_NAME')),
    shutdownGracePeriodMs: e.duration('SHUTDOWN_GRACE_PERIOD', 120_000),
    shutdownEndpointEnabled: e.bool('SHUTDOWN_ENDPOINT_ENABLED', false),
    metricsRetainIdleMs: e.duration('METRICS_RETAIN_IDLE', 600_000),
    ingressMode,
    disableInformationalHeaders: e.bool('OUTBOUND_DISABLE_INFORMATIONAL_HEADERS', ingressMode),
    cores: cores(e, cpus),
    destination: destination(e),
    policy: policy(e),
    identity: identity(e),
    discoveryFile: nonEmpty(env.SKEIN_PROXY_DISCOVERY_FILE),
    outboundBindIp: bindIp(e, env.SKEIN_PROXY_OUTBOUND_BIND_IP),
    balancer: nonEmpty(env.SKEIN_PROXY_BALANCER) ?? 'p2c-peak-ewma',
    plugins: (env.SKEIN_PROXY_PLUGINS ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== ''),
    memoryProfile: memoryProfile(e, env.SKEIN_PROXY_MEMORY_PROFILE),
  };
  return config;
}

function direction(
  e: EnvConfig,
  dir: 'INBOUND' | 'OUTBOUND',
  d: { connect: number; backoffMax: number; discoveryIdle: number; failfast: number },
): Omit<
  DirectionConfig,
  'listen' | 'portsDisableProtocolDetection' | 'maxIdleConnsPerEndpoint' | 'keepaliveMs'
> {
  const minSet = e.has(`${dir}_CONNECT_EXP_BACKOFF_MIN`);
  const maxSet = e.has(`${dir}_CONNECT_EXP_BACKOFF_MAX`);
  if (minSet !== maxSet) {
    const missing = minSet ? 'MAX' : 'MIN';
    e.report(
      new ConfigError(
        e.name(`${dir}_CONNECT_EXP_BACKOFF_${missing}`),
        '',
        `set together with ${e.name(`${dir}_CONNECT_EXP_BACKOFF_${minSet ? 'MIN' : 'MAX'}`)}`,
      ),
    );
  }
  const backoff = {
    minMs: e.duration(`${dir}_CONNECT_EXP_BACKOFF_MIN`, 100),
    maxMs: e.duration(`${dir}_CONNECT_EXP_BACKOFF_MAX`, d.backoffMax),
    jitter: e.float(`${dir}_CONNECT_EXP_BACKOFF_JITTER`, 0.1, { min: 0, max: 1 }),
  };
  if (backoff.minMs > backoff.maxMs) {
    e.report(
      new ConfigError(
        e.name(`${dir}_CONNECT_EXP_BACKOFF_MIN`),
        `${backoff.minMs}ms`,
        `a duration not above ${e.name(`${dir}_CONNECT_EXP_BACKOFF_MAX`)}`,
      ),
    );
  }
  return {
    connectTimeoutMs: e.duration(`${dir}_CONNECT_TIMEOUT`, d.connect),
    connectBackoff: backoff,
    detectTimeoutMs: e.duration(`${dir}_DETECT_TIMEOUT`, 10_000),
    discoveryIdleTimeoutMs: e.duration(`${dir}_DISCOVERY_IDLE_TIMEOUT`, d.discoveryIdle),
    httpQueueCapacity: e.uint(`${dir}_HTTP_QUEUE_CAPACITY`, 10_000),
    httpFailfastTimeoutMs: e.duration(`${dir}_HTTP_FAILFAST_TIMEOUT`, d.failfast),
    maxInFlight: e.uint(`${dir}_MAX_IN_FLIGHT`, 100_000, { min: 1 }),
    http1PoolIdleTimeoutMs: e.duration(`${dir}_HTTP1_CONNECTION_POOL_IDLE_TIMEOUT`, 3_000),
  };
}

function skeinPorts(e: EnvConfig, env: EnvRecord, name: string): PortSet {
  // A Skein variable without the Linkerd prefix: read through a second reader that shares the
  // error list by reporting into `e`.
  const reader = new EnvConfig(env);
  const ports = reader.ports(name);
  for (const err of reader.errors()) e.report(err);
  return ports;
}

function memoryProfile(e: EnvConfig, value: string | undefined): MemoryProfile {
  const v = nonEmpty(value?.trim())?.toLowerCase();
  if (v === undefined) return 'compact';
  if (v === 'compact' || v === 'throughput') return v;
  e.report(new ConfigError('SKEIN_PROXY_MEMORY_PROFILE', value ?? '', '`compact` or `throughput`'));
  return 'compact';
}

function bindIp(e: EnvConfig, value: string | undefined): string | undefined {
  const ip = nonEmpty(value?.trim());
  if (ip !== undefined && isIP(ip) === 0) {
    e.report(new ConfigError('SKEIN_PROXY_OUTBOUND_BIND_IP', ip, 'an IPv4 or IPv6 address, e.g. 127.0.10.1'));
    return undefined;
  }
  return ip;
}

function cores(e: EnvConfig, cpus: number): number {
  const max = e.uint('CORES_MAX', undefined, { min: 1 });
  const ratio = e.float('CORES_MAX_RATIO', undefined, { min: 0, max: 1 });
  const base = e.uint('CORES', undefined, { min: 1 });
  const min = e.uint('CORES_MIN', undefined, { min: 1 }) ?? base ?? 1;
  let n = max ?? (ratio !== undefined ? Math.round(cpus * ratio) : (base ?? 1));
  n = Math.max(n, min);
  return Math.max(1, Math.min(n, cpus));
}

function controlPlane(
  e: EnvConfig,
  svc: 'DESTINATION' | 'POLICY' | 'IDENTITY',
): ControlPlaneClient | undefined {
  const addr = e.addr(`${svc}_SVC_ADDR`);
  if (addr === undefined) return undefined;
  const name = nonEmpty(e.string(`${svc}_SVC_NAME`));
  if (name === undefined && !isLoopback(addr)) {
    e.report(
      new ConfigError(e.name(`${svc}_SVC_NAME`), '', `set when ${e.name(`${svc}_SVC_ADDR`)} is not loopback`),
    );
  }
  return { addr, name };
}

function destination(e: EnvConfig): ProxyConfig['destination'] {
  const svc = controlPlane(e, 'DESTINATION');
  if (svc === undefined) return undefined;
  return {
    ...svc,
    context: e.string('DESTINATION_CONTEXT', ''),
    profileSuffixes: e.suffixes('DESTINATION_PROFILE_SUFFIXES', 'svc.cluster.local.'),
    profileNetworks: e.networks('DESTINATION_PROFILE_NETWORKS'),
    profileInitialTimeoutMs: e.duration('DESTINATION_PROFILE_INITIAL_TIMEOUT', 500),
  };
}

function policy(e: EnvConfig): ProxyConfig['policy'] {
  const svc = controlPlane(e, 'POLICY');
  if (svc === undefined) return undefined;
  const workload = e.string('POLICY_WORKLOAD');
  if (workload === undefined || workload === '') {
    e.report(new ConfigError(e.name('POLICY_WORKLOAD'), '', `set when ${e.name('POLICY_SVC_ADDR')} is set`));
  }
  return { ...svc, workload: workload ?? '', clusterNetworks: e.networks('POLICY_CLUSTER_NETWORKS') };
}

function identity(e: EnvConfig): IdentityConfig | undefined {
  const svc = controlPlane(e, 'IDENTITY');
  if (svc === undefined) return undefined;
  const required = (key: string, what: string): string => {
    const v = e.string(key);
    if (v === undefined || v === '') {
      e.report(
        new ConfigError(e.name(key), v ?? '', `${what} (required with ${e.name('IDENTITY_SVC_ADDR')})`),
      );
      return '';
    }
    return v;
  };
  const localName =
    nonEmpty(e.string('IDENTITY_LOCAL_NAME')) ??
    nonEmpty(e.string('IDENTITY_SERVER_ID')) ??
    required('IDENTITY_LOCAL_NAME', "this proxy's identity name");
  const config: IdentityConfig = {
    svc,
    dir: required('IDENTITY_DIR', 'a directory path'),
    tokenFile: required('IDENTITY_TOKEN_FILE', 'a token file path'),
    trustAnchorsPem: required('IDENTITY_TRUST_ANCHORS', 'PEM-encoded trust anchors'),
    localName,
    minRefreshMs: e.duration('IDENTITY_MIN_REFRESH', 10_000),
    maxRefreshMs: e.duration('IDENTITY_MAX_REFRESH', 86_400_000),
  };
  if (config.trustAnchorsPem !== '' && !config.trustAnchorsPem.includes('-----BEGIN CERTIFICATE-----')) {
    e.report(
      new ConfigError(
        e.name('IDENTITY_TRUST_ANCHORS'),
        config.trustAnchorsPem.slice(0, 30),
        'PEM certificates',
      ),
    );
  }
  return config;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

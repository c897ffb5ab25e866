/**
 * The syntax a proxy variable takes (spec §3 format rules): durations such as `10s`, port lists
 * such as `80,8000-8100`, and so on.
 */
export type ProxyEnvKind =
  | 'duration'
  | 'integer'
  | 'ratio'
  | 'boolean'
  | 'text'
  | 'one-of'
  | 'listen-address'
  | 'listen-addresses'
  | 'address'
  | 'port-list'
  | 'network-list'
  | 'suffix-list'
  | 'ip'
  | 'ip-list'
  | 'pem'
  | 'path'
  | 'module-list';

/** Which part of the proxy a variable configures. */
export type ProxyEnvScope = 'general' | 'inbound' | 'outbound' | 'destination' | 'policy' | 'identity';

/** One environment variable `readProxyConfig` reads. */
export interface ProxyEnvVar {
  /** The full variable name, e.g. `LINKERD2_PROXY_OUTBOUND_CONNECT_TIMEOUT`. */
  readonly name: string;
  /** Its syntax. */
  readonly kind: ProxyEnvKind;
  /** The accepted values, for `one-of`. */
  readonly values?: readonly string[];
  /**
   * The default as the variable would spell it (`1s`, `127.0.0.1:4140`); undefined when the
   * default is "unset" or derived from another variable (the description says which).
   */
  readonly default: string | undefined;
  /** What it does, in one or two sentences. */
  readonly description: string;
  /** The part of the proxy it configures. */
  readonly scope: ProxyEnvScope;
  /** `linkerd`: linkerd2-proxy's name and meaning; `skein`: a Skein addition. */
  readonly origin: 'linkerd' | 'skein';
  /**
   * `applied`: the value changes what the proxy does. `validated`: read and checked as
   * linkerd2-proxy does (so a Linkerd pod spec starts), but not used by Skein yet.
   */
  readonly effect: 'applied' | 'validated';
}

const L = 'LINKERD2_PROXY_';

type Entry = Omit<ProxyEnvVar, 'origin' | 'effect' | 'default'> & {
  default?: string;
  effect?: ProxyEnvVar['effect'];
};

function linkerd(e: Entry): ProxyEnvVar {
  return { ...e, name: L + e.name, default: e.default, origin: 'linkerd', effect: e.effect ?? 'applied' };
}

function skein(e: Entry): ProxyEnvVar {
  return { ...e, default: e.default, origin: 'skein', effect: e.effect ?? 'applied' };
}

function direction(dir: 'INBOUND' | 'OUTBOUND'): ProxyEnvVar[] {
  const inbound = dir === 'INBOUND';
  const scope = inbound ? 'inbound' : 'outbound';
  const peer = inbound ? 'the local application' : 'endpoints';
  return [
    linkerd({
      name: `${dir}_CONNECT_TIMEOUT`,
      kind: 'duration',
      default: inbound ? '300ms' : '1s',
      description: `How long a TCP (and TLS) connect to ${peer} may take.`,
      scope,
    }),
    linkerd({
      name: `${dir}_CONNECT_EXP_BACKOFF_MIN`,
      kind: 'duration',
      default: '100ms',
      description: `First delay before reconnecting to ${peer} after a failed connect; set together with \`${L}${dir}_CONNECT_EXP_BACKOFF_MAX\`.`,
      scope,
    }),
    linkerd({
      name: `${dir}_CONNECT_EXP_BACKOFF_MAX`,
      kind: 'duration',
      default: inbound ? '10s' : '60s',
      description: `Largest reconnect delay (the backoff doubles up to it); set together with \`${L}${dir}_CONNECT_EXP_BACKOFF_MIN\`.`,
      scope,
    }),
    linkerd({
      name: `${dir}_CONNECT_EXP_BACKOFF_JITTER`,
      kind: 'ratio',
      default: '0.1',
      description: 'Random jitter added to each reconnect delay, as a ratio between 0 and 1.',
      scope,
    }),
    linkerd({
      name: `${dir}_DETECT_TIMEOUT`,
      kind: 'duration',
      default: '10s',
      description: inbound
        ? 'How long to wait for the first bytes (TLS ClientHello or HTTP) of an inbound connection before treating it as opaque TCP.'
        : 'How long to wait for the first bytes of an outbound connection before forwarding it as opaque TCP to its original destination (closed when there is none, in explicit mode).',
      scope,
    }),
    linkerd({
      name: `${dir}_DISCOVERY_IDLE_TIMEOUT`,
      kind: 'duration',
      default: inbound ? '90s' : '5s',
      description: inbound
        ? 'An inbound target (an application port) unused this long is dropped from the cache.'
        : 'An outbound target unused this long is dropped, with its balancer and discovery watch.',
      scope,
    }),
    linkerd({
      name: `${dir}_HTTP_QUEUE_CAPACITY`,
      kind: 'integer',
      default: '10000',
      description: inbound
        ? 'Requests that may wait for the application; read, not used yet (inbound requests are not queued).'
        : 'Requests that may wait in front of a balancer with no ready endpoint; beyond it they are shed with 503.',
      scope,
      ...(inbound ? { effect: 'validated' as const } : {}),
    }),
    linkerd({
      name: `${dir}_HTTP_FAILFAST_TIMEOUT`,
      kind: 'duration',
      default: inbound ? '1s' : '3s',
      description: inbound
        ? 'Failfast timeout of inbound requests; read, not used yet.'
        : 'A balancer without a ready endpoint for this long goes into failfast: queued and new requests get 504 until one is ready.',
      scope,
      ...(inbound ? { effect: 'validated' as const } : {}),
    }),
    linkerd({
      name: `${dir}_MAX_IN_FLIGHT`,
      kind: 'integer',
      default: '100000',
      description:
        'Most requests in flight in this direction (at least 1); more are shed at once with 503 (`loadshed`).',
      scope,
    }),
    linkerd({
      name: `${dir}_HTTP1_CONNECTION_POOL_IDLE_TIMEOUT`,
      kind: 'duration',
      default: '3s',
      description: `An idle HTTP/1 connection to ${peer} is closed after this long.`,
      scope,
    }),
  ];
}

/**
 * Every environment variable `readProxyConfig` reads — Linkerd's `LINKERD2_PROXY_*` names with
 * their defaults, and Skein's `SKEIN_PROXY_*` additions — in a machine-readable form. The
 * configuration reference (`docs/reference/configuration.md`) is generated from it, and a test
 * proves that it lists exactly what `readProxyConfig` reads and that each default is the one
 * applied when the variable is unset.
 */
export const PROXY_ENV_REFERENCE: readonly ProxyEnvVar[] = [
  linkerd({
    name: 'LOG',
    kind: 'text',
    default: 'warn,linkerd=info,hickory=error',
    description:
      'Log filter in EnvFilter syntax (`level,target=level,…`); can be changed at runtime through the admin server (`PUT /proxy-log-level`).',
    scope: 'general',
  }),
  linkerd({
    name: 'LOG_FORMAT',
    kind: 'one-of',
    values: ['plain', 'json'],
    default: 'plain',
    description: 'Log line format (case-insensitive, so Linkerd’s `PLAIN` works).',
    scope: 'general',
  }),
  linkerd({
    name: 'ADMIN_LISTEN_ADDR',
    kind: 'listen-address',
    default: '127.0.0.1:4191',
    description:
      'Admin server: `/metrics`, `/ready`, `/live`, `/env.json`, `/proxy-log-level`, `/shutdown`, `/identity/certificate` (the injector sets `0.0.0.0:4191`).',
    scope: 'general',
  }),
  linkerd({
    name: 'CONTROL_LISTEN_ADDR',
    kind: 'listen-address',
    default: '0.0.0.0:4190',
    description: 'Control port serving tap (`Tap.Observe`), only when `LINKERD2_PROXY_TAP_SVC_NAME` is set.',
    scope: 'general',
  }),
  linkerd({
    name: 'TAP_SVC_NAME',
    kind: 'text',
    description:
      'Identity of the tap service, the only mTLS client allowed to tap this proxy (loopback callers are allowed too); tap is off when unset.',
    scope: 'general',
  }),
  linkerd({
    name: 'SHUTDOWN_GRACE_PERIOD',
    kind: 'duration',
    default: '2m',
    description: 'How long open connections may drain after SIGTERM (or `/shutdown`) before they are closed.',
    scope: 'general',
  }),
  linkerd({
    name: 'SHUTDOWN_ENDPOINT_ENABLED',
    kind: 'boolean',
    default: 'false',
    description: 'Allows `POST /shutdown` on the admin server (from loopback only).',
    scope: 'general',
  }),
  linkerd({
    name: 'METRICS_RETAIN_IDLE',
    kind: 'duration',
    default: '10m',
    description: 'Metric series not updated for this long are dropped from `/metrics`.',
    scope: 'general',
  }),
  linkerd({
    name: 'INGRESS_MODE',
    kind: 'boolean',
    default: 'false',
    description:
      'Proxy of an ingress controller: outbound requests may name their service with `l5d-dst-override` (the header is consumed).',
    scope: 'general',
  }),
  linkerd({
    name: 'OUTBOUND_DISABLE_INFORMATIONAL_HEADERS',
    kind: 'boolean',
    description:
      'Leaves `l5d-proxy-error` off synthesized outbound responses. Defaults to the value of `LINKERD2_PROXY_INGRESS_MODE`.',
    scope: 'outbound',
  }),
  linkerd({
    name: 'CORES',
    kind: 'integer',
    description:
      'Worker cores: `CORES_MAX`, else CPUs × `CORES_MAX_RATIO`, else `CORES`, raised to `CORES_MIN` and capped at the CPUs. Read and checked, not used: the proxy runs on one event loop.',
    scope: 'general',
    effect: 'validated',
  }),
  linkerd({
    name: 'CORES_MIN',
    kind: 'integer',
    description: 'Lower bound of the worker cores (see `LINKERD2_PROXY_CORES`); read and checked, not used.',
    scope: 'general',
    effect: 'validated',
  }),
  linkerd({
    name: 'CORES_MAX',
    kind: 'integer',
    description: 'Worker cores, taking precedence (see `LINKERD2_PROXY_CORES`); read and checked, not used.',
    scope: 'general',
    effect: 'validated',
  }),
  linkerd({
    name: 'CORES_MAX_RATIO',
    kind: 'ratio',
    description:
      'Worker cores as a share of the CPUs (see `LINKERD2_PROXY_CORES`); read and checked, not used.',
    scope: 'general',
    effect: 'validated',
  }),

  linkerd({
    name: 'OUTBOUND_LISTEN_ADDR',
    kind: 'listen-address',
    default: '127.0.0.1:4140',
    description:
      'Outbound listener (where iptables redirects the application’s connections, or an `HTTP_PROXY`).',
    scope: 'outbound',
  }),
  linkerd({
    name: 'OUTBOUND_LISTEN_ADDRS',
    kind: 'listen-addresses',
    description:
      'One or two comma-separated outbound listen addresses (dual stack); when set, used instead of `LINKERD2_PROXY_OUTBOUND_LISTEN_ADDR`.',
    scope: 'outbound',
  }),
  ...direction('OUTBOUND'),
  linkerd({
    name: 'OUTBOUND_MAX_IDLE_CONNS_PER_ENDPOINT',
    kind: 'integer',
    default: '10000',
    description: 'Idle HTTP/1 connections kept per outbound endpoint.',
    scope: 'outbound',
  }),
  linkerd({
    name: 'OUTBOUND_CONNECT_KEEPALIVE',
    kind: 'duration',
    description: 'TCP keep-alive on outbound connections, when set.',
    scope: 'outbound',
  }),

  linkerd({
    name: 'INBOUND_LISTEN_ADDR',
    kind: 'listen-address',
    default: '0.0.0.0:4143',
    description:
      'Inbound listener: redirected connections to the application, and direct mTLS connections from other proxies (transport header, gateway).',
    scope: 'inbound',
  }),
  ...direction('INBOUND'),
  linkerd({
    name: 'INBOUND_PORTS_DISABLE_PROTOCOL_DETECTION',
    kind: 'port-list',
    description:
      'Inbound ports forwarded as opaque TCP without protocol detection (server-speaks-first protocols such as MySQL or SMTP).',
    scope: 'inbound',
  }),
  linkerd({
    name: 'MAX_IDLE_CONNS_PER_ENDPOINT',
    kind: 'integer',
    default: '10000',
    description: 'Idle HTTP/1 connections kept per application port (inbound; the name has no `INBOUND_`).',
    scope: 'inbound',
  }),
  linkerd({
    name: 'INBOUND_ACCEPT_KEEPALIVE',
    kind: 'duration',
    description: 'TCP keep-alive on accepted inbound connections, when set.',
    scope: 'inbound',
  }),
  linkerd({
    name: 'INBOUND_PORTS',
    kind: 'port-list',
    description:
      'Ports the application serves; their policies are fetched at start rather than on first use.',
    scope: 'inbound',
  }),
  linkerd({
    name: 'INBOUND_DEFAULT_POLICY',
    kind: 'one-of',
    values: [
      'all-unauthenticated',
      'all-authenticated',
      'cluster-unauthenticated',
      'cluster-authenticated',
      'deny',
      'audit',
    ],
    default: 'all-unauthenticated',
    description:
      'Authorization of inbound connections to ports the policy service has no answer for (or without a policy service).',
    scope: 'inbound',
  }),
  linkerd({
    name: 'INBOUND_IPS',
    kind: 'ip-list',
    description: 'The pod’s IPs (comma-separated): inbound connections addressed to any other IP are closed.',
    scope: 'inbound',
  }),
  linkerd({
    name: 'INBOUND_METRICS_AUTHORITY_LABELS',
    kind: 'text',
    description:
      '`unsafe` adds the request’s `authority` label to inbound HTTP metrics (unbounded cardinality).',
    scope: 'inbound',
  }),

  linkerd({
    name: 'DESTINATION_SVC_ADDR',
    kind: 'address',
    description:
      'Destination service (`host:port`) for `Get` and `GetProfile`; without it the proxy runs standalone (static file, then DNS).',
    scope: 'destination',
  }),
  linkerd({
    name: 'DESTINATION_SVC_NAME',
    kind: 'text',
    description:
      'Identity of the destination service, verified with mTLS; required unless `LINKERD2_PROXY_DESTINATION_SVC_ADDR` is loopback (then plaintext).',
    scope: 'destination',
  }),
  linkerd({
    name: 'DESTINATION_CONTEXT',
    kind: 'text',
    default: '',
    description:
      'Context token sent with every destination request (Linkerd’s JSON `{"ns":…,"nodeName":…,"pod":…}`).',
    scope: 'destination',
  }),
  linkerd({
    name: 'DESTINATION_PROFILE_SUFFIXES',
    kind: 'suffix-list',
    default: 'svc.cluster.local.',
    description: 'Names under these suffixes get a ServiceProfile lookup (`.` means every name).',
    scope: 'destination',
  }),
  linkerd({
    name: 'DESTINATION_PROFILE_NETWORKS',
    kind: 'network-list',
    description: 'IP addresses in these networks get a ServiceProfile (endpoint profile) lookup.',
    scope: 'destination',
  }),
  linkerd({
    name: 'DESTINATION_PROFILE_INITIAL_TIMEOUT',
    kind: 'duration',
    default: '500ms',
    description: 'How long an inbound connection waits for its endpoint profile before going on without it.',
    scope: 'destination',
  }),

  linkerd({
    name: 'POLICY_SVC_ADDR',
    kind: 'address',
    description:
      'Policy service (`InboundServerPolicies`) for inbound authorization; without it, `LINKERD2_PROXY_INBOUND_DEFAULT_POLICY` applies to every port.',
    scope: 'policy',
  }),
  linkerd({
    name: 'POLICY_SVC_NAME',
    kind: 'text',
    description:
      'Identity of the policy service; required unless `LINKERD2_PROXY_POLICY_SVC_ADDR` is loopback.',
    scope: 'policy',
  }),
  linkerd({
    name: 'POLICY_WORKLOAD',
    kind: 'text',
    description:
      'This workload as the policy service knows it (`{"ns":…,"pod":…}` or `ns:pod`); required with `LINKERD2_PROXY_POLICY_SVC_ADDR`.',
    scope: 'policy',
  }),
  linkerd({
    name: 'POLICY_CLUSTER_NETWORKS',
    kind: 'network-list',
    description:
      'The cluster’s networks, for the `cluster-*` default policies (unset: 10.0.0.0/8, 100.64.0.0/10, 172.16.0.0/12, 192.168.0.0/16, fd00::/8).',
    scope: 'policy',
  }),

  linkerd({
    name: 'IDENTITY_SVC_ADDR',
    kind: 'address',
    description:
      'Identity service (`Certify`); when set the proxy gets a certificate before it is ready and uses mTLS. Without it the proxy runs in plaintext.',
    scope: 'identity',
  }),
  linkerd({
    name: 'IDENTITY_SVC_NAME',
    kind: 'text',
    description:
      'Identity of the identity service; required unless `LINKERD2_PROXY_IDENTITY_SVC_ADDR` is loopback.',
    scope: 'identity',
  }),
  linkerd({
    name: 'IDENTITY_DIR',
    kind: 'path',
    description:
      'Directory holding the private key (`key.p8`) and CSR (`csr.der`), generated there when absent; required.',
    scope: 'identity',
  }),
  linkerd({
    name: 'IDENTITY_TOKEN_FILE',
    kind: 'path',
    description:
      'Service-account token sent with each certificate request, re-read every time (projected tokens rotate); required.',
    scope: 'identity',
  }),
  linkerd({
    name: 'IDENTITY_TRUST_ANCHORS',
    kind: 'pem',
    description:
      'Trust anchors (PEM certificates, inline) that peers’ and the control plane’s certificates chain to; required.',
    scope: 'identity',
  }),
  linkerd({
    name: 'IDENTITY_LOCAL_NAME',
    kind: 'text',
    description:
      'This proxy’s identity (`<sa>.<ns>.serviceaccount.identity.<cp-ns>.<trust-domain>`), also its TLS server name; required (or `LINKERD2_PROXY_IDENTITY_SERVER_ID`).',
    scope: 'identity',
  }),
  linkerd({
    name: 'IDENTITY_SERVER_ID',
    kind: 'text',
    description:
      'The newer name of this proxy’s identity, used when `LINKERD2_PROXY_IDENTITY_LOCAL_NAME` is unset.',
    scope: 'identity',
  }),
  linkerd({
    name: 'IDENTITY_MIN_REFRESH',
    kind: 'duration',
    default: '10s',
    description:
      'Shortest delay before renewing the certificate (renewal is at 70% of its lifetime, within these bounds).',
    scope: 'identity',
  }),
  linkerd({
    name: 'IDENTITY_MAX_REFRESH',
    kind: 'duration',
    default: '24h',
    description: 'Longest delay before renewing the certificate.',
    scope: 'identity',
  }),
  linkerd({
    name: 'IDENTITY_DISABLED',
    kind: 'text',
    description:
      'Refused when non-empty, as in linkerd2-proxy: identity cannot be switched off this way (leave the `IDENTITY_*` variables unset to run without it).',
    scope: 'identity',
  }),

  skein({
    name: 'SKEIN_PROXY_DISCOVERY_FILE',
    kind: 'path',
    description:
      'Static discovery file (YAML or JSON: authorities, services, profiles, policies) used when there is no destination service; `skein-proxy` reloads it when it changes.',
    scope: 'destination',
  }),
  skein({
    name: 'SKEIN_PROXY_OUTBOUND_PORTS_DISABLE_PROTOCOL_DETECTION',
    kind: 'port-list',
    description: 'Outbound ports forwarded as opaque TCP without protocol detection.',
    scope: 'outbound',
  }),
  skein({
    name: 'SKEIN_PROXY_OUTBOUND_BIND_IP',
    kind: 'ip',
    description:
      'Local IP that outbound connections come from (on one machine each "pod" has its own loopback IP, so peers and policies see who calls).',
    scope: 'outbound',
  }),
  skein({
    name: 'SKEIN_PROXY_BALANCER',
    kind: 'text',
    default: 'p2c-peak-ewma',
    description:
      'Balancer strategy by name: `p2c-peak-ewma`, `p2c-pending`, `round-robin`, or one a plugin registers.',
    scope: 'outbound',
  }),
  skein({
    name: 'SKEIN_PROXY_MEMORY_PROFILE',
    kind: 'one-of',
    values: ['compact', 'throughput'],
    default: 'compact',
    description:
      "`compact`: a small young generation and a slowly growing heap (~110–130 MiB RSS under load); `throughput`: V8's default young generation (~230–250 MiB) for 5–20% more requests per second and a lower p99. Applied by `skein-proxy` at start.",
    scope: 'general',
  }),
  skein({
    name: 'SKEIN_PROXY_PLUGINS',
    kind: 'module-list',
    description:
      'Comma-separated plugin modules (package names or absolute paths) whose default export is a `ProxyPlugin`: request layers and balancer strategies.',
    scope: 'general',
  }),
];

/** The kind of value a CLI flag takes. */
export type FlagKind = 'string' | 'boolean';

/** One `skein inject` proxy flag, with Linkerd's name, and the value or annotation it sets. */
export interface InjectFlag {
  /** Long flag name without dashes (`admin-port`). */
  readonly name: string;
  /** One-letter alias, if any. */
  readonly short?: string;
  /** Value placeholder for help (`PORT`); absent for boolean flags. */
  readonly placeholder?: string;
  /** Help text. */
  readonly description: string;
  /** The Helm values path the flag sets. */
  readonly path?: string;
  /** The annotation a flag without a value path writes directly. */
  readonly annotation?: string;
}

const f = (
  name: string,
  path: string | undefined,
  placeholder: string | undefined,
  description: string,
  extra: Partial<InjectFlag> = {},
): InjectFlag => ({
  name,
  description,
  ...(path === undefined ? {} : { path }),
  ...(placeholder === undefined ? {} : { placeholder }),
  ...extra,
});

/** The proxy flags of `skein inject`, named as Linkerd's `linkerd inject` names them. */
export const INJECT_FLAGS: readonly InjectFlag[] = [
  f('proxy-image', 'proxy.image.name', 'IMAGE', 'proxy container image name'),
  f('proxy-version', 'proxy.image.version', 'TAG', 'tag of the proxy image', { short: 'v' }),
  f(
    'image-pull-policy',
    'proxy.image.pullPolicy',
    'POLICY',
    'pull policy of the proxy images (Always, IfNotPresent, Never)',
  ),
  f('inbound-port', 'proxy.ports.inbound', 'PORT', 'proxy port for inbound traffic'),
  f('outbound-port', 'proxy.ports.outbound', 'PORT', 'proxy port for outbound traffic'),
  f('admin-port', 'proxy.ports.admin', 'PORT', 'proxy port serving metrics and health'),
  f('control-port', 'proxy.ports.control', 'PORT', 'proxy port for tap'),
  f(
    'skip-inbound-ports',
    'proxyInit.ignoreInboundPorts',
    'PORTS',
    'inbound ports (and ranges) that bypass the proxy',
  ),
  f(
    'skip-outbound-ports',
    'proxyInit.ignoreOutboundPorts',
    'PORTS',
    'outbound ports (and ranges) that bypass the proxy',
  ),
  f('skip-subnets', 'proxyInit.skipSubnets', 'CIDRS', 'subnets that bypass the proxy'),
  f(
    'opaque-ports',
    'proxy.opaquePorts',
    'PORTS',
    'ports (ranges, names) whose traffic is not protocol-detected',
  ),
  f('proxy-uid', 'proxy.uid', 'UID', 'user id the proxy runs as'),
  f('proxy-gid', 'proxy.gid', 'GID', 'group id the proxy runs as'),
  f('proxy-log-level', 'proxy.logLevel', 'FILTER', 'proxy log filter (e.g. warn,linkerd=info)'),
  f('proxy-log-format', 'proxy.logFormat', 'FORMAT', 'proxy log format (plain or json)'),
  f('proxy-cpu-request', 'proxy.resources.cpu.request', 'QUANTITY', 'CPU request of the proxy'),
  f('proxy-cpu-limit', 'proxy.resources.cpu.limit', 'QUANTITY', 'CPU limit of the proxy'),
  f('proxy-memory-request', 'proxy.resources.memory.request', 'QUANTITY', 'memory request of the proxy'),
  f('proxy-memory-limit', 'proxy.resources.memory.limit', 'QUANTITY', 'memory limit of the proxy'),
  f(
    'proxy-ephemeral-storage-request',
    'proxy.resources.ephemeral-storage.request',
    'QUANTITY',
    'ephemeral storage request of the proxy',
  ),
  f(
    'proxy-ephemeral-storage-limit',
    'proxy.resources.ephemeral-storage.limit',
    'QUANTITY',
    'ephemeral storage limit of the proxy',
  ),
  f(
    'enable-external-profiles',
    'proxy.enableExternalProfiles',
    undefined,
    'resolve ServiceProfiles for non-Kubernetes names',
  ),
  f(
    'default-inbound-policy',
    'proxy.defaultInboundPolicy',
    'POLICY',
    'inbound policy when no Server selects a pod (all-unauthenticated, all-authenticated, cluster-authenticated, cluster-unauthenticated, deny, audit)',
  ),
  f('native-sidecar', 'proxy.nativeSidecar', undefined, 'run the proxy as a Kubernetes native sidecar'),
  f('ingress', 'proxy.isIngress', undefined, 'run the proxy in ingress mode'),
  f(
    'wait-before-exit-seconds',
    'proxy.waitBeforeExitSeconds',
    'SECONDS',
    'seconds the proxy waits before exiting (preStop sleep)',
  ),
  f(
    'require-identity-on-inbound-ports',
    'proxy.requireIdentityOnInboundPorts',
    'PORTS',
    'inbound ports that only accept meshed clients',
  ),
  f('enable-debug-sidecar', undefined, undefined, 'add the linkerd-debug sidecar', {
    annotation: 'config.linkerd.io/enable-debug-sidecar',
  }),
  f(
    'close-wait-timeout',
    undefined,
    'DURATION',
    'nf_conntrack_tcp_timeout_close_wait for the pod (e.g. 1m)',
    {
      annotation: 'config.linkerd.io/close-wait-timeout',
    },
  ),
];

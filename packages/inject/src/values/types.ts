import type { EnvVar } from '../k8s/types.js';

/** A container image: name, tag and pull policy. */
export interface ImageValues {
  /** Repository, e.g. `ghcr.io/skein-mesh/proxy`. */
  name: string;
  /** Tag; empty means `linkerdVersion`. */
  version: string;
  /** Pull policy; empty means the top-level `imagePullPolicy`. */
  pullPolicy: string;
}

/** A CPU, memory or ephemeral-storage request and limit, as Kubernetes quantities. */
export interface ResourceValues {
  /** Limit (`""` for none). */
  limit: string;
  /** Request (`""` for none). */
  request: string;
}

/** Resources of the proxy (and of the init container, which uses the same). */
export interface ProxyResourcesValues {
  /** CPU. */
  cpu: ResourceValues;
  /** Memory. */
  memory: ResourceValues;
  /** Ephemeral storage. */
  'ephemeral-storage': ResourceValues;
}

/** A scalar a proxy parameter map may hold. */
export type ProxyParamValue = string | number | boolean;

/**
 * Proxy parameters for one direction, `scope → protocol → parameter → value`; each leaf becomes
 * `LINKERD2_PROXY_<DIRECTION>_<SCOPE>_<PROTO>_<PARAM>` (camelCase turned to SNAKE_CASE).
 */
export type ProxyParams = Record<string, Record<string, Record<string, ProxyParamValue>>>;

/** `proxy.*` values. */
export interface ProxyValues {
  /** Resolve ServiceProfiles for names outside the cluster (`.` profile suffix). */
  enableExternalProfiles: boolean;
  /** Outbound TCP connect timeout. */
  outboundConnectTimeout: string;
  /** Inbound TCP connect timeout. */
  inboundConnectTimeout: string;
  /** Eviction time of unused outbound discovery results. */
  outboundDiscoveryCacheUnusedTimeout: string;
  /** Eviction time of unused inbound discovery results. */
  inboundDiscoveryCacheUnusedTimeout: string;
  /** Disable the outbound protocol-detection timeout (sets it to 365d). */
  disableOutboundProtocolDetectTimeout: boolean;
  /** Disable the inbound protocol-detection timeout (sets it to 365d). */
  disableInboundProtocolDetectTimeout: boolean;
  /** Proxy image; also runs the init container at this chart version. */
  image: ImageValues;
  /** Enable the admin `/shutdown` endpoint. */
  enableShutdownEndpoint: boolean;
  /** Log filter (`warn,linkerd=info,hickory=error`). */
  logLevel: string;
  /** `plain` or `json`. */
  logFormat: string;
  /** `off` or `insecure`. */
  logHTTPHeaders: string;
  /** Proxy ports. */
  ports: { admin: number; control: number; inbound: number; outbound: number };
  /** Deprecated worker count; `null` when unset. */
  cores: number | null;
  /** Worker threads. */
  runtime: { workers: { maximumCPURatio: number | null; minimum: number; maximum: number | null } };
  /** Proxy resources. */
  resources: ProxyResourcesValues;
  /** User id of the proxy. */
  uid: number;
  /** Group id of the proxy; negative means unset. */
  gid: number;
  /** Custom security context for the proxy container; replaces the default when not empty. */
  securityContext: Record<string, unknown>;
  /** Seconds the proxy waits before exiting (a preStop sleep); ignored with native sidecars. */
  waitBeforeExitSeconds: number;
  /** Hold app containers until the proxy is ready. */
  await: boolean;
  /** Inbound ports that require meshed (mTLS) clients. */
  requireIdentityOnInboundPorts: string;
  /** Ports (and ranges) whose traffic is not protocol-detected. */
  opaquePorts: string;
  /** Grace period for proxy shutdown. */
  shutdownGracePeriod: string;
  /** Policy when no Server selects a pod. */
  defaultInboundPolicy: string;
  /** `transport-header` or `transparent`. */
  outboundTransportMode: string;
  /** Run the proxy as a Kubernetes native sidecar (an init container with `restartPolicy: Always`). */
  nativeSidecar: boolean;
  /** Liveness probe timing. */
  livenessProbe: { initialDelaySeconds: number; timeoutSeconds: number };
  /** Readiness probe timing. */
  readinessProbe: { initialDelaySeconds: number; timeoutSeconds: number };
  /** Startup probe timing (native sidecar with await). */
  startupProbe: { initialDelaySeconds: number; periodSeconds: number; failureThreshold: number };
  /** Control-plane stream limits. */
  control: { streams: { initialTimeout: string; idleTimeout: string; lifetime: string } };
  /** Metrics options. */
  metrics: { hostnameLabels: boolean };
  /** Tracing. */
  tracing: {
    enabled: boolean;
    traceServiceName: string;
    labels: Record<string, string>;
    collector: { endpoint: string; meshIdentity: { serviceAccountName: string; namespace: string } };
  };
  /** Inbound parameter map; setting it replaces the default map as a whole. */
  inbound: ProxyParams;
  /** Outbound parameter map; setting it replaces the default map as a whole. */
  outbound: ProxyParams;
  /** Access log format (`apache` or `json`); empty disables it. */
  accessLog: string;
  /** Ingress mode (`linkerd.io/inject: ingress`). */
  isIngress: boolean;
  /** Gateway mode (`config.linkerd.io/enable-gateway`). */
  isGateway: boolean;
  /** Inbound ports of the pod; computed from the pod unless set. */
  podInboundPorts: string;
  /** Extra environment for the proxy container. */
  additionalEnv: EnvVar[];
}

/** `proxyInit.*` values. */
export interface ProxyInitValues {
  /** `nft` or `legacy`. */
  iptablesMode: string;
  /** Inbound ports not redirected to the proxy. */
  ignoreInboundPorts: string;
  /** Outbound ports not redirected to the proxy. */
  ignoreOutboundPorts: string;
  /** Ports of the Kubernetes API server (skipped for control-plane components). */
  kubeAPIServerPorts: string;
  /** CIDRs not redirected. */
  skipSubnets: string;
  /** proxy-init log level. */
  logLevel: string;
  /** proxy-init log format. */
  logFormat: string;
  /** `nf_conntrack_tcp_timeout_close_wait` in seconds (0: unchanged); needs a privileged init. */
  closeWaitTimeoutSecs: number;
  /** Run the init container privileged. */
  privileged: boolean;
  /** Run the init container as root. */
  runAsRoot: boolean;
  /** User id when not root. */
  runAsUser: number;
  /** Group id when not root. */
  runAsGroup: number;
  /** Mount of the xtables lock. */
  xtMountPath: { mountPath: string; name: string };
}

/** `networkValidator.*` values (used instead of the init container with CNI). */
export interface NetworkValidatorValues {
  /** Log level. */
  logLevel: string;
  /** Log format. */
  logFormat: string;
  /** Address the validator connects to; empty for `1.1.1.1:20001`. */
  connectAddr: string;
  /** Address the validator listens on; empty for `0.0.0.0:4140`. */
  listenAddr: string;
  /** How long to wait. */
  timeout: string;
  /** Security context of the validator. */
  securityContext: Record<string, unknown>;
}

/**
 * Linkerd's Helm values, the parts the injector reads, with the shape and names of Linkerd's
 * `linkerd-control-plane` chart. Other chart values are kept as given in {@link Values.extra}.
 */
export interface Values {
  /** Kubernetes DNS domain. */
  clusterDomain: string;
  /** Networks for discovery and policy. */
  clusterNetworks: string;
  /** Default pull policy. */
  imagePullPolicy: string;
  /** Control-plane version; the default image tag. */
  linkerdVersion: string;
  /** The CNI plugin sets up iptables; a network validator replaces the init container. */
  cniEnabled: boolean;
  /** Trust anchors (PEM) the proxies verify peers with. */
  identityTrustAnchorsPEM: string;
  /** Trust domain; empty means `clusterDomain`. */
  identityTrustDomain: string;
  /** Do not route IPv6 through the proxy. */
  disableIPv6: boolean;
  /** Proxy values. */
  proxy: ProxyValues;
  /** Init container values. */
  proxyInit: ProxyInitValues;
  /** Network validator values. */
  networkValidator: NetworkValidatorValues;
  /** Debug sidecar image. */
  debugContainer: { image: ImageValues };
  /** Identity values. */
  identity: { externalCA: boolean; serviceAccountTokenProjection: boolean };
  /** Every other chart value, kept untouched. */
  extra: Record<string, unknown>;
}

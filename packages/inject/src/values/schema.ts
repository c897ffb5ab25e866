/** The form a leaf value must have; see {@link VALUES_SCHEMA}. */
export type LeafForm =
  | { readonly form: 'string' }
  | { readonly form: 'bool' }
  | { readonly form: 'int'; readonly min?: number; readonly nullable?: boolean }
  | { readonly form: 'number'; readonly nullable?: boolean }
  | { readonly form: 'port' }
  | { readonly form: 'enum'; readonly values: readonly string[] }
  | { readonly form: 'quantity' }
  | { readonly form: 'duration' }
  | { readonly form: 'portList'; readonly names: boolean }
  | { readonly form: 'cidrList' }
  | { readonly form: 'stringMap' }
  | { readonly form: 'object' }
  | { readonly form: 'params' }
  | { readonly form: 'envList' };

/** A section of the values tree: leaves and nested sections. */
export interface SectionSchema {
  readonly [key: string]: LeafForm | SectionSchema;
}

const str = { form: 'string' } as const;
const bool = { form: 'bool' } as const;
const port = { form: 'port' } as const;
const uint = { form: 'int', min: 0 } as const;
const quantity = { form: 'quantity' } as const;
const duration = { form: 'duration' } as const;
const pullPolicy = { form: 'enum', values: ['', 'Always', 'IfNotPresent', 'Never'] } as const;
const image = { name: str, version: str, pullPolicy } as const;
const resource = { limit: quantity, request: quantity } as const;
const probe = { initialDelaySeconds: uint, timeoutSeconds: uint } as const;

/** Valid `proxy.defaultInboundPolicy` (and `config.linkerd.io/default-inbound-policy`) values. */
export const INBOUND_POLICIES = [
  'all-authenticated',
  'all-unauthenticated',
  'cluster-authenticated',
  'cluster-unauthenticated',
  'deny',
  'audit',
] as const;

/** True when `v` is a leaf form rather than a nested section. */
export function isLeaf(v: LeafForm | SectionSchema): v is LeafForm {
  return typeof (v as LeafForm).form === 'string';
}

/** The values the injector reads, with the form each must have. */
export const VALUES_SCHEMA: SectionSchema = {
  clusterDomain: str,
  clusterNetworks: { form: 'cidrList' },
  imagePullPolicy: pullPolicy,
  linkerdVersion: str,
  cniEnabled: bool,
  identityTrustAnchorsPEM: str,
  identityTrustDomain: str,
  disableIPv6: bool,
  proxy: {
    enableExternalProfiles: bool,
    outboundConnectTimeout: duration,
    inboundConnectTimeout: duration,
    outboundDiscoveryCacheUnusedTimeout: duration,
    inboundDiscoveryCacheUnusedTimeout: duration,
    disableOutboundProtocolDetectTimeout: bool,
    disableInboundProtocolDetectTimeout: bool,
    image,
    enableShutdownEndpoint: bool,
    logLevel: str,
    logFormat: { form: 'enum', values: ['plain', 'json'] },
    logHTTPHeaders: { form: 'enum', values: ['off', 'insecure'] },
    ports: { admin: port, control: port, inbound: port, outbound: port },
    cores: { form: 'int', min: 1, nullable: true },
    runtime: {
      workers: {
        maximumCPURatio: { form: 'number', nullable: true },
        minimum: { form: 'int', min: 1 },
        maximum: { form: 'int', min: 1, nullable: true },
      },
    },
    resources: { cpu: resource, memory: resource, 'ephemeral-storage': resource },
    uid: uint,
    gid: { form: 'int' },
    securityContext: { form: 'object' },
    waitBeforeExitSeconds: uint,
    await: bool,
    requireIdentityOnInboundPorts: { form: 'portList', names: false },
    opaquePorts: { form: 'portList', names: true },
    shutdownGracePeriod: duration,
    defaultInboundPolicy: { form: 'enum', values: INBOUND_POLICIES },
    outboundTransportMode: { form: 'enum', values: ['transport-header', 'transparent'] },
    nativeSidecar: bool,
    livenessProbe: probe,
    readinessProbe: probe,
    startupProbe: {
      initialDelaySeconds: uint,
      periodSeconds: { form: 'int', min: 1 },
      failureThreshold: { form: 'int', min: 1 },
    },
    control: { streams: { initialTimeout: duration, idleTimeout: duration, lifetime: duration } },
    metrics: { hostnameLabels: bool },
    tracing: {
      enabled: bool,
      traceServiceName: str,
      labels: { form: 'stringMap' },
      collector: { endpoint: str, meshIdentity: { serviceAccountName: str, namespace: str } },
    },
    inbound: { form: 'params' },
    outbound: { form: 'params' },
    accessLog: { form: 'enum', values: ['', 'apache', 'json'] },
    isIngress: bool,
    isGateway: bool,
    podInboundPorts: { form: 'portList', names: false },
    additionalEnv: { form: 'envList' },
  },
  proxyInit: {
    iptablesMode: { form: 'enum', values: ['nft', 'legacy'] },
    ignoreInboundPorts: { form: 'portList', names: false },
    ignoreOutboundPorts: { form: 'portList', names: false },
    kubeAPIServerPorts: { form: 'portList', names: false },
    skipSubnets: { form: 'cidrList' },
    logLevel: str,
    logFormat: { form: 'enum', values: ['', 'plain', 'json'] },
    closeWaitTimeoutSecs: uint,
    privileged: bool,
    runAsRoot: bool,
    runAsUser: uint,
    runAsGroup: uint,
    xtMountPath: { mountPath: str, name: str },
  },
  networkValidator: {
    logLevel: str,
    logFormat: { form: 'enum', values: ['plain', 'json'] },
    connectAddr: str,
    listenAddr: str,
    timeout: duration,
    securityContext: { form: 'object' },
  },
  debugContainer: { image },
  identity: { externalCA: bool, serviceAccountTokenProjection: bool },
};

/**
 * Sections whose other keys belong to control-plane components (not the injector) and are
 * ignored without a warning.
 */
export const OPEN_SECTIONS: ReadonlySet<string> = new Set(['identity']);

import type { Values } from './types.js';

/** The proxy image Skein injects by default; the only default that differs from Linkerd's chart. */
export const SKEIN_PROXY_IMAGE = 'ghcr.io/skein-mesh/proxy';

/** Linkerd's default opaque ports: SMTP, MySQL, Galera, PostgreSQL, Redis, ElasticSearch, Memcached. */
export const DEFAULT_OPAQUE_PORTS = '25,587,3306,4444,5432,6379,9300,11211';

/**
 * A fresh copy of Skein's default values: the defaults of Linkerd's `linkerd-control-plane`
 * chart for every value the injector reads, except `proxy.image.name` ({@link SKEIN_PROXY_IMAGE}).
 */
export function defaultValues(): Values {
  return {
    clusterDomain: 'cluster.local',
    clusterNetworks: '10.0.0.0/8,100.64.0.0/10,172.16.0.0/12,192.168.0.0/16,fd00::/8',
    imagePullPolicy: 'IfNotPresent',
    linkerdVersion: 'linkerdVersionValue',
    cniEnabled: false,
    identityTrustAnchorsPEM: '',
    identityTrustDomain: '',
    disableIPv6: true,
    proxy: {
      enableExternalProfiles: false,
      outboundConnectTimeout: '1000ms',
      inboundConnectTimeout: '100ms',
      outboundDiscoveryCacheUnusedTimeout: '5s',
      inboundDiscoveryCacheUnusedTimeout: '90s',
      disableOutboundProtocolDetectTimeout: false,
      disableInboundProtocolDetectTimeout: false,
      image: { name: SKEIN_PROXY_IMAGE, version: '', pullPolicy: '' },
      enableShutdownEndpoint: false,
      logLevel: 'warn,linkerd=info,hickory=error',
      logFormat: 'plain',
      logHTTPHeaders: 'off',
      ports: { admin: 4191, control: 4190, inbound: 4143, outbound: 4140 },
      cores: null,
      runtime: { workers: { maximumCPURatio: null, minimum: 1, maximum: null } },
      resources: {
        cpu: { limit: '', request: '' },
        memory: { limit: '', request: '' },
        'ephemeral-storage': { limit: '', request: '' },
      },
      uid: 2102,
      gid: -1,
      securityContext: {},
      waitBeforeExitSeconds: 0,
      await: true,
      requireIdentityOnInboundPorts: '',
      opaquePorts: DEFAULT_OPAQUE_PORTS,
      shutdownGracePeriod: '',
      defaultInboundPolicy: 'all-unauthenticated',
      outboundTransportMode: 'transport-header',
      nativeSidecar: true,
      livenessProbe: { initialDelaySeconds: 10, timeoutSeconds: 1 },
      readinessProbe: { initialDelaySeconds: 2, timeoutSeconds: 1 },
      startupProbe: { initialDelaySeconds: 0, periodSeconds: 1, failureThreshold: 120 },
      control: { streams: { initialTimeout: '3s', idleTimeout: '5m', lifetime: '1h' } },
      metrics: { hostnameLabels: false },
      tracing: {
        enabled: false,
        traceServiceName: 'linkerd-proxy',
        labels: {
          'k8s.pod.ip': '$(_pod_ip)',
          'k8s.pod.uid': '$(_pod_uid)',
          'k8s.container.name': '$(_pod_containerName)',
        },
        collector: { endpoint: '', meshIdentity: { serviceAccountName: '', namespace: '' } },
      },
      inbound: { server: { http2: { keepAliveInterval: '10s', keepAliveTimeout: '3s' } } },
      outbound: { server: { http2: { keepAliveInterval: '10s', keepAliveTimeout: '3s' } } },
      accessLog: '',
      isIngress: false,
      isGateway: false,
      podInboundPorts: '',
      additionalEnv: [],
    },
    proxyInit: {
      iptablesMode: 'nft',
      ignoreInboundPorts: '4567,4568',
      ignoreOutboundPorts: '4567,4568',
      kubeAPIServerPorts: '443,6443',
      skipSubnets: '',
      logLevel: '',
      logFormat: '',
      closeWaitTimeoutSecs: 0,
      privileged: false,
      runAsRoot: false,
      runAsUser: 65534,
      runAsGroup: 65534,
      xtMountPath: { mountPath: '/run', name: 'linkerd-proxy-init-xtables-lock' },
    },
    networkValidator: {
      logLevel: 'debug',
      logFormat: 'plain',
      connectAddr: '',
      listenAddr: '',
      timeout: '10s',
      securityContext: {
        allowPrivilegeEscalation: false,
        capabilities: { drop: ['ALL'] },
        readOnlyRootFilesystem: true,
        runAsGroup: 65534,
        runAsNonRoot: true,
        runAsUser: 65534,
        seccompProfile: { type: 'RuntimeDefault' },
      },
    },
    debugContainer: { image: { name: 'cr.l5d.io/linkerd/debug', version: '', pullPolicy: '' } },
    identity: { externalCA: false, serviceAccountTokenProjection: true },
    extra: {},
  };
}

/** Annotation and label names the injector reads and writes (Linkerd's, unchanged). */
export const Annotation = {
  /** `enabled`, `disabled` or `ingress`, on a workload or namespace. */
  inject: 'linkerd.io/inject',
  /** Who injected the pod. */
  createdBy: 'linkerd.io/created-by',
  /** The proxy version injected. */
  proxyVersion: 'linkerd.io/proxy-version',
  /** SHA-256 of the trust anchors PEM. */
  trustRootSha256: 'linkerd.io/trust-root-sha256',
  /** Ports whose traffic is not protocol-detected. */
  opaquePorts: 'config.linkerd.io/opaque-ports',
  /** Add the debug sidecar. */
  enableDebugSidecar: 'config.linkerd.io/enable-debug-sidecar',
} as const;

/** Label names the injector reads and writes. */
export const Label = {
  /** Namespace of the control plane. */
  controlPlaneNs: 'linkerd.io/control-plane-ns',
  /** Namespace of the workload. */
  workloadNs: 'linkerd.io/workload-ns',
  /** Prefix of `linkerd.io/proxy-<kind>: <owner name>`. */
  proxyOwnerPrefix: 'linkerd.io/proxy-',
  /** Marks a Linkerd control-plane pod. */
  controlPlaneComponent: 'linkerd.io/control-plane-component',
} as const;

/** Values of `linkerd.io/inject`. */
export const InjectMode = { enabled: 'enabled', disabled: 'disabled', ingress: 'ingress' } as const;

/** Names of the containers and volumes the injector adds. */
export const InjectedName = {
  proxy: 'linkerd-proxy',
  init: 'linkerd-init',
  networkValidator: 'linkerd-network-validator',
  debug: 'linkerd-debug',
  xtablesVolume: 'linkerd-proxy-init-xtables-lock',
  identityVolume: 'linkerd-identity-end-entity',
  tokenVolume: 'linkerd-identity-token',
  podInfoVolume: 'linkerd-podinfo',
} as const;

/** The app container path of the service-account token mount. */
export const SERVICE_ACCOUNT_MOUNT_PATH = '/var/run/secrets/kubernetes.io/serviceaccount';

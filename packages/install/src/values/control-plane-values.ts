/** A Kubernetes label selector (`matchLabels` and/or `matchExpressions`). */
export interface LabelSelector {
  /** Exact label matches. */
  matchLabels?: Record<string, string>;
  /** Set-based requirements. */
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

/** Serving certificate of an admission webhook (Linkerd's `proxyInjector.*` / `profileValidator.*`). */
export interface WebhookValues {
  /** Namespaces the webhook applies to. */
  namespaceSelector: LabelSelector;
  /** Objects the webhook applies to (the injector only). */
  objectSelector: LabelSelector | undefined;
  /** The Secret is managed elsewhere (cert-manager): no Secret is rendered and `caBundle` must be given. */
  externalSecret: boolean;
  /** Serving certificate (PEM); generated when empty. */
  crtPEM: string;
  /** Serving key (PEM); generated when empty. Never written to `linkerd-config`. */
  keyPEM: string;
  /** CA bundle of the webhook configuration; the generating CA when empty. */
  caBundle: string;
}

/** The identity issuer (`identity.issuer.*`). */
export interface IssuerValues {
  /** `linkerd.io/tls` (Secret keys `crt.pem`/`key.pem`) or `kubernetes.io/tls` (external issuer, cert-manager). */
  scheme: 'linkerd.io/tls' | 'kubernetes.io/tls';
  /** Clock-skew allowance, Go duration (`20s`). */
  clockSkewAllowance: string;
  /** Lifetime of workload certificates, Go duration (`24h0m0s`). */
  issuanceLifetime: string;
  /** Issuer certificate and key (PEM); generated when empty. */
  tls: { crtPEM: string; keyPEM: string };
}

/** Skein's own install values (the `skein.*` section; Linkerd has no equivalent). */
export interface SkeinValues {
  /** Registry of the Skein images: `<registry>/<app>:<version>`. */
  registry: string;
  /** Heartbeat target. */
  heartbeat: { url: string };
  /** The bundled Prometheus. */
  prometheus: { enabled: boolean; image: string; retention: string; scrapeInterval: string };
  /** Grafana dashboards ConfigMap (for a Grafana with the dashboards sidecar or file provisioning). */
  grafana: { dashboards: boolean };
  /** The controller (public API), tap and web components. */
  viz: { enabled: boolean };
}

/**
 * The values of the control-plane chart that the injector does not read, with Linkerd's names
 * and defaults (`charts/linkerd-control-plane/values.yaml`), plus Skein's `skein.*` section.
 */
export interface ControlPlaneValues {
  /** Replicas of each control-plane Deployment. */
  controllerReplicas: number;
  /** User id of the control-plane containers. */
  controllerUID: number;
  /** Group id of the control-plane containers; negative means unset. */
  controllerGID: number;
  /** Log level of the control-plane components. */
  controllerLogLevel: string;
  /** Log format of the control-plane components. */
  controllerLogFormat: 'plain' | 'json';
  /** Failure policy of the admission webhooks. */
  webhookFailurePolicy: 'Ignore' | 'Fail';
  /** Let the destination service hint HTTP/2 upgrades between proxies. */
  enableH2Upgrade: boolean;
  /** Spread control-plane replicas over nodes. */
  enablePodAntiAffinity: boolean;
  /** Render PodDisruptionBudgets for the control plane. */
  enablePodDisruptionBudget: boolean;
  /** Do not render the heartbeat CronJob. */
  disableHeartBeat: boolean;
  /** Cron schedule of the heartbeat; empty means daily at install time + 10 minutes (UTC). */
  heartbeatSchedule: string;
  /** External Prometheus for the heartbeat; empty means the bundled one. */
  prometheusUrl: string;
  /** Node selector of every control-plane pod. */
  nodeSelector: Record<string, string>;
  /** Image pull secrets of the control-plane service accounts. */
  imagePullSecrets: { name: string }[];
  /** Priority class of the control-plane pods. */
  priorityClassName: string;
  /** Extra annotations of every control-plane pod. */
  podAnnotations: Record<string, string>;
  /** Extra labels of every control-plane pod. */
  podLabels: Record<string, string>;
  /** Identity issuer values. */
  identity: { issuer: IssuerValues };
  /** The proxy injector webhook. */
  proxyInjector: WebhookValues & { timeoutSeconds: number };
  /** The ServiceProfile validator webhook. */
  profileValidator: WebhookValues;
  /** Skein's own values. */
  skein: SkeinValues;
}

/** The default Skein image registry. */
export const DEFAULT_REGISTRY = 'ghcr.io/skein-mesh';

/** Linkerd's version-check endpoint, the default heartbeat URL. */
export const DEFAULT_HEARTBEAT_URL = 'https://versioncheck.linkerd.io/version.json';

/** A fresh copy of the default control-plane values. */
export function defaultControlPlaneValues(): ControlPlaneValues {
  return {
    controllerReplicas: 1,
    controllerUID: 2103,
    controllerGID: -1,
    controllerLogLevel: 'info',
    controllerLogFormat: 'plain',
    webhookFailurePolicy: 'Ignore',
    enableH2Upgrade: true,
    enablePodAntiAffinity: false,
    enablePodDisruptionBudget: false,
    disableHeartBeat: false,
    heartbeatSchedule: '',
    prometheusUrl: '',
    nodeSelector: { 'kubernetes.io/os': 'linux' },
    imagePullSecrets: [],
    priorityClassName: '',
    podAnnotations: {},
    podLabels: {},
    identity: {
      issuer: {
        scheme: 'linkerd.io/tls',
        clockSkewAllowance: '20s',
        issuanceLifetime: '24h0m0s',
        tls: { crtPEM: '', keyPEM: '' },
      },
    },
    proxyInjector: {
      timeoutSeconds: 10,
      namespaceSelector: {
        matchExpressions: [
          { key: 'config.linkerd.io/admission-webhooks', operator: 'NotIn', values: ['disabled'] },
          { key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: ['kube-system', 'cert-manager'] },
        ],
      },
      objectSelector: {
        matchExpressions: [
          { key: 'linkerd.io/control-plane-component', operator: 'DoesNotExist' },
          { key: 'linkerd.io/cni-resource', operator: 'DoesNotExist' },
        ],
      },
      externalSecret: false,
      crtPEM: '',
      keyPEM: '',
      caBundle: '',
    },
    profileValidator: {
      namespaceSelector: {
        matchExpressions: [
          { key: 'config.linkerd.io/admission-webhooks', operator: 'NotIn', values: ['disabled'] },
        ],
      },
      objectSelector: undefined,
      externalSecret: false,
      crtPEM: '',
      keyPEM: '',
      caBundle: '',
    },
    skein: {
      registry: DEFAULT_REGISTRY,
      heartbeat: { url: DEFAULT_HEARTBEAT_URL },
      prometheus: {
        enabled: true,
        image: 'prom/prometheus:v2.55.1',
        retention: '6h',
        scrapeInterval: '10s',
      },
      grafana: { dashboards: true },
      viz: { enabled: true },
    },
  };
}

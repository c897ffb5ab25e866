/** Workload kinds the controller knows, as Linkerd's CLI names them (singular, lowercase). */
export const WORKLOAD_KINDS = [
  'deployment',
  'statefulset',
  'daemonset',
  'job',
  'cronjob',
  'replicaset',
  'replicationcontroller',
] as const;

/** A workload kind. */
export type WorkloadKind = (typeof WORKLOAD_KINDS)[number];

/** The proxy of a meshed pod. */
export interface PodProxy {
  /** Admin server `host:port` (`/metrics`, `/identity/certificate`). */
  readonly adminAddress: string;
  /** Tap (control) server `host:port`, when tap is enabled. */
  readonly tapAddress?: string;
  /** The proxy's mTLS identity, when known. */
  readonly identity?: string;
}

/** A pod as the controller sees it. */
export interface PodInfo {
  /** Namespace. */
  readonly namespace: string;
  /** Name. */
  readonly name: string;
  /** Pod IP. */
  readonly ip: string;
  /** Pod labels. */
  readonly labels: Readonly<Record<string, string>>;
  /** The workload that owns it. */
  readonly owner?: { readonly kind: WorkloadKind; readonly name: string };
  /** Service account. */
  readonly serviceAccount: string;
  /** Whether a Skein/Linkerd proxy runs beside it. */
  readonly meshed: boolean;
  /** Its proxy, when meshed and reachable. */
  readonly proxy?: PodProxy;
  /** Whether the pod may be tapped (meshed, tap enabled, not disabled by annotation). */
  readonly tapEnabled: boolean;
  /** Why it may not be tapped, when `tapEnabled` is false and the inventory knows. */
  readonly tapDisabledReason?: string;
  /** Whether it is running (and ready). */
  readonly running: boolean;
}

/** A service and the pods behind it. */
export interface ServiceInfo {
  /** Namespace. */
  readonly namespace: string;
  /** Name. */
  readonly name: string;
  /** `<name>.<namespace>.svc.<clusterDomain>`. */
  readonly fqdn: string;
  /** Ports. */
  readonly ports: readonly number[];
  /** Names of its pods (same namespace). */
  readonly pods: readonly string[];
}

/** A ServiceProfile's routes. */
export interface ProfileInfo {
  /** Namespace of the profile. */
  readonly namespace: string;
  /** Its name: the service FQDN. */
  readonly name: string;
  /** Route names, in order. */
  readonly routes: readonly string[];
}

/**
 * Where the controller learns which pods exist, which workload and services they belong to,
 * whether they are meshed and where their proxies listen. Two implementations:
 * {@link KubernetesInventory} (the Kubernetes API) and {@link StaticInventory} (a file, for a
 * mesh on one machine).
 */
export interface Inventory {
  /** Namespaces with pods or services. */
  namespaces(): Promise<string[]>;
  /** Pods of a namespace, or of all namespaces. */
  pods(namespace?: string): Promise<PodInfo[]>;
  /** Services of a namespace, or of all namespaces. */
  services(namespace?: string): Promise<ServiceInfo[]>;
  /** ServiceProfiles (for `routes`), when the inventory knows them. */
  profiles(namespace?: string): Promise<ProfileInfo[]>;
}

/**
 * The labels a pod's metrics carry once scraped (as Linkerd's Prometheus relabeling adds):
 * `namespace`, `pod`, the owner's kind as label (`deployment="web"`) and `serviceaccount`.
 */
export function podResourceLabels(pod: PodInfo): Record<string, string> {
  const labels: Record<string, string> = { namespace: pod.namespace, pod: pod.name };
  if (pod.owner !== undefined) labels[pod.owner.kind] = pod.owner.name;
  labels.serviceaccount = pod.serviceAccount;
  return labels;
}

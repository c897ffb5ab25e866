import {
  CoreV1Api,
  CustomObjectsApi,
  type KubeConfig,
  type V1Pod,
  type V1Service,
} from '@kubernetes/client-node';
import { InventoryError } from '../errors.js';
import type { Inventory, PodInfo, ProfileInfo, ServiceInfo, WorkloadKind } from './inventory.js';
import { compileLabelSelector } from './label-selector.js';

/** Options of {@link KubernetesInventory}. */
export interface KubernetesInventoryOptions {
  /** Where the API server is and how to authenticate. */
  readonly kubeConfig: KubeConfig;
  /** Cluster domain for service FQDNs (default `cluster.local`). */
  readonly clusterDomain?: string;
  /**
   * Namespace of this control plane: pods meshed by another one (`linkerd.io/control-plane-ns`)
   * cannot be tapped. Default: pods of any control plane can.
   */
  readonly controlPlaneNamespace?: string;
}

const PROXY_CONTAINER = 'linkerd-proxy';
const TAP_ENABLED = 'viz.linkerd.io/tap-enabled';
const DISABLE_TAP = 'viz.linkerd.io/disable-tap';
const CONTROL_PLANE_NS = 'linkerd.io/control-plane-ns';
// Go's strconv.ParseBool, as Linkerd reads these annotations.
const TRUE_WORDS = new Set(['1', 't', 'T', 'TRUE', 'true', 'True']);

function isTrue(annotations: Readonly<Record<string, string>> | undefined, name: string): boolean {
  const value = annotations?.[name];
  return value !== undefined && TRUE_WORDS.has(value);
}
const OWNER_KINDS: Record<string, WorkloadKind> = {
  Deployment: 'deployment',
  StatefulSet: 'statefulset',
  DaemonSet: 'daemonset',
  Job: 'job',
  CronJob: 'cronjob',
  ReplicaSet: 'replicaset',
  ReplicationController: 'replicationcontroller',
};

function portOf(addr: string | undefined, fallback: number): number {
  const m = addr === undefined ? null : /:(\d+)$/.exec(addr);
  return m === null ? fallback : Number(m[1]);
}

/** What decides whether a pod can be tapped, besides the pod itself. */
export interface PodTapContext {
  /** `viz.linkerd.io/disable-tap` is set on the pod's namespace. */
  readonly namespaceTapDisabled?: boolean;
  /** This control plane's namespace; pods meshed by another are not tappable. Default: any. */
  readonly controlPlaneNamespace?: string;
}

function tapProblem(
  pod: V1Pod,
  meshed: boolean,
  tapSvc: string | undefined,
  context: PodTapContext,
): string | undefined {
  const meta = pod.metadata ?? {};
  if (!meshed) return 'not meshed';
  const controlPlane = meta.labels?.[CONTROL_PLANE_NS];
  const mine = context.controlPlaneNamespace;
  if (mine !== undefined && controlPlane !== mine)
    return `meshed by ${controlPlane === undefined ? 'no known control plane' : `the control plane in namespace ${controlPlane}`}, not this one (${mine})`;
  if (context.namespaceTapDisabled === true)
    return `tap is disabled by ${DISABLE_TAP} on namespace ${meta.namespace ?? 'default'}`;
  if (isTrue(meta.annotations, DISABLE_TAP)) return `tap is disabled by ${DISABLE_TAP} on the pod`;
  if (!isTrue(meta.annotations, TAP_ENABLED))
    return `not annotated ${TAP_ENABLED}=true: the tap injector did not run when it was created (restart it to enable tap)`;
  if (tapSvc === undefined) return 'its proxy has no LINKERD2_PROXY_TAP_SVC_NAME: tap is off in the proxy';
  return undefined;
}

/**
 * Reads a pod the way Linkerd does: meshed when it runs the `linkerd-proxy` container; admin
 * and tap ports from the proxy's `LINKERD2_PROXY_{ADMIN,CONTROL}_LISTEN_ADDR` (4191, 4190);
 * tappable, as Linkerd's tap API selects pods, when meshed by this control plane, annotated
 * `viz.linkerd.io/tap-enabled=true` by the tap injector with `LINKERD2_PROXY_TAP_SVC_NAME` set,
 * and not opted out with `viz.linkerd.io/disable-tap` on the pod or its namespace (otherwise
 * `tapDisabledReason` says why); a ReplicaSet owner named `<deployment>-<pod-template-hash>`
 * counts as the Deployment. A boolean `context` is the namespace's `disable-tap`.
 */
export function podInfoFromKubernetes(pod: V1Pod, context: PodTapContext | boolean = {}): PodInfo {
  const tapContext = typeof context === 'boolean' ? { namespaceTapDisabled: context } : context;
  const meta = pod.metadata ?? {};
  const labels = meta.labels ?? {};
  const proxy =
    pod.spec?.containers.find((c) => c.name === PROXY_CONTAINER) ??
    pod.spec?.initContainers?.find((c) => c.name === PROXY_CONTAINER);
  const env = new Map((proxy?.env ?? []).map((e) => [e.name, e.value]));
  const ip = pod.status?.podIP ?? '';
  let owner: PodInfo['owner'];
  const ref = meta.ownerReferences?.find((r) => r.controller) ?? meta.ownerReferences?.[0];
  if (ref !== undefined && OWNER_KINDS[ref.kind] !== undefined) {
    const hash = labels['pod-template-hash'];
    owner =
      ref.kind === 'ReplicaSet' && hash !== undefined && ref.name.endsWith(`-${hash}`)
        ? { kind: 'deployment', name: ref.name.slice(0, -hash.length - 1) }
        : { kind: OWNER_KINDS[ref.kind]!, name: ref.name };
  }
  const meshed = proxy !== undefined;
  const ready = pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
  const tapSvc = env.get('LINKERD2_PROXY_TAP_SVC_NAME');
  const identity = env.get('LINKERD2_PROXY_IDENTITY_LOCAL_NAME');
  const tapProblemText = tapProblem(pod, meshed, tapSvc, tapContext);
  return {
    namespace: meta.namespace ?? 'default',
    name: meta.name ?? '',
    ip,
    labels,
    ...(owner === undefined ? {} : { owner }),
    serviceAccount: pod.spec?.serviceAccountName ?? 'default',
    meshed,
    ...(meshed && ip !== ''
      ? {
          proxy: {
            adminAddress: `${ip.includes(':') ? `[${ip}]` : ip}:${portOf(env.get('LINKERD2_PROXY_ADMIN_LISTEN_ADDR'), 4191)}`,
            ...(tapSvc === undefined
              ? {}
              : {
                  tapAddress: `${ip.includes(':') ? `[${ip}]` : ip}:${portOf(env.get('LINKERD2_PROXY_CONTROL_LISTEN_ADDR'), 4190)}`,
                }),
            ...(identity === undefined || identity.includes('$(') ? {} : { identity }),
          },
        }
      : {}),
    tapEnabled: tapProblemText === undefined,
    ...(tapProblemText === undefined || !meshed ? {} : { tapDisabledReason: tapProblemText }),
    running: pod.status?.phase === 'Running' && ready,
  };
}

/** An inventory read from the Kubernetes API on each call (pods, services, ServiceProfiles). */
export class KubernetesInventory implements Inventory {
  readonly #core: CoreV1Api;
  readonly #custom: CustomObjectsApi;
  readonly #domain: string;
  readonly #controlPlane: string | undefined;

  constructor(options: KubernetesInventoryOptions) {
    this.#core = options.kubeConfig.makeApiClient(CoreV1Api);
    this.#custom = options.kubeConfig.makeApiClient(CustomObjectsApi);
    this.#domain = options.clusterDomain ?? 'cluster.local';
    this.#controlPlane = options.controlPlaneNamespace;
  }

  async namespaces(): Promise<string[]> {
    const list = await this.#call('list namespaces', () => this.#core.listNamespace());
    return list.items
      .map((n) => n.metadata?.name ?? '')
      .filter((n) => n !== '')
      .sort();
  }

  async pods(namespace?: string): Promise<PodInfo[]> {
    const list = await this.#call(`list pods${namespace === undefined ? '' : ` in ${namespace}`}`, () =>
      namespace === undefined
        ? this.#core.listPodForAllNamespaces()
        : this.#core.listNamespacedPod({ namespace }),
    );
    const disabled = await this.#tapDisabledNamespaces();
    return list.items.map((p) =>
      podInfoFromKubernetes(p, {
        namespaceTapDisabled: disabled.has(p.metadata?.namespace ?? ''),
        ...(this.#controlPlane === undefined ? {} : { controlPlaneNamespace: this.#controlPlane }),
      }),
    );
  }

  async services(namespace?: string): Promise<ServiceInfo[]> {
    const [list, pods] = await Promise.all([
      this.#call(`list services${namespace === undefined ? '' : ` in ${namespace}`}`, () =>
        namespace === undefined
          ? this.#core.listServiceForAllNamespaces()
          : this.#core.listNamespacedService({ namespace }),
      ),
      this.pods(namespace),
    ]);
    return list.items.map((s) => this.#service(s, pods));
  }

  async profiles(namespace?: string): Promise<ProfileInfo[]> {
    const group = 'linkerd.io';
    const version = 'v1alpha2';
    const plural = 'serviceprofiles';
    let list: {
      items?: { metadata?: { name?: string; namespace?: string }; spec?: { routes?: { name?: string }[] } }[];
    };
    try {
      list = (
        namespace === undefined
          ? await this.#custom.listClusterCustomObject({ group, version, plural })
          : await this.#custom.listNamespacedCustomObject({ group, version, namespace, plural })
      ) as typeof list;
    } catch {
      // No ServiceProfile CRD installed: no profiles.
      return [];
    }
    return (list.items ?? []).map((p) => ({
      namespace: p.metadata?.namespace ?? 'default',
      name: p.metadata?.name ?? '',
      routes: (p.spec?.routes ?? []).map((r) => r.name ?? ''),
    }));
  }

  #service(s: V1Service, pods: readonly PodInfo[]): ServiceInfo {
    const ns = s.metadata?.namespace ?? 'default';
    const name = s.metadata?.name ?? '';
    const selector = s.spec?.selector ?? {};
    const match = compileLabelSelector(
      Object.entries(selector)
        .map(([k, v]) => `${k}=${v}`)
        .join(','),
    );
    return {
      namespace: ns,
      name,
      fqdn: `${name}.${ns}.svc.${this.#domain}`,
      ports: (s.spec?.ports ?? []).map((p) => p.port),
      pods:
        Object.keys(selector).length === 0
          ? []
          : pods.filter((p) => p.namespace === ns && match(p.labels)).map((p) => p.name),
    };
  }

  async #tapDisabledNamespaces(): Promise<Set<string>> {
    try {
      const list = await this.#core.listNamespace();
      return new Set(
        list.items
          .filter((n) => isTrue(n.metadata?.annotations, DISABLE_TAP))
          .map((n) => n.metadata?.name ?? ''),
      );
    } catch {
      return new Set();
    }
  }

  async #call<T>(what: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (cause) {
      throw new InventoryError(
        `Kubernetes API: could not ${what}: ${cause instanceof Error ? cause.message : String(cause)}`,
        { cause },
      );
    }
  }
}

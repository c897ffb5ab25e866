import type { TapPod, TapTarget, TapTargetResolver } from '@skein/tap';
import { TapNotFoundError } from '@skein/tap';
import { InvalidQueryError } from '../errors.js';
import { type Inventory, type PodInfo, podResourceLabels, WORKLOAD_KINDS } from './inventory.js';
import { compileLabelSelector } from './label-selector.js';

/** Resource kinds the API answers for. */
export const RESOURCE_KINDS = ['namespace', ...WORKLOAD_KINDS, 'pod', 'service', 'authority'] as const;

/** A resource kind (canonical, singular). */
export type ResourceKind = (typeof RESOURCE_KINDS)[number];

const ALIASES: Record<string, ResourceKind> = {
  ns: 'namespace',
  namespaces: 'namespace',
  deploy: 'deployment',
  deployments: 'deployment',
  sts: 'statefulset',
  statefulsets: 'statefulset',
  ds: 'daemonset',
  daemonsets: 'daemonset',
  jobs: 'job',
  cj: 'cronjob',
  cronjobs: 'cronjob',
  rs: 'replicaset',
  replicasets: 'replicaset',
  rc: 'replicationcontroller',
  replicationcontrollers: 'replicationcontroller',
  po: 'pod',
  pods: 'pod',
  svc: 'service',
  services: 'service',
  au: 'authority',
  authorities: 'authority',
};

/**
 * The canonical kind for a name or alias as Linkerd's CLI accepts them (`deploy`, `po`, `svc`,
 * `ns`, `au`, plurals).
 * @throws {@link InvalidQueryError} naming the accepted kinds.
 */
export function canonicalKind(text: string, parameter = 'kind'): ResourceKind {
  const t = text.toLowerCase();
  if ((RESOURCE_KINDS as readonly string[]).includes(t)) return t as ResourceKind;
  const alias = ALIASES[t];
  if (alias !== undefined) return alias;
  throw new InvalidQueryError(
    parameter,
    text,
    `a resource kind: ${RESOURCE_KINDS.join(', ')} (or deploy, po, svc, ns, au, …)`,
  );
}

/** A resource named by kind, namespace and optionally name. */
export interface ResourceRef {
  /** Kind. */
  readonly kind: ResourceKind;
  /** Namespace (for `namespace`, its own name). */
  readonly namespace: string;
  /** Name; absent means every resource of the kind. */
  readonly name?: string;
}

/** A resource with its pods. */
export interface ResourceGroup {
  /** Kind. */
  readonly kind: ResourceKind;
  /** Namespace. */
  readonly namespace: string;
  /** Name. */
  readonly name: string;
  /** Its pods. */
  readonly pods: readonly PodInfo[];
}

/**
 * Lists the resources of a kind with their pods (every namespace when `namespace` is
 * undefined). Authorities have no pods and are not listed here.
 */
export async function listResources(
  inventory: Inventory,
  kind: ResourceKind,
  namespace: string | undefined,
  labelSelector?: string,
): Promise<ResourceGroup[]> {
  const select = compileLabelSelector(labelSelector);
  if (kind === 'authority') return [];
  if (kind === 'namespace') {
    const [names, pods] = await Promise.all([inventory.namespaces(), inventory.pods()]);
    return names
      .filter((n) => namespace === undefined || n === namespace)
      .map((n) => ({
        kind,
        namespace: n,
        name: n,
        pods: pods.filter((p) => p.namespace === n && select(p.labels)),
      }));
  }
  const pods = (await inventory.pods(namespace)).filter((p) => select(p.labels));
  if (kind === 'pod') return pods.map((p) => ({ kind, namespace: p.namespace, name: p.name, pods: [p] }));
  if (kind === 'service') {
    const services = await inventory.services(namespace);
    return services.map((s) => ({
      kind,
      namespace: s.namespace,
      name: s.name,
      pods: pods.filter((p) => p.namespace === s.namespace && s.pods.includes(p.name)),
    }));
  }
  const groups = new Map<string, { namespace: string; name: string; pods: PodInfo[] }>();
  for (const p of pods) {
    if (p.owner?.kind !== kind) continue;
    const key = `${p.namespace}/${p.owner.name}`;
    let g = groups.get(key);
    if (g === undefined) {
      g = { namespace: p.namespace, name: p.owner.name, pods: [] };
      groups.set(key, g);
    }
    g.pods.push(p);
  }
  return [...groups.values()].map((g) => ({ kind, ...g }));
}

/** A printable `kind/name` (`deployment/web`). */
export function describeResource(r: { kind: string; namespace: string; name?: string | undefined }): string {
  return r.kind === 'namespace'
    ? `namespace/${r.name ?? r.namespace}`
    : `${r.kind}/${r.name ?? '*'} in namespace ${r.namespace}`;
}

function tapPod(p: PodInfo): TapPod {
  const reason = !p.meshed
    ? 'not meshed'
    : p.proxy?.tapAddress === undefined || !p.tapEnabled
      ? (p.tapDisabledReason ??
        'tap is not enabled on its proxy (LINKERD2_PROXY_TAP_SVC_NAME unset or viz.linkerd.io/disable-tap)')
      : !p.running
        ? 'not running'
        : undefined;
  return {
    namespace: p.namespace,
    name: p.name,
    ip: p.ip,
    tapAddress: p.proxy?.tapAddress ?? '',
    labels: podResourceLabels(p),
    tappable: reason === undefined,
    ...(reason === undefined ? {} : { reason }),
  };
}

/**
 * The tap aggregator's view of an inventory: a target's pods (unknown kinds and resources are
 * a {@link @skein/tap!index.TapNotFoundError | TapNotFoundError} naming them) and IP → pod for hydration (ambiguous IPs, e.g. many
 * pods on 127.0.0.1, are not hydrated).
 */
export function inventoryTapResolver(inventory: Inventory): TapTargetResolver & { refresh(): Promise<void> } {
  let byIp = new Map<string, TapPod | null>();
  const refresh = async () => {
    const next = new Map<string, TapPod | null>();
    for (const p of await inventory.pods()) next.set(p.ip, next.has(p.ip) ? null : tapPod(p));
    byIp = next;
  };
  return {
    refresh,
    podByIp: (ip) => byIp.get(ip) ?? undefined,
    async resolveTapTarget(target: TapTarget) {
      let kind: ResourceKind;
      try {
        kind = canonicalKind(target.kind);
      } catch (err) {
        throw new TapNotFoundError((err as Error).message);
      }
      if (kind === 'authority')
        throw new TapNotFoundError(
          'tap: authorities cannot be tapped; tap a workload with --authority instead',
        );
      await refresh();
      const ns = kind === 'namespace' ? (target.name ?? target.namespace) : target.namespace;
      const groups = await listResources(inventory, kind, ns, target.labelSelector);
      const chosen = target.name === undefined ? groups : groups.filter((g) => g.name === target.name);
      if (chosen.length === 0)
        throw new TapNotFoundError(`tap: ${describeResource({ ...target, kind })} not found`);
      return chosen.flatMap((g) => g.pods.map(tapPod));
    },
  };
}

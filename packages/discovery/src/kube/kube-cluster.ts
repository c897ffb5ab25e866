import type {
  KubeConfig,
  KubernetesObject,
  V1EndpointSlice,
  V1Job,
  V1Node,
  V1Pod,
  V1ReplicaSet,
  V1Service,
} from '@kubernetes/client-node';
import { type Logger, nullLogger, validateServiceProfile } from '@skein/core';
import type { Registry } from 'prom-client';
import { filter, firstValueFrom, map, type Subscription, take } from 'rxjs';
import type { BackoffOptions } from '../backoff.js';
import { type Interest, InterestRouter } from './interest-router.js';
import { kinds, type PolicyServer, type ServiceProfileResource } from './resource-kinds.js';
import { type ResourceEvent, type ResourceKind, ResourceWatch } from './resource-watch.js';
import { WatchMetrics } from './watch-metrics.js';

/** Options of {@link KubeCluster}. */
export interface KubeClusterOptions {
  /** Where the API server is (in-cluster config or a kubeconfig). */
  readonly kubeConfig: KubeConfig;
  /** Logs watch failures. */
  readonly logger?: Logger;
  /** Registers `skein_destination_watch_*` metrics. */
  readonly registry?: Registry;
  /** Restart backoff of failed watches. */
  readonly backoff?: BackoffOptions;
  /** Watch ReplicaSets and Jobs to name a pod's Deployment or CronJob in metric labels (default true). */
  readonly resolveOwners?: boolean;
}

/** The label EndpointSlices carry naming their Service. */
export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';

const key = (ns: string | undefined, name: string | undefined) => `${ns ?? ''}/${name ?? ''}`;

function addTo<K, V>(index: Map<K, Set<V>>, k: K, v: V): void {
  let set = index.get(k);
  if (set === undefined) {
    set = new Set();
    index.set(k, set);
  }
  set.add(v);
}

function removeFrom<K, V>(index: Map<K, Set<V>>, k: K, v: V): void {
  const set = index.get(k);
  if (set === undefined) return;
  set.delete(v);
  if (set.size === 0) index.delete(k);
}

/** A service's cluster IPs (`None` excluded). */
export function serviceIps(svc: V1Service): string[] {
  const ips = svc.spec?.clusterIPs ?? (svc.spec?.clusterIP ? [svc.spec.clusterIP] : []);
  return ips.filter((ip) => ip !== '' && ip !== 'None');
}

/** A pod's IPs. */
export function podIps(pod: V1Pod): string[] {
  const ips = pod.status?.podIPs?.map((p) => p.ip) ?? (pod.status?.podIP ? [pod.status.podIP] : []);
  return ips.filter((ip): ip is string => typeof ip === 'string' && ip !== '');
}

/**
 * The cluster as the destination service sees it: one informer per resource kind (Services,
 * EndpointSlices, Pods, Nodes, ServiceProfiles, Servers, and ReplicaSets/Jobs for owner names),
 * indexes over them, and change notifications routed by key to the views that depend on them.
 */
export class KubeCluster {
  readonly #logger: Logger;
  readonly #router = new InterestRouter();
  readonly #watches: ResourceWatch<KubernetesObject>[] = [];
  readonly #subscriptions: Subscription[] = [];
  readonly #services = new Map<string, V1Service>();
  readonly #servicesByIp = new Map<string, Set<string>>();
  readonly #slices = new Map<string, Map<string, V1EndpointSlice>>();
  readonly #sliceService = new Map<string, string>();
  readonly #pods = new Map<string, V1Pod>();
  readonly #podsByIp = new Map<string, Set<string>>();
  readonly #servers = new Map<string, Map<string, PolicyServer>>();
  readonly #profiles = new Map<string, ServiceProfileResource>();
  readonly #nodes = new Map<string, V1Node>();
  readonly #replicaSets = new Map<string, V1ReplicaSet>();
  readonly #jobs = new Map<string, V1Job>();
  readonly #pending: Array<() => Subscription> = [];
  #ready: Promise<void> | undefined;
  #started = false;

  constructor(options: KubeClusterOptions) {
    this.#logger = options.logger ?? nullLogger;
    const metrics = new WatchMetrics(options.registry);
    const watch = <T extends KubernetesObject>(
      kind: ResourceKind<T>,
      apply: (e: ResourceEvent<T>) => void,
    ) => {
      const w = new ResourceWatch(options.kubeConfig, kind, {
        logger: this.#logger,
        metrics,
        ...(options.backoff === undefined ? {} : { backoff: options.backoff }),
      });
      this.#watches.push(w as unknown as ResourceWatch<KubernetesObject>);
      this.#pending.push(() => w.events().subscribe((e) => apply(e)));
    };
    watch(kinds.services, (e) => this.#applyService(e));
    watch(kinds.endpointSlices, (e) => this.#applySlice(e));
    watch(kinds.pods, (e) => this.#applyPod(e));
    watch(kinds.nodes, (e) => this.#applySimple(e, this.#nodes, (o) => `node:${o.metadata?.name}`, false));
    watch(kinds.serviceProfiles, (e) => this.#applyProfile(e));
    watch(kinds.servers, (e) => this.#applyServer(e));
    if (options.resolveOwners !== false) {
      watch(kinds.replicaSets, (e) =>
        this.#applySimple(
          e,
          this.#replicaSets,
          (o) => `owner:${key(o.metadata?.namespace, o.metadata?.name)}`,
          true,
        ),
      );
      watch(kinds.jobs, (e) =>
        this.#applySimple(
          e,
          this.#jobs,
          (o) => `owner:${key(o.metadata?.namespace, o.metadata?.name)}`,
          true,
        ),
      );
    }
  }

  /** Starts every watch (once); resolves when all have listed. */
  ready(): Promise<void> {
    if (!this.#started) {
      this.#started = true;
      const synced = this.#watches.map((w) =>
        w.synced
          ? Promise.resolve()
          : firstValueFrom(
              w.events().pipe(
                filter((e) => e.type === 'synced'),
                take(1),
                map(() => undefined),
              ),
            ),
      );
      for (const start of this.#pending) this.#subscriptions.push(start());
      this.#ready = Promise.all(synced).then(() => {
        this.#logger.info('kubernetes caches synced');
      });
    }
    return this.#ready as Promise<void>;
  }

  /** True when every watch has listed at least once. */
  get synced(): boolean {
    return this.#watches.every((w) => w.synced);
  }

  /** Stops every watch. */
  stop(): void {
    for (const s of this.#subscriptions.splice(0)) s.unsubscribe();
  }

  /** Registers a view's interest in change keys; see {@link Interest}. */
  interest(callback: () => void): Interest {
    return this.#router.register(callback);
  }

  /** A Service. */
  service(namespace: string, name: string): V1Service | undefined {
    return this.#services.get(key(namespace, name));
  }

  /** Services whose cluster IPs include `ip`. */
  servicesByIp(ip: string): V1Service[] {
    return [...(this.#servicesByIp.get(ip) ?? [])].map((k) => this.#services.get(k)!).filter(Boolean);
  }

  /** The EndpointSlices of a Service. */
  slices(namespace: string, service: string): V1EndpointSlice[] {
    return [...(this.#slices.get(key(namespace, service))?.values() ?? [])];
  }

  /** A Pod. */
  pod(namespace: string, name: string): V1Pod | undefined {
    return this.#pods.get(key(namespace, name));
  }

  /** Pods with `ip` among their pod IPs (host-network pods excluded). */
  podsByIp(ip: string): V1Pod[] {
    return [...(this.#podsByIp.get(ip) ?? [])].map((k) => this.#pods.get(k)!).filter(Boolean);
  }

  /** The Servers of a namespace. */
  servers(namespace: string): PolicyServer[] {
    return [...(this.#servers.get(namespace)?.values() ?? [])];
  }

  /** A valid ServiceProfile (invalid ones are ignored and logged). */
  profile(namespace: string, name: string): ServiceProfileResource | undefined {
    return this.#profiles.get(key(namespace, name));
  }

  /** A Node. */
  node(name: string): V1Node | undefined {
    return this.#nodes.get(name);
  }

  /** A ReplicaSet. */
  replicaSet(namespace: string, name: string): V1ReplicaSet | undefined {
    return this.#replicaSets.get(key(namespace, name));
  }

  /** A Job. */
  job(namespace: string, name: string): V1Job | undefined {
    return this.#jobs.get(key(namespace, name));
  }

  /** Objects held per kind, for diagnostics and benchmarks. */
  counts(): Record<string, number> {
    let slices = 0;
    for (const m of this.#slices.values()) slices += m.size;
    return {
      services: this.#services.size,
      endpointslices: slices,
      pods: this.#pods.size,
      nodes: this.#nodes.size,
      serviceprofiles: this.#profiles.size,
      servers: [...this.#servers.values()].reduce((n, m) => n + m.size, 0),
      replicasets: this.#replicaSets.size,
      jobs: this.#jobs.size,
    };
  }

  #applyService(e: ResourceEvent<V1Service>): void {
    if (e.type === 'synced') return;
    const k = key(e.object.metadata?.namespace, e.object.metadata?.name);
    const old = this.#services.get(k);
    for (const ip of old === undefined ? [] : serviceIps(old)) {
      removeFrom(this.#servicesByIp, ip, k);
      this.#router.notify(`ip:${ip}`);
    }
    if (e.type === 'deleted') this.#services.delete(k);
    else {
      this.#services.set(k, e.object);
      for (const ip of serviceIps(e.object)) {
        addTo(this.#servicesByIp, ip, k);
        this.#router.notify(`ip:${ip}`);
      }
    }
    this.#router.notify(`svc:${k}`);
  }

  #applySlice(e: ResourceEvent<V1EndpointSlice>): void {
    if (e.type === 'synced') return;
    const ns = e.object.metadata?.namespace;
    const sliceKey = key(ns, e.object.metadata?.name);
    const before = this.#sliceService.get(sliceKey);
    if (before !== undefined) {
      const m = this.#slices.get(before);
      m?.delete(sliceKey);
      if (m?.size === 0) this.#slices.delete(before);
      this.#sliceService.delete(sliceKey);
      this.#router.notify(`svc:${before}`);
    }
    const service = e.object.metadata?.labels?.[SERVICE_NAME_LABEL];
    if (e.type !== 'deleted' && service !== undefined) {
      const svcKey = key(ns, service);
      let m = this.#slices.get(svcKey);
      if (m === undefined) {
        m = new Map();
        this.#slices.set(svcKey, m);
      }
      m.set(sliceKey, e.object);
      this.#sliceService.set(sliceKey, svcKey);
      this.#router.notify(`svc:${svcKey}`);
    }
  }

  #applyPod(e: ResourceEvent<V1Pod>): void {
    if (e.type === 'synced') return;
    const k = key(e.object.metadata?.namespace, e.object.metadata?.name);
    const old = this.#pods.get(k);
    if (old !== undefined && old.spec?.hostNetwork !== true) {
      for (const ip of podIps(old)) {
        removeFrom(this.#podsByIp, ip, k);
        this.#router.notify(`ip:${ip}`);
      }
    }
    if (e.type === 'deleted') this.#pods.delete(k);
    else {
      this.#pods.set(k, e.object);
      if (e.object.spec?.hostNetwork !== true) {
        for (const ip of podIps(e.object)) {
          addTo(this.#podsByIp, ip, k);
          this.#router.notify(`ip:${ip}`);
        }
      }
    }
    this.#router.notify(`pod:${k}`);
  }

  #applyServer(e: ResourceEvent<PolicyServer>): void {
    if (e.type === 'synced') return;
    const ns = e.object.metadata?.namespace ?? '';
    const name = e.object.metadata?.name ?? '';
    let m = this.#servers.get(ns);
    if (e.type === 'deleted') {
      m?.delete(name);
      if (m?.size === 0) this.#servers.delete(ns);
    } else {
      if (m === undefined) {
        m = new Map();
        this.#servers.set(ns, m);
      }
      m.set(name, e.object);
    }
    this.#router.notify(`srv:${ns}`);
  }

  #applyProfile(e: ResourceEvent<ServiceProfileResource>): void {
    if (e.type === 'synced') return;
    const k = key(e.object.metadata?.namespace, e.object.metadata?.name);
    if (e.type === 'deleted') this.#profiles.delete(k);
    else {
      try {
        // Strip server-set metadata the validator does not know before checking the spec.
        const { apiVersion, kind, spec } = e.object;
        validateServiceProfile({
          apiVersion,
          kind,
          metadata: { name: e.object.metadata?.name, namespace: e.object.metadata?.namespace },
          spec,
        });
        this.#profiles.set(k, e.object);
      } catch (err) {
        this.#logger.warn({ profile: k, err: (err as Error).message }, 'ignoring invalid ServiceProfile');
        this.#profiles.delete(k);
      }
    }
    this.#router.notify(`sp:${k}`);
  }

  #applySimple<T extends KubernetesObject>(
    e: ResourceEvent<T>,
    index: Map<string, T>,
    changeKey: (o: T) => string,
    namespaced: boolean,
  ): void {
    if (e.type === 'synced') return;
    const k = namespaced
      ? key(e.object.metadata?.namespace, e.object.metadata?.name)
      : (e.object.metadata?.name ?? '');
    if (e.type === 'deleted') index.delete(k);
    else index.set(k, e.object);
    this.#router.notify(changeKey(e.object));
  }
}

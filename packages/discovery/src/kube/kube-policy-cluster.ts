import type { KubeConfig, KubernetesObject, V1Pod } from '@kubernetes/client-node';
import { type Logger, nullLogger } from '@skein/core';
import type { Registry } from 'prom-client';
import { filter, firstValueFrom, map, type Subscription, take } from 'rxjs';
import type { BackoffOptions } from '../backoff.js';
import type { PolicyIndex, PolicyPod } from '../policy/policy-index.js';
import {
  type AuthorizationPolicySpec,
  type MeshTLSAuthenticationSpec,
  type NetworkAuthenticationSpec,
  parseAuthorizationPolicy,
  parseMeshTLSAuthentication,
  parseNetworkAuthentication,
  parseServer,
  parseServerAuthorization,
  type ResourceId,
  type ServerAuthorizationSpec,
  type ServerSpec,
} from '../policy/policy-resources.js';
import { type Interest, InterestRouter } from './interest-router.js';
import { policyKinds, policyPod } from './policy-kinds.js';
import { PolicyWatchMetrics } from './policy-watch-metrics.js';
import { type ResourceEvent, type ResourceKind, ResourceWatch } from './resource-watch.js';

/** Options of {@link KubePolicyCluster}. */
export interface KubePolicyClusterOptions {
  /** Where the API server is (in-cluster config or a kubeconfig). */
  readonly kubeConfig: KubeConfig;
  /** Logs watch failures and resources that cannot be used. */
  readonly logger?: Logger;
  /** Registers `skein_policy_watch_*` metrics. */
  readonly registry?: Registry;
  /** Restart backoff of failed watches. */
  readonly backoff?: BackoffOptions;
}

/** Resources of one kind by namespace, each namespace's list kept sorted by name. */
class NamespacedStore<T extends ResourceId> {
  readonly #byNs = new Map<string, Map<string, T>>();
  readonly #sorted = new Map<string, T[]>();

  get size(): number {
    let n = 0;
    for (const m of this.#byNs.values()) n += m.size;
    return n;
  }

  set(ns: string, name: string, value: T | undefined): void {
    let m = this.#byNs.get(ns);
    if (value === undefined) {
      m?.delete(name);
      if (m?.size === 0) this.#byNs.delete(ns);
    } else {
      if (m === undefined) {
        m = new Map();
        this.#byNs.set(ns, m);
      }
      m.set(name, value);
    }
    this.#sorted.delete(ns);
  }

  get(ns: string, name: string): T | undefined {
    return this.#byNs.get(ns)?.get(name);
  }

  list(ns: string): readonly T[] {
    let list = this.#sorted.get(ns);
    if (list === undefined) {
      list = [...(this.#byNs.get(ns)?.values() ?? [])].sort((a, b) =>
        a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
      );
      this.#sorted.set(ns, list);
    }
    return list;
  }
}

/**
 * The cluster as Linkerd's policy controller sees it: one watch each of Pods (trimmed to labels,
 * policy annotations, named ports and probes), Servers, ServerAuthorizations,
 * AuthorizationPolicies, MeshTLSAuthentications and NetworkAuthentications; resources read into
 * policy specs as they arrive (one that does not read is logged and counts as absent); changes
 * routed by key (`pod:ns/name`, `srv:ns`, `authz:ns`, `mtls:ns/name`, `netauthn:ns/name`) to the
 * views that read them.
 */
export class KubePolicyCluster implements PolicyIndex {
  readonly #logger: Logger;
  readonly #router = new InterestRouter();
  readonly #watches: ResourceWatch<KubernetesObject>[] = [];
  readonly #pending: Array<() => Subscription> = [];
  readonly #subscriptions: Subscription[] = [];
  readonly #pods = new Map<string, PolicyPod>();
  readonly #servers = new NamespacedStore<ServerSpec>();
  readonly #sazs = new NamespacedStore<ServerAuthorizationSpec>();
  readonly #aps = new NamespacedStore<AuthorizationPolicySpec>();
  readonly #mtls = new NamespacedStore<MeshTLSAuthenticationSpec>();
  readonly #nets = new NamespacedStore<NetworkAuthenticationSpec>();
  #ready: Promise<void> | undefined;

  constructor(options: KubePolicyClusterOptions) {
    this.#logger = options.logger ?? nullLogger;
    const metrics = new PolicyWatchMetrics(options.registry);
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
    watch(policyKinds.pods, (e) => this.#applyPod(e));
    watch(policyKinds.servers, (e) => this.#apply(e, this.#servers, parseServer, (ns) => `srv:${ns}`));
    watch(policyKinds.serverAuthorizations, (e) =>
      this.#apply(e, this.#sazs, parseServerAuthorization, (ns) => `authz:${ns}`),
    );
    watch(policyKinds.authorizationPolicies, (e) =>
      this.#apply(e, this.#aps, parseAuthorizationPolicy, (ns) => `authz:${ns}`),
    );
    watch(policyKinds.meshTLSAuthentications, (e) =>
      this.#apply(e, this.#mtls, parseMeshTLSAuthentication, (ns, name) => `mtls:${ns}/${name}`),
    );
    watch(policyKinds.networkAuthentications, (e) =>
      this.#apply(e, this.#nets, parseNetworkAuthentication, (ns, name) => `netauthn:${ns}/${name}`),
    );
  }

  /** Starts every watch (once); resolves when all have listed. */
  ready(): Promise<void> {
    if (this.#ready === undefined) {
      const synced = this.#watches.map((w) =>
        firstValueFrom(
          w.events().pipe(
            filter((e) => e.type === 'synced'),
            take(1),
            map(() => undefined),
          ),
        ),
      );
      for (const start of this.#pending) this.#subscriptions.push(start());
      this.#ready = Promise.all(synced).then(() => this.#logger.info('policy caches synced'));
    }
    return this.#ready;
  }

  /** True when every watch has listed at least once. */
  get synced(): boolean {
    return this.#watches.every((w) => w.synced);
  }

  /** Stops every watch. */
  stop(): void {
    for (const s of this.#subscriptions.splice(0)) s.unsubscribe();
  }

  /** Registers a view's interest in change keys. */
  interest(callback: () => void): Interest {
    return this.#router.register(callback);
  }

  /** Objects held per kind, for diagnostics. */
  counts(): Record<string, number> {
    return {
      pods: this.#pods.size,
      servers: this.#servers.size,
      serverauthorizations: this.#sazs.size,
      authorizationpolicies: this.#aps.size,
      meshtlsauthentications: this.#mtls.size,
      networkauthentications: this.#nets.size,
    };
  }

  pod(namespace: string, name: string): PolicyPod | undefined {
    return this.#pods.get(`${namespace}/${name}`);
  }

  servers(namespace: string): readonly ServerSpec[] {
    return this.#servers.list(namespace);
  }

  serverAuthorizations(namespace: string): readonly ServerAuthorizationSpec[] {
    return this.#sazs.list(namespace);
  }

  authorizationPolicies(namespace: string): readonly AuthorizationPolicySpec[] {
    return this.#aps.list(namespace);
  }

  meshTLSAuthentication(namespace: string, name: string): MeshTLSAuthenticationSpec | undefined {
    return this.#mtls.get(namespace, name);
  }

  networkAuthentication(namespace: string, name: string): NetworkAuthenticationSpec | undefined {
    return this.#nets.get(namespace, name);
  }

  #applyPod(e: ResourceEvent<V1Pod>): void {
    if (e.type === 'synced') return;
    const key = `${e.object.metadata?.namespace ?? ''}/${e.object.metadata?.name ?? ''}`;
    if (e.type === 'deleted') this.#pods.delete(key);
    else this.#pods.set(key, policyPod(e.object));
    this.#router.notify(`pod:${key}`);
  }

  #apply<T extends ResourceId>(
    e: ResourceEvent<KubernetesObject>,
    store: NamespacedStore<T>,
    parse: (value: unknown, where: string) => T,
    changeKey: (ns: string, name: string) => string,
  ): void {
    if (e.type === 'synced') return;
    const ns = e.object.metadata?.namespace ?? '';
    const name = e.object.metadata?.name ?? '';
    let spec: T | undefined;
    if (e.type !== 'deleted') {
      try {
        spec = parse(e.object, e.object.kind ?? 'resource');
      } catch (err) {
        this.#logger.warn(
          { resource: `${ns}/${name}`, err: (err as Error).message },
          'ignoring a policy resource',
        );
      }
    }
    store.set(ns, name, spec);
    this.#router.notify(changeKey(ns, name));
  }
}

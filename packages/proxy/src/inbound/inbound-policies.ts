import type { NetworkSet, PortSet } from '@skein/core';
import { type DefaultPolicyName, defaultInboundPolicy, type InboundPolicy } from '@skein/discovery/model';
import type { Observable, Subscription } from 'rxjs';

/** Where discovered inbound policies come from (the policy service's `WatchPort`). */
export interface PolicySource {
  /** The policy of a port as it changes; completes when the source has none for it. */
  watch(port: number): Observable<InboundPolicy>;
}

/** Options for {@link InboundPolicies}. */
export interface InboundPoliciesOptions {
  /** `LINKERD2_PROXY_INBOUND_DEFAULT_POLICY`. */
  defaultPolicy: DefaultPolicyName;
  /** `LINKERD2_PROXY_POLICY_CLUSTER_NETWORKS`, for the `cluster-*` defaults. */
  clusterNetworks: NetworkSet;
  /** `INBOUND_PORTS_DISABLE_PROTOCOL_DETECTION`: their default policy is opaque. */
  opaquePorts: PortSet;
  /** `INBOUND_PORTS`: watched eagerly. */
  eagerPorts?: PortSet;
  /** The policy service; without it every port has the default policy. */
  source?: PolicySource;
}

/**
 * The inbound policy of each local port: the default policy until the policy service says
 * otherwise (spec §2.4). Ports are watched on first use (`INBOUND_PORTS` at start) and the
 * answer is read synchronously on the connection and request paths.
 */
export class InboundPolicies {
  readonly #opts: InboundPoliciesOptions;
  readonly #current = new Map<number, InboundPolicy>();
  readonly #watches = new Map<number, Subscription>();
  readonly #defaults = new Map<number, InboundPolicy>();
  readonly #listeners = new Set<(port: number) => void>();

  constructor(options: InboundPoliciesOptions) {
    this.#opts = options;
    if (options.eagerPorts !== undefined && options.source !== undefined) {
      for (const port of options.eagerPorts) this.#watch(port);
    }
  }

  /** The policy in force for `port` now. */
  policyFor(port: number): InboundPolicy {
    const found = this.#current.get(port);
    if (found !== undefined) return found;
    if (this.#opts.source !== undefined && !this.#watches.has(port)) {
      this.#watch(port);
      // A source that already knows the port answers while being subscribed to.
      const answered = this.#current.get(port);
      if (answered !== undefined) return answered;
    }
    return this.#default(port);
  }

  /**
   * Calls `listener` with the port each time the policy in force for a port changes (the
   * policy service sent a new one, or stopped answering and the default is back). Returns a
   * function that removes the listener.
   */
  onChange(listener: (port: number) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Stops every watch. */
  close(): void {
    for (const s of this.#watches.values()) s.unsubscribe();
    this.#watches.clear();
  }

  #default(port: number): InboundPolicy {
    let p = this.#defaults.get(port);
    if (p === undefined) {
      p = defaultInboundPolicy(this.#opts.defaultPolicy, {
        clusterNetworks: this.#opts.clusterNetworks,
        opaque: this.#opts.opaquePorts.has(port),
      });
      if (this.#defaults.size < 4096) this.#defaults.set(port, p);
    }
    return p;
  }

  #watch(port: number): void {
    const source = this.#opts.source!;
    const sub = source.watch(port).subscribe({
      next: (policy) => {
        this.#current.set(port, policy);
        this.#changed(port);
      },
      // Without an answer the default policy is in force again.
      error: () => {
        this.#current.delete(port);
        this.#changed(port);
      },
      complete: () => {
        this.#current.delete(port);
        this.#changed(port);
      },
    });
    this.#watches.set(port, sub);
  }

  #changed(port: number): void {
    for (const listener of this.#listeners) listener(port);
  }
}

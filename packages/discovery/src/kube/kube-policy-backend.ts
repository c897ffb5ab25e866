import { type Logger, nullLogger } from '@skein/core';
import { computeInboundPolicy, type PolicySnapshot } from '../policy/compute-policy.js';
import { type PolicySettings, type PolicySettingsInput, policySettings } from '../policy/policy-settings.js';
import type { PolicyBackend } from '../policy/server/policy-backend.js';
import { type Workload, workloadKey } from '../policy/workload.js';
import type { SnapshotSource } from '../server/destination-backend.js';
import { computedView } from './computed-view.js';
import type { KubePolicyCluster } from './kube-policy-cluster.js';

/** Options of {@link KubePolicyBackend}. */
export interface KubePolicyBackendOptions {
  /** The watched cluster. */
  readonly cluster: KubePolicyCluster;
  /** Policy settings (default policy, cluster networks, trust domain, …); Linkerd's defaults otherwise. */
  readonly settings?: PolicySettingsInput;
  /** Logs AuthorizationPolicies that cannot be used. */
  readonly logger?: Logger;
}

/**
 * Answers `GetPort`/`WatchPort` from Kubernetes (see `computeInboundPolicy`): each workload port
 * is one view, recomputed when the pod, its namespace's Servers or authorizations, or an
 * authentication it references changes.
 */
export class KubePolicyBackend implements PolicyBackend {
  readonly #cluster: KubePolicyCluster;
  readonly #settings: PolicySettings;
  readonly #logger: Logger;

  constructor(options: KubePolicyBackendOptions) {
    this.#cluster = options.cluster;
    this.#settings = policySettings(options.settings);
    this.#logger = options.logger ?? nullLogger;
  }

  /** The settings in force. */
  get settings(): PolicySettings {
    return this.#settings;
  }

  port(workload: Workload, port: number): SnapshotSource<PolicySnapshot> {
    const cluster = this.#cluster;
    return {
      key: `${workloadKey(workload)}|${port}`,
      snapshots: computedView(
        () => cluster.ready(),
        (cb) => cluster.interest(cb),
        () => computeInboundPolicy(cluster, workload, port, this.#settings, this.#logger),
      ),
    };
  }
}

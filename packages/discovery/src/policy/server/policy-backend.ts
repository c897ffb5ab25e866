import type { SnapshotSource } from '../../server/destination-backend.js';
import type { PolicySnapshot } from '../compute-policy.js';
import type { Workload } from '../workload.js';

/**
 * Where the policy server gets its answers: `KubePolicyBackend` (Kubernetes watches),
 * `StaticPolicyBackend` (a discovery file) or a plugin.
 */
export interface PolicyBackend {
  /**
   * The policy snapshots of one workload port. Streams with equal `key`s share one subscription,
   * so the key must capture everything the snapshots depend on.
   */
  port(workload: Workload, port: number): SnapshotSource<PolicySnapshot>;
}

import { type Logger, nullLogger } from '@skein/core';
import { isObservable, map, type Observable, of, shareReplay } from 'rxjs';
import type { SnapshotSource } from '../../server/destination-backend.js';
import type { StaticDiscovery } from '../../static/static-file.js';
import { computeInboundPolicy, type PolicySnapshot } from '../compute-policy.js';
import { type PolicySettingsInput, policySettings } from '../policy-settings.js';
import { staticPolicySettings } from '../static-policy.js';
import { staticPolicyIndex } from '../static-policy-source.js';
import { type Workload, workloadKey } from '../workload.js';
import type { PolicyBackend } from './policy-backend.js';

/** Options of {@link StaticPolicyBackend}. */
export interface StaticPolicyBackendOptions {
  /** The parsed discovery file, or an Observable of it (`watchStaticDiscoveryFile`). */
  readonly discovery: StaticDiscovery | Observable<StaticDiscovery>;
  /** Defaults under the file's own `defaultInboundPolicy`, trust domain and control plane namespace. */
  readonly settings?: PolicySettingsInput;
  /** Logs AuthorizationPolicies that cannot be used. */
  readonly logger?: Logger;
}

/**
 * Serves inbound policies from a static discovery file's policy sections (`servers`,
 * `authorizationPolicies`, …), so the policy service runs without Kubernetes. Every workload is
 * known (see `StaticPolicyIndex`); a file change recomputes every watched port.
 */
export class StaticPolicyBackend implements PolicyBackend {
  readonly #discovery: Observable<StaticDiscovery>;
  readonly #settings: PolicySettingsInput;
  readonly #logger: Logger;

  constructor(options: StaticPolicyBackendOptions) {
    this.#discovery = (isObservable(options.discovery) ? options.discovery : of(options.discovery)).pipe(
      shareReplay({ bufferSize: 1, refCount: true }),
    );
    this.#settings = options.settings ?? {};
    policySettings(this.#settings);
    this.#logger = options.logger ?? nullLogger;
  }

  port(workload: Workload, port: number): SnapshotSource<PolicySnapshot> {
    return {
      key: `${workloadKey(workload)}|${port}`,
      snapshots: this.#discovery.pipe(
        map((d) => {
          const settings = policySettings(staticPolicySettings(d, this.#settings));
          return computeInboundPolicy(staticPolicyIndex(d), workload, port, settings, this.#logger).snapshot;
        }),
      ),
    };
  }
}

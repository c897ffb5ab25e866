import { type Logger, nullLogger } from '@skein/core';
import { inbound } from '@skein/core/proto';
import {
  defer,
  distinctUntilChanged,
  filter,
  isObservable,
  map,
  type Observable,
  of,
  shareReplay,
} from 'rxjs';
import type { StaticDiscovery } from '../static/static-file.js';
import { computeInboundPolicy } from './compute-policy.js';
import type { InboundPolicy } from './inbound-policy.js';
import { encodeInboundServer } from './policy-encoding.js';
import { LOCALHOST_AUTHORIZATION } from './policy-from-server.js';
import { type PolicySettingsInput, policySettings } from './policy-settings.js';
import type { PolicySource } from './policy-source.js';
import { StaticPolicyIndex, staticPolicySettings } from './static-policy.js';
import { parseWorkload, type Workload } from './workload.js';

/** Options of {@link StaticPolicySource}. */
export interface StaticPolicySourceOptions {
  /** The parsed discovery file, or an Observable of it (`watchStaticDiscoveryFile`). */
  readonly discovery: StaticDiscovery | Observable<StaticDiscovery>;
  /** This proxy's workload, as in `LINKERD2_PROXY_POLICY_WORKLOAD` (`{"ns":…,"pod":…}` or `ns:pod`). */
  readonly workload: string;
  /** Defaults under the file's own `defaultInboundPolicy`, trust domain and control plane namespace. */
  readonly settings?: PolicySettingsInput;
  /** Append linkerd2-proxy's `default:localhost` authorization, as the client does (default true). */
  readonly permitLocalhost?: boolean;
  /** Logs AuthorizationPolicies that cannot be used. */
  readonly logger?: Logger;
}

const indexes = new WeakMap<StaticDiscovery, StaticPolicyIndex>();

/** The index of a parsed file, built once however many ports ask. */
export function staticPolicyIndex(discovery: StaticDiscovery): StaticPolicyIndex {
  let index = indexes.get(discovery);
  if (index === undefined) {
    index = new StaticPolicyIndex(discovery);
    indexes.set(discovery, index);
  }
  return index;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.compare(a, b) === 0;
}

/**
 * A {@link PolicySource} that computes policies in process from a static discovery file's policy
 * sections, exactly as the policy service would serve them (and as the client would convert them),
 * so a local proxy can enforce policies without a control plane. A new policy is emitted only when
 * the file's change alters it.
 *
 * @throws {DestinationError} `InvalidArgument` from the constructor when `workload` is unreadable.
 */
export class StaticPolicySource implements PolicySource {
  readonly #discovery: Observable<StaticDiscovery>;
  readonly #workload: Workload;
  readonly #settings: PolicySettingsInput;
  readonly #localhost: boolean;
  readonly #logger: Logger;

  constructor(options: StaticPolicySourceOptions) {
    this.#discovery = (isObservable(options.discovery) ? options.discovery : of(options.discovery)).pipe(
      shareReplay({ bufferSize: 1, refCount: true }),
    );
    this.#workload = parseWorkload(options.workload);
    this.#settings = options.settings ?? {};
    this.#localhost = options.permitLocalhost !== false;
    this.#logger = options.logger ?? nullLogger;
  }

  watch(port: number): Observable<InboundPolicy> {
    return defer(() =>
      this.#discovery.pipe(
        map((d) => {
          const settings = policySettings(staticPolicySettings(d, this.#settings));
          return computeInboundPolicy(staticPolicyIndex(d), this.#workload, port, settings, this.#logger)
            .snapshot;
        }),
        filter((s) => s.kind === 'policy'),
        map((s) => ({
          policy: s.policy,
          bytes: inbound.Server.encode(encodeInboundServer(s.policy)).finish(),
        })),
        distinctUntilChanged((a, b) => sameBytes(a.bytes, b.bytes)),
        map(({ policy: p }) =>
          this.#localhost ? { ...p, authorizations: [...p.authorizations, LOCALHOST_AUTHORIZATION] } : p,
        ),
      ),
    );
  }
}

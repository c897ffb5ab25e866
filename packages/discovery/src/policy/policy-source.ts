import type { Observable } from 'rxjs';
import type { InboundPolicy } from './inbound-policy.js';

/**
 * Where a proxy gets its ports' inbound policies: `InboundPolicyClient` (the policy
 * service's `WatchPort`) or `StaticPolicySource` (a static file, in process).
 */
export interface PolicySource {
  /**
   * The policy of a local port as it changes. It completes when the source has no policy for the
   * port (the proxy keeps its default policy); it never errors.
   */
  watch(port: number): Observable<InboundPolicy>;
}

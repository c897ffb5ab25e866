import { authorize } from '@skein/discovery/model';
import { UnauthorizedError } from '../errors/proxy-errors.js';
import type { OpaqueForward } from '../tcp/opaque-forward.js';
import type { ConnectionInfo } from '../transport/connection-info.js';
import type { AuthzMetrics } from './authz.js';
import type { InboundPolicies } from './inbound-policies.js';

/**
 * The inbound TCP connections being forwarded to the application, by local port. When a
 * port's policy changes, each of its connections is authorized again and those the new
 * policy no longer allows are reset and counted in `inbound_tcp_authz_terminate_total`, as
 * linkerd2-proxy does: a revoked authorization does not leave long-lived connections open.
 */
export class OpenTcpConnections {
  readonly #policies: InboundPolicies;
  readonly #metrics: AuthzMetrics | undefined;
  readonly #byPort = new Map<number, Map<OpaqueForward, ConnectionInfo>>();
  readonly #stop: () => void;

  constructor(policies: InboundPolicies, metrics: AuthzMetrics | undefined) {
    this.#policies = policies;
    this.#metrics = metrics;
    this.#stop = policies.onChange((port) => this.#recheck(port));
  }

  /** Tracks an authorized forward; call the returned function once it has ended. */
  track(info: ConnectionInfo, forward: OpaqueForward): () => void {
    const port = (info.originalDst ?? info.local).port;
    let open = this.#byPort.get(port);
    if (open === undefined) {
      open = new Map();
      this.#byPort.set(port, open);
    }
    open.set(forward, info);
    return () => {
      const current = this.#byPort.get(port);
      if (current === undefined) return;
      current.delete(forward);
      if (current.size === 0) this.#byPort.delete(port);
    };
  }

  /** How many connections are tracked (for tests and diagnostics). */
  get size(): number {
    let n = 0;
    for (const open of this.#byPort.values()) n += open.size;
    return n;
  }

  /** Stops following policy changes. */
  close(): void {
    this.#stop();
  }

  #recheck(port: number): void {
    const open = this.#byPort.get(port);
    if (open === undefined) return;
    const policy = this.#policies.policyFor(port);
    for (const [forward, info] of [...open]) {
      const tls = info.tls;
      const result = authorize(policy, {
        ip: info.remote.ip,
        identity: tls.kind === 'mtls' ? tls.clientId : undefined,
      });
      // An audit-mode policy only reports denials; it never closes anything.
      if (result.allowed || result.audited) continue;
      open.delete(forward);
      this.#metrics?.recordTerminate(info, policy);
      forward.abort(
        new UnauthorizedError(`connection to port ${port} is no longer authorized by ${policy.server.name}`),
      );
    }
    if (open.size === 0) this.#byPort.delete(port);
  }
}

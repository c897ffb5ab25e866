import { authzLabels, type CounterSeries, type LegacyMetrics } from '@skein/core';
import { authorize, authorizeRequest, type InboundPolicy, type PolicyRef } from '@skein/discovery/model';
import { UnauthorizedError } from '../errors/proxy-errors.js';
import { failExchange } from '../http/fail.js';
import type { Dispatcher, HttpRequest, Interceptor, ResponseHandler } from '../http/types.js';
import type { ConnectionInfo } from '../transport/connection-info.js';
import { inboundTlsLabels } from './http-router.js';
import type { InboundPolicies } from './inbound-policies.js';

/** Counts authorization decisions with Linkerd's `inbound_{http,tcp}_authz_*_total` labels. */
export class AuthzMetrics {
  readonly #metrics: LegacyMetrics;
  readonly #series = new Map<string, CounterSeries>();

  constructor(metrics: LegacyMetrics) {
    this.#metrics = metrics;
  }

  /** Records one decision. */
  record(
    kind: 'http' | 'tcp',
    allowed: boolean,
    info: ConnectionInfo,
    policy: InboundPolicy,
    authz: PolicyRef | undefined,
  ): void {
    const decision = allowed ? 'allow' : 'deny';
    this.#count(`${kind}-${decision}`, info, policy, authz);
  }

  /** Records an open TCP connection closed because a policy change no longer allows it. */
  recordTerminate(info: ConnectionInfo, policy: InboundPolicy): void {
    this.#count('tcp-terminate', info, policy, undefined);
  }

  #count(
    decision: 'http-allow' | 'http-deny' | 'tcp-allow' | 'tcp-deny' | 'tcp-terminate',
    info: ConnectionInfo,
    policy: InboundPolicy,
    authz: PolicyRef | undefined,
  ): void {
    const dst = info.originalDst ?? info.local;
    const tls = info.tls;
    const tlsKey =
      tls.kind === 'mtls'
        ? `m${tls.clientId ?? ''}`
        : tls.kind === 'opaque'
          ? `o${tls.sni}`
          : `n${tls.reason}`;
    const authzKey = authz === undefined ? '' : `${authz.kind}/${authz.name}`;
    const key = `${decision}|${dst.port}|${dst.ip}|${policy.server.kind}/${policy.server.name}|${authzKey}|${tlsKey}`;
    let series = this.#series.get(key);
    if (series === undefined) {
      const families = this.#metrics.authz;
      const family = {
        'http-allow': families.httpAllow,
        'http-deny': families.httpDeny,
        'tcp-allow': families.tcpAllow,
        'tcp-deny': families.tcpDeny,
        'tcp-terminate': families.tcpTerminate,
      }[decision];
      const server = { ...policy.server, port: dst.port };
      series = family.series(
        authzLabels({
          target: { ip: dst.ip, port: dst.port },
          server,
          ...(authz === undefined ? {} : { authz }),
          tls: inboundTlsLabels(tls),
        }),
      );
      if (this.#series.size < 10_000) this.#series.set(key, series);
    }
    series.inc();
  }
}

/**
 * Whether a connection's client may use its port (or, given `request`, send that HTTP request:
 * a `GET` of one of the policy's probe paths is also allowed by the probe route); records the
 * decision.
 */
export function authorizeConnection(
  policies: InboundPolicies,
  info: ConnectionInfo,
  metrics: AuthzMetrics | undefined,
  kind: 'http' | 'tcp',
  request?: { method: string; path: string },
): boolean {
  const port = (info.originalDst ?? info.local).port;
  const policy = policies.policyFor(port);
  const tls = info.tls;
  const client = { ip: info.remote.ip, identity: tls.kind === 'mtls' ? tls.clientId : undefined };
  const result =
    request === undefined
      ? authorize(policy, client)
      : authorizeRequest(policy, client, request.method, request.path);
  if (result.allowed) {
    metrics?.record(kind, true, info, policy, result.authorization.ref);
    return true;
  }
  metrics?.record(kind, false, info, policy, undefined);
  return result.audited;
}

/**
 * The inbound HTTP authorization layer: every request is checked against its port's policy
 * (policies can change while a connection lives), the probe route included (the kubelet's
 * probes pass where the server's authorizations would refuse it); a denied request gets 403
 * (gRPC PermissionDenied) and the connection stays open.
 */
export function inboundAuthz(policies: InboundPolicies, metrics: AuthzMetrics | undefined): Interceptor {
  return (next: Dispatcher): Dispatcher => ({
    dispatch(request: HttpRequest, handler: ResponseHandler): void {
      if (authorizeConnection(policies, request.connection, metrics, 'http', request)) {
        next.dispatch(request, handler);
        return;
      }
      const port = (request.connection.originalDst ?? request.connection.local).port;
      failExchange(handler, new UnauthorizedError(`unauthorized request on port ${port}`));
    },
  });
}

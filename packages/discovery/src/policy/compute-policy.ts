import type { V1LabelSelector } from '@kubernetes/client-node';
import { type Logger, nullLogger } from '@skein/core';
import { matchesSelector } from '../kube/label-selector.js';
import type {
  Authorization,
  DefaultPolicyName,
  InboundPolicy,
  PolicyProtocol,
  ProbeRoute,
} from './inbound-policy.js';
import {
  authorizationPolicyAuthz,
  defaultAuthorizations,
  defaultRef,
  eachNetwork,
  serverAuthorizationAuthz,
} from './policy-authorizations.js';
import type { PolicyIndex, PolicyPod } from './policy-index.js';
import type { ServerSpec } from './policy-resources.js';
import type { PolicySettings } from './policy-settings.js';
import type { Workload } from './workload.js';

/** What `WatchPort` serves for one workload port at one moment. */
export type PolicySnapshot =
  | { readonly kind: 'policy'; readonly policy: InboundPolicy }
  | { readonly kind: 'notFound'; readonly message: string };

/** A snapshot and the change keys it was computed from (see `computedView`). */
export interface ComputedPolicy {
  /** The answer. */
  readonly snapshot: PolicySnapshot;
  /** `pod:ns/name`, `srv:ns`, `authz:ns`, `mtls:ns/name`, `netauthn:ns/name`. */
  readonly keys: string[];
}

const HTTP: ReadonlySet<PolicyProtocol> = new Set(['detect', 'http1', 'http2']);

function selectsPort(server: ServerSpec, pod: PolicyPod, port: number): boolean {
  if (typeof server.port === 'number') return server.port === port;
  return pod.portNames.get(server.port)?.includes(port) ?? false;
}

function olderFirst(a: ServerSpec, b: ServerSpec): number {
  const ta = a.createdAt ?? Number.POSITIVE_INFINITY;
  const tb = b.createdAt ?? Number.POSITIVE_INFINITY;
  return ta !== tb ? ta - tb : a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

function probeRoute(pod: PolicyPod, port: number, protocol: PolicyProtocol, settings: PolicySettings) {
  const paths = pod.probePaths.get(port);
  if (paths === undefined || paths.length === 0 || settings.probeNetworks.size === 0 || !HTTP.has(protocol)) {
    return {};
  }
  const probes: ProbeRoute = {
    paths: [...paths].sort(),
    authorization: {
      networks: eachNetwork(settings.probeNetworks),
      authentication: { kind: 'unauthenticated' },
      ref: defaultRef('probe'),
    },
  };
  return { probes };
}

function withProtocol(protocol: PolicyProtocol, settings: PolicySettings) {
  return protocol === 'detect' ? { protocol, detectTimeoutMs: settings.detectTimeoutMs } : { protocol };
}

function defaultPolicy(pod: PolicyPod, port: number, settings: PolicySettings): InboundPolicy {
  let name: DefaultPolicyName = pod.defaultPolicy ?? settings.defaultPolicy;
  if (pod.requireIdentityPorts?.has(port) === true) {
    if (name === 'all-unauthenticated') name = 'all-authenticated';
    else if (name === 'cluster-unauthenticated') name = 'cluster-authenticated';
  }
  const protocol: PolicyProtocol = pod.opaquePorts?.has(port) === true ? 'opaque' : 'detect';
  return {
    ...withProtocol(protocol, settings),
    server: defaultRef(name),
    authorizations: defaultAuthorizations(name, settings),
    ...(name === 'audit' ? { audit: true } : {}),
    ...probeRoute(pod, port, protocol, settings),
  };
}

function serverPolicy(
  server: ServerSpec,
  pod: PolicyPod,
  port: number,
  index: PolicyIndex,
  settings: PolicySettings,
  keys: string[],
  logger: Logger,
): InboundPolicy {
  const ns = server.namespace;
  keys.push(`authz:${ns}`);
  const authorizations: Authorization[] = [];
  for (const saz of index.serverAuthorizations(ns)) {
    const s = saz.server;
    const selects =
      'name' in s ? s.name === server.name : matchesSelector(s.selector as V1LabelSelector, server.labels);
    if (selects) authorizations.push(serverAuthorizationAuthz(saz, settings));
  }
  for (const ap of index.authorizationPolicies(ns)) {
    const t = ap.target;
    // Route targets authorize routes, not the server: HTTPRoutes are not served (see the README).
    if (t.kind === 'route' || (t.kind === 'server' && t.name !== server.name)) continue;
    try {
      authorizations.push(authorizationPolicyAuthz(ap, index, settings, keys));
    } catch (err) {
      logger.info(
        { server: `${ns}/${server.name}`, authorizationpolicy: ap.name, err: (err as Error).message },
        'ignoring an AuthorizationPolicy that cannot be used',
      );
    }
  }
  if (server.accessPolicy !== undefined)
    authorizations.push(...defaultAuthorizations(server.accessPolicy, settings));
  return {
    ...withProtocol(server.protocol, settings),
    server: { group: 'policy.linkerd.io', kind: 'server', name: server.name },
    authorizations,
    ...(server.accessPolicy === 'audit' ? { audit: true } : {}),
    ...probeRoute(pod, port, server.protocol, settings),
  };
}

/**
 * The inbound policy of a workload's port, as Linkerd's policy controller computes it: the
 * oldest Server in the pod's namespace whose `podSelector` matches the pod and whose `port` is the
 * port (by number, or by a container port name); its authorizations from the ServerAuthorizations
 * selecting it, the AuthorizationPolicies targeting it or its namespace, and its `accessPolicy`.
 * Without a Server: the pod's default policy (`config.linkerd.io/default-inbound-policy`, else
 * `settings.defaultPolicy`; `*-unauthenticated` becomes `*-authenticated` on the pod's
 * require-identity ports), opaque on the pod's opaque ports. HTTP protocols carry the pod's probe
 * paths for that port.
 */
export function computeInboundPolicy(
  index: PolicyIndex,
  workload: Workload,
  port: number,
  settings: PolicySettings,
  logger: Logger = nullLogger,
): ComputedPolicy {
  const ns = workload.namespace;
  const keys = [`pod:${ns}/${workload.name}`];
  if (workload.kind !== 'pod') {
    return {
      snapshot: { kind: 'notFound', message: `external workload ${workload.name}.${ns} not found` },
      keys,
    };
  }
  const pod = index.pod(ns, workload.name);
  if (pod === undefined) {
    return { snapshot: { kind: 'notFound', message: `pod ${workload.name}.${ns} not found` }, keys };
  }
  keys.push(`srv:${ns}`);
  let chosen: ServerSpec | undefined;
  for (const s of index.servers(ns)) {
    if (s.podSelector === undefined || !matchesSelector(s.podSelector as V1LabelSelector, pod.labels))
      continue;
    if (!selectsPort(s, pod, port)) continue;
    if (chosen === undefined || olderFirst(s, chosen) < 0) chosen = s;
  }
  const policy =
    chosen === undefined
      ? defaultPolicy(pod, port, settings)
      : serverPolicy(chosen, pod, port, index, settings, keys, logger);
  return { snapshot: { kind: 'policy', policy }, keys };
}

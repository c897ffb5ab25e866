import type { V1EndpointSlice, V1Pod, V1ServicePort } from '@kubernetes/client-node';
import { DestinationStatus } from '../discovery-error.js';
import type { ClientContext } from '../server/context-token.js';
import type { EndpointSnapshot, WeightedAddrProps } from '../server/destination-backend.js';
import type { MeshSettings } from '../server/mesh-settings.js';
import { addrKey } from '../server/update-encoding.js';
import type { KubeCluster } from './kube-cluster.js';
import { containerPortByName, weightedAddr } from './pod-endpoint.js';

/** Node label holding a node's zone. */
export const ZONE_LABEL = 'topology.kubernetes.io/zone';

/** What one `Get` asks of a Kubernetes service. */
export interface EndpointQuery {
  readonly namespace: string;
  readonly name: string;
  readonly port: number;
  /** Only the endpoint with this hostname (`<hostname>.<svc>.<ns>.svc…`). */
  readonly hostname?: string | undefined;
  readonly client: ClientContext;
}

/** A snapshot and the change keys it was computed from. */
export interface Computed<S> {
  readonly snapshot: S;
  readonly keys: string[];
}

interface Candidate {
  ip: string;
  port: number;
  v6: boolean;
  pod: V1Pod | undefined;
  podKey: string | undefined;
  nodeName: string | undefined;
  zone: string | undefined;
  hints: string[] | undefined;
}

/** The port endpoints of `slice` serve the service port on, or `undefined` when it must come from the pod. */
function slicePort(
  slice: V1EndpointSlice,
  svcPort: V1ServicePort | undefined,
  port: number,
): number | undefined {
  if (svcPort === undefined) return port;
  const match = slice.ports?.find((p) => (p.name ?? '') === (svcPort.name ?? ''));
  if (match?.port !== undefined) return match.port;
  const target = svcPort.targetPort;
  if (target === undefined) return svcPort.port;
  return typeof target === 'number' ? target : undefined;
}

/** The client's node zone, if the node is known and labelled. */
export function clientZone(cluster: KubeCluster, client: ClientContext): string | undefined {
  return client.nodeName === '' ? undefined : cluster.node(client.nodeName)?.metadata?.labels?.[ZONE_LABEL];
}

/**
 * The endpoints `Get` serves for a service port, as Linkerd filters them: ready endpoints of the
 * service's EndpointSlices; then the hostname; then `internalTrafficPolicy: Local` (the client's
 * node only); then topology hints (only when every endpoint has them and some are for the client's
 * zone); then one address family per pod (IPv6 preferred when enabled).
 */
export function computeEndpoints(
  cluster: KubeCluster,
  q: EndpointQuery,
  settings: MeshSettings,
): Computed<EndpointSnapshot> {
  const svcKey = `${q.namespace}/${q.name}`;
  const keys = [`svc:${svcKey}`, `srv:${q.namespace}`];
  if (q.client.nodeName !== '') keys.push(`node:${q.client.nodeName}`);
  const svc = cluster.service(q.namespace, q.name);
  if (svc === undefined) {
    return { snapshot: { kind: 'notFound', message: `Service ${q.name}.${q.namespace} not found` }, keys };
  }
  if (svc.spec?.type === 'ExternalName') {
    return {
      snapshot: {
        kind: 'invalid',
        status: DestinationStatus.InvalidArgument,
        message: `Service ${q.name}.${q.namespace} is of type ExternalName and has no endpoints`,
      },
      keys,
    };
  }
  const svcPort = svc.spec?.ports?.find((p) => p.port === q.port);
  let candidates: Candidate[] = [];
  for (const slice of cluster.slices(q.namespace, q.name)) {
    const v6 = slice.addressType === 'IPv6';
    if (slice.addressType !== 'IPv4' && !v6) continue;
    if (v6 && !settings.enableIpv6) continue;
    const port = slicePort(slice, svcPort, q.port);
    for (const ep of slice.endpoints ?? []) {
      if (ep.conditions?.ready === false) continue;
      const ip = ep.addresses?.[0];
      if (ip === undefined) continue;
      const ref = ep.targetRef?.kind === 'Pod' ? ep.targetRef : undefined;
      const podNs = ref?.namespace ?? q.namespace;
      const pod = ref?.name === undefined ? undefined : cluster.pod(podNs, ref.name);
      const podKey = ref?.name === undefined ? undefined : `${podNs}/${ref.name}`;
      if (podKey !== undefined) keys.push(`pod:${podKey}`);
      if (q.hostname !== undefined && ep.hostname !== q.hostname && pod?.spec?.hostname !== q.hostname)
        continue;
      const resolved =
        port ??
        (pod === undefined || typeof svcPort?.targetPort !== 'string'
          ? undefined
          : containerPortByName(pod, svcPort.targetPort));
      if (resolved === undefined) continue;
      candidates.push({
        ip,
        port: resolved,
        v6,
        pod,
        podKey,
        nodeName: ep.nodeName,
        zone: ep.zone,
        hints: ep.hints?.forZones?.map((z) => z.name),
      });
    }
  }
  if (svc.spec?.internalTrafficPolicy === 'Local') {
    candidates = candidates.filter((c) => c.nodeName !== undefined && c.nodeName === q.client.nodeName);
  }
  const zone = clientZone(cluster, q.client);
  if (zone !== undefined && candidates.length > 0 && candidates.every((c) => (c.hints?.length ?? 0) > 0)) {
    const local = candidates.filter((c) => c.hints!.includes(zone));
    if (local.length > 0) candidates = local;
  }
  const hasV6 = new Set(candidates.filter((c) => c.v6 && c.podKey !== undefined).map((c) => c.podKey));
  const addrs = new Map<string, WeightedAddrProps>();
  for (const c of candidates) {
    if (!c.v6 && c.podKey !== undefined && hasV6.has(c.podKey)) continue;
    const pod = c.pod;
    const owner = pod?.metadata?.ownerReferences?.find((r) => r.controller === true);
    if (owner !== undefined) keys.push(`owner:${pod?.metadata?.namespace}/${owner.name}`);
    const wa = weightedAddr(c.ip, c.port, pod, cluster, settings, { zone: c.zone, clientZone: zone });
    addrs.set(addrKey(wa), wa);
  }
  return {
    snapshot: { kind: 'endpoints', labels: { namespace: q.namespace, service: q.name }, addrs },
    keys,
  };
}

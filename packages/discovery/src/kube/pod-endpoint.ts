import type { V1Container, V1Job, V1Pod, V1ReplicaSet } from '@kubernetes/client-node';
import { type PortSet, parsePortSet } from '@skein/core';
import { tcpAddressFromParts } from '@skein/core/proto';
import type { WeightedAddrProps } from '../server/destination-backend.js';
import type { MeshSettings } from '../server/mesh-settings.js';
import { matchesSelector } from './label-selector.js';
import type { PolicyServer } from './resource-kinds.js';

/** Label Linkerd's injector puts on meshed pods, naming their control plane's namespace. */
export const CONTROL_PLANE_NS_LABEL = 'linkerd.io/control-plane-ns';
/** Pod and Service annotation listing opaque ports. */
export const OPAQUE_PORTS_ANNOTATION = 'config.linkerd.io/opaque-ports';
/** Pod annotation listing inbound ports the proxy does not handle. */
export const SKIP_INBOUND_PORTS_ANNOTATION = 'config.linkerd.io/skip-inbound-ports';
/** The name of the injected proxy container. */
export const PROXY_CONTAINER_NAME = 'linkerd-proxy';
/** Linkerd's default weight for every endpoint. */
export const DEFAULT_WEIGHT = 10_000;

/** What building an endpoint needs to look up besides the pod. */
export interface PodLookup {
  /** A ReplicaSet, to name the pod's Deployment. */
  replicaSet(namespace: string, name: string): V1ReplicaSet | undefined;
  /** A Job, to name the pod's CronJob. */
  job(namespace: string, name: string): V1Job | undefined;
  /** The Servers of a namespace, for opaque ports. */
  servers(namespace: string): PolicyServer[];
}

const portSets = new Map<string, PortSet | null>();

/** Parses a port-list annotation, caching by text; an unreadable value counts as absent. */
export function annotationPorts(value: string | undefined): PortSet | undefined {
  if (value === undefined) return undefined;
  let set = portSets.get(value);
  if (set === undefined) {
    try {
      set = parsePortSet(value, 'annotation');
    } catch {
      set = null;
    }
    // Annotation texts repeat across pods; the cap only guards against unbounded variety.
    if (portSets.size >= 1000) portSets.clear();
    portSets.set(value, set);
  }
  return set ?? undefined;
}

/** The pod's controller, resolved one level up for ReplicaSet→Deployment and Job→CronJob. */
export function podOwner(pod: V1Pod, lookup: PodLookup): { kind: string; name: string } | undefined {
  const ref = pod.metadata?.ownerReferences?.find((r) => r.controller === true);
  if (ref === undefined) return undefined;
  const ns = pod.metadata?.namespace ?? '';
  const parent =
    ref.kind === 'ReplicaSet'
      ? lookup.replicaSet(ns, ref.name)
      : ref.kind === 'Job'
        ? lookup.job(ns, ref.name)
        : undefined;
  const up = parent?.metadata?.ownerReferences?.find((r) => r.controller === true);
  if (up !== undefined && (up.kind === 'Deployment' || up.kind === 'CronJob')) {
    return { kind: up.kind.toLowerCase(), name: up.name };
  }
  return { kind: ref.kind.toLowerCase(), name: ref.name };
}

function proxyContainer(pod: V1Pod): V1Container | undefined {
  return (
    pod.spec?.containers?.find((c) => c.name === PROXY_CONTAINER_NAME) ??
    pod.spec?.initContainers?.find((c) => c.name === PROXY_CONTAINER_NAME)
  );
}

function envPort(container: V1Container | undefined, name: string, fallback: number): number {
  const value = container?.env?.find((e) => e.name === name)?.value;
  const port = Number(value?.slice(value.lastIndexOf(':') + 1));
  return Number.isInteger(port) && port > 0 && port <= 65535 ? port : fallback;
}

/** The meshed pod's proxy ports, from the proxy container's environment (Linkerd's defaults otherwise). */
export function proxyPorts(pod: V1Pod): { inbound: number; admin: number; control: number } {
  const c = proxyContainer(pod);
  return {
    inbound: envPort(c, 'LINKERD2_PROXY_INBOUND_LISTEN_ADDR', 4143),
    admin: envPort(c, 'LINKERD2_PROXY_ADMIN_LISTEN_ADDR', 4191),
    control: envPort(c, 'LINKERD2_PROXY_CONTROL_LISTEN_ADDR', 4190),
  };
}

/** The number of a named container port, if any container declares it. */
export function containerPortByName(pod: V1Pod, name: string): number | undefined {
  for (const c of [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])]) {
    for (const p of c.ports ?? []) if (p.name === name) return p.containerPort;
  }
  return undefined;
}

/**
 * Whether `port` is opaque on `pod`: listed in its `opaque-ports` annotation (or, without one,
 * in the default opaque ports), or selected by a Server with `proxyProtocol: opaque`.
 */
export function isOpaquePort(pod: V1Pod, port: number, lookup: PodLookup, settings: MeshSettings): boolean {
  const annotated = annotationPorts(pod.metadata?.annotations?.[OPAQUE_PORTS_ANNOTATION]);
  if ((annotated ?? settings.defaultOpaquePorts).has(port)) return true;
  for (const server of lookup.servers(pod.metadata?.namespace ?? '')) {
    if (server.spec?.proxyProtocol !== 'opaque') continue;
    const p = server.spec.port;
    const serverPort = typeof p === 'string' ? containerPortByName(pod, p) : p;
    if (serverPort === port && matchesSelector(server.spec.podSelector, pod.metadata?.labels)) return true;
  }
  return false;
}

/** Linkerd's per-endpoint metric labels: pod, owner kind → name, serviceaccount, control_plane_ns, pod_template_hash. */
export function podMetricLabels(pod: V1Pod, lookup: PodLookup): Record<string, string> {
  const labels: Record<string, string> = { pod: pod.metadata?.name ?? '' };
  const owner = podOwner(pod, lookup);
  if (owner !== undefined) labels[owner.kind] = owner.name;
  labels.serviceaccount = pod.spec?.serviceAccountName || 'default';
  const cp = pod.metadata?.labels?.[CONTROL_PLANE_NS_LABEL];
  if (cp) labels.control_plane_ns = cp;
  const hash = pod.metadata?.labels?.['pod-template-hash'];
  if (hash) labels.pod_template_hash = hash;
  return labels;
}

/** Options of {@link weightedAddr}. */
export interface WeightedAddrOptions {
  /** The endpoint's zone (EndpointSlice `zone`): adds `zone` and, with `clientZone`, `zone_locality`. */
  readonly zone?: string | undefined;
  /** The client node's zone (`topology.kubernetes.io/zone`). */
  readonly clientZone?: string | undefined;
  /** More metric labels (e.g. `namespace` for endpoint profiles). */
  readonly extraLabels?: Readonly<Record<string, string>>;
  /** Describe the pod as unmeshed (no hint, identity or HTTP/2 parameters), e.g. while it is not Running. */
  readonly unmeshed?: boolean;
}

/**
 * The `WeightedAddr` of `ip:port`, described from its pod when there is one: metric labels; for a
 * meshed pod (and a port the proxy handles) the HTTP/2 client parameters, the protocol hint
 * (`opaque` plus `opaque_transport` on opaque ports, else `h2`), and — when the pod belongs to
 * this control plane — its TLS identity.
 */
export function weightedAddr(
  ip: string,
  port: number,
  pod: V1Pod | undefined,
  lookup: PodLookup,
  settings: MeshSettings,
  options: WeightedAddrOptions = {},
): WeightedAddrProps {
  const labels: Record<string, string> = pod === undefined ? {} : podMetricLabels(pod, lookup);
  if (options.extraLabels !== undefined) Object.assign(labels, options.extraLabels);
  if (options.zone) {
    labels.zone = options.zone;
    if (options.clientZone) labels.zone_locality = options.zone === options.clientZone ? 'local' : 'remote';
  }
  const addr: WeightedAddrProps = {
    addr: tcpAddressFromParts(ip, port),
    weight: DEFAULT_WEIGHT,
    metricLabels: labels,
  };
  if (pod === undefined || options.unmeshed === true) return addr;
  const controlPlane = pod.metadata?.labels?.[CONTROL_PLANE_NS_LABEL];
  const skipped =
    annotationPorts(pod.metadata?.annotations?.[SKIP_INBOUND_PORTS_ANNOTATION])?.has(port) === true;
  if (!controlPlane || skipped) return addr;
  if (settings.meshedHttp2ClientParams !== undefined) addr.http2 = settings.meshedHttp2ClientParams;
  const ports = proxyPorts(pod);
  if (isOpaquePort(pod, port, lookup, settings)) {
    addr.protocolHint =
      port === ports.admin || port === ports.control
        ? { opaque: {} }
        : { opaque: {}, opaqueTransport: { inboundPort: ports.inbound } };
  } else if (settings.enableH2Upgrade) {
    addr.protocolHint = { h2: {} };
  }
  if (settings.identityTrustDomain !== '' && controlPlane === settings.controllerNamespace) {
    const sa = pod.spec?.serviceAccountName || 'default';
    const ns = pod.metadata?.namespace || 'default';
    const name = `${sa}.${ns}.serviceaccount.identity.${controlPlane}.${settings.identityTrustDomain}`;
    addr.tlsIdentity = { dnsLikeIdentity: { name }, serverName: { name } };
  }
  return addr;
}

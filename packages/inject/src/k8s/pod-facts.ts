import { SERVICE_ACCOUNT_MOUNT_PATH } from '../annotations/names.js';
import { parsePortList, portListContains } from '../values/port-list.js';
import type { Capabilities, Container, ObjectMeta, PodSpec, Probe, VolumeMount } from './types.js';

function containers(spec: PodSpec): Container[] {
  return Array.isArray(spec.containers)
    ? spec.containers.filter((c) => typeof c === 'object' && c !== null)
    : [];
}

function probePort(probe: Probe | undefined): number | undefined {
  const port = probe?.httpGet?.port;
  return typeof port === 'number' && Number.isInteger(port) ? port : undefined;
}

/**
 * `LINKERD2_PROXY_INBOUND_PORTS` of a pod: every container port and integer HTTP probe port of
 * the app containers, deduplicated and sorted as strings (as Linkerd sorts them).
 */
export function podInboundPorts(spec: PodSpec): string {
  const ports = new Set<number>();
  for (const c of containers(spec)) {
    if (Array.isArray(c.ports)) {
      for (const p of c.ports) if (typeof p?.containerPort === 'number') ports.add(p.containerPort);
    }
    const readiness = probePort(c.readinessProbe);
    if (readiness !== undefined) ports.add(readiness);
    const liveness = probePort(c.livenessProbe);
    if (liveness !== undefined) ports.add(liveness);
  }
  return [...ports]
    .map(String)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    .join(',');
}

/** Container port names of the app containers and their numbers. */
export function namedPorts(spec: PodSpec): Map<string, number> {
  const out = new Map<string, number>();
  for (const c of containers(spec)) {
    if (!Array.isArray(c.ports)) continue;
    for (const p of c.ports) {
      if (typeof p?.name === 'string' && typeof p.containerPort === 'number' && !out.has(p.name))
        out.set(p.name, p.containerPort);
    }
  }
  return out;
}

/** Capabilities of the first app container, which the proxy and init containers copy. */
export function appCapabilities(spec: PodSpec): Capabilities | undefined {
  const caps = containers(spec)[0]?.securityContext?.capabilities;
  if (typeof caps !== 'object' || caps === null) return undefined;
  const strings = (v: unknown): string[] =>
    Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
  return { add: strings(caps.add), drop: strings(caps.drop) };
}

/** The first app container's service-account token mount, which the proxy shares. */
export function serviceAccountMount(spec: PodSpec): VolumeMount | undefined {
  const mounts = containers(spec)[0]?.volumeMounts;
  if (!Array.isArray(mounts)) return undefined;
  return mounts.find((m) => m?.mountPath === SERVICE_ACCOUNT_MOUNT_PATH);
}

/**
 * The ports of `defaults` (an opaque-ports list) that the pod's containers declare, in the
 * order the containers declare them; named entries in `defaults` are ignored.
 */
export function declaredOpaquePorts(spec: PodSpec, defaults: string): string[] {
  const items = parsePortList(defaults, true);
  if (typeof items === 'string') return [];
  const out: string[] = [];
  for (const c of containers(spec)) {
    if (!Array.isArray(c.ports)) continue;
    for (const p of c.ports) {
      const port = p?.containerPort;
      if (typeof port === 'number' && portListContains(items, port) && !out.includes(String(port)))
        out.push(String(port));
    }
  }
  return out;
}

/** `resource.opentelemetry.io/<key>` annotations of a pod, as trace attributes. */
export function traceAttributes(meta: ObjectMeta | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  const annotations = meta?.annotations;
  if (annotations === undefined || annotations === null) return out;
  for (const [k, v] of Object.entries(annotations)) {
    if (k.startsWith('resource.opentelemetry.io/'))
      out[k.slice('resource.opentelemetry.io/'.length)] = String(v);
  }
  return out;
}

/** The workload that owns a pod, for `linkerd.io/proxy-<kind>`. */
export interface PodOwner {
  /** Kind in lower case (`deployment`). */
  readonly kind: string;
  /** Owner name. */
  readonly name: string;
}

/**
 * The controller owning a pod, from its owner references. A ReplicaSet whose name is the pod's
 * `pod-template-hash` suffix is resolved to its Deployment, as Linkerd resolves it through the API.
 */
export function podOwner(meta: ObjectMeta | undefined): PodOwner | undefined {
  const refs = meta?.ownerReferences;
  if (!Array.isArray(refs)) return undefined;
  const valid = refs.filter(
    (r) => typeof r === 'object' && r !== null && typeof r.kind === 'string' && typeof r.name === 'string',
  );
  const ref = valid.find((r) => r.controller === true) ?? valid[0];
  if (ref === undefined) return undefined;
  const hash = meta?.labels?.['pod-template-hash'];
  if (ref.kind === 'ReplicaSet' && typeof hash === 'string' && ref.name.endsWith(`-${hash}`)) {
    return { kind: 'deployment', name: ref.name.slice(0, -hash.length - 1) };
  }
  return { kind: ref.kind.toLowerCase(), name: ref.name };
}

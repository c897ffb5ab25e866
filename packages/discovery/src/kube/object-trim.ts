import type {
  KubernetesObject,
  V1Container,
  V1EndpointSlice,
  V1Node,
  V1ObjectMeta,
  V1Pod,
  V1Service,
} from '@kubernetes/client-node';
import { OPAQUE_PORTS_ANNOTATION, SKIP_INBOUND_PORTS_ANNOTATION } from './pod-endpoint.js';

// Trimming works in place: the informer caches the very object its callbacks receive, so what is
// dropped here is never held. Real objects carry kilobytes discovery never reads (managedFields,
// last-applied annotations, volumes, probes, container statuses). Dropped fields are set to
// undefined rather than deleted: `delete` turns V8 objects into slow dictionaries, which cost more
// than the fields saved. Values repeated across thousands of pods (container and env names, label
// values, node names) are interned, as JSON parsing gives each occurrence its own string.

const interned = new Map<string, string>();

/** One shared copy of a repeated string value. */
function intern(value: string): string;
function intern(value: string | undefined): string | undefined;
function intern(value: string | undefined): string | undefined {
  if (value === undefined || value.length > 128) return value;
  const known = interned.get(value);
  if (known !== undefined) return known;
  // A bound, not an eviction policy: beyond it strings are just no longer shared.
  if (interned.size < 50_000) interned.set(value, value);
  return value;
}

function internValues(record: Record<string, string> | undefined): void {
  if (record === undefined) return;
  for (const k of Object.keys(record)) record[k] = intern(record[k]!);
}

const META_KEEP = new Set([
  'name',
  'namespace',
  'uid',
  'resourceVersion',
  'labels',
  'annotations',
  'ownerReferences',
]);
const KEPT_ANNOTATIONS = new Set([OPAQUE_PORTS_ANNOTATION, SKIP_INBOUND_PORTS_ANNOTATION]);

function keepOnly(o: object | undefined, keep: ReadonlySet<string>): void {
  if (o === undefined || o === null) return;
  const r = o as Record<string, unknown>;
  for (const k of Object.keys(o)) if (!keep.has(k) && r[k] !== undefined) r[k] = undefined;
}

function trimMeta(meta: V1ObjectMeta | undefined, keepLabels: boolean): void {
  if (meta === undefined) return;
  keepOnly(meta, META_KEEP);
  meta.namespace = intern(meta.namespace);
  if (!keepLabels) meta.labels = undefined;
  internValues(meta.labels);
  if (meta.annotations !== undefined) {
    const kept: Record<string, string> = {};
    for (const k of KEPT_ANNOTATIONS)
      if (meta.annotations[k] !== undefined) kept[k] = intern(meta.annotations[k]);
    meta.annotations = Object.keys(kept).length === 0 ? undefined : kept;
  }
  for (const ref of meta.ownerReferences ?? []) {
    ref.apiVersion = intern(ref.apiVersion);
    ref.kind = intern(ref.kind);
  }
}

const CONTAINER_KEEP = new Set(['name', 'ports', 'env']);
const PROXY_ENV = new Set([
  'LINKERD2_PROXY_INBOUND_LISTEN_ADDR',
  'LINKERD2_PROXY_ADMIN_LISTEN_ADDR',
  'LINKERD2_PROXY_CONTROL_LISTEN_ADDR',
]);

function trimContainers(containers: V1Container[] | undefined): void {
  for (const c of containers ?? []) {
    keepOnly(c, CONTAINER_KEEP);
    c.name = intern(c.name);
    if (c.env !== undefined) {
      const env = c.env
        .filter((e) => PROXY_ENV.has(e.name))
        .map((e) => ({ name: intern(e.name), value: intern(e.value) }));
      c.env = env.length === 0 ? undefined : env;
    }
    if (c.ports !== undefined) {
      c.ports = c.ports.map((p) =>
        p.name
          ? { containerPort: p.containerPort, name: intern(p.name) }
          : { containerPort: p.containerPort },
      );
    }
  }
}

const POD_SPEC_KEEP = new Set([
  'serviceAccountName',
  'nodeName',
  'hostname',
  'hostNetwork',
  'containers',
  'initContainers',
]);
const POD_STATUS_KEEP = new Set(['phase', 'podIP', 'podIPs', 'hostIP']);

/** Keeps what discovery reads of a Pod: identity, labels, owner, proxy ports, container ports, IPs and phase. */
export function trimPod(pod: V1Pod): void {
  trimMeta(pod.metadata, true);
  keepOnly(pod.spec, POD_SPEC_KEEP);
  trimContainers(pod.spec?.containers);
  // Only the proxy matters among init containers (native sidecar), and only for its ports.
  if (pod.spec?.initContainers !== undefined) {
    pod.spec.initContainers = pod.spec.initContainers.filter((c) => c.name === 'linkerd-proxy');
    trimContainers(pod.spec.initContainers);
  }
  keepOnly(pod.status, POD_STATUS_KEEP);
  if (pod.spec !== undefined) {
    pod.spec.serviceAccountName = intern(pod.spec.serviceAccountName);
    pod.spec.nodeName = intern(pod.spec.nodeName);
  }
  if (pod.status !== undefined) {
    pod.status.phase = intern(pod.status.phase);
    pod.status.hostIP = intern(pod.status.hostIP);
  }
}

const SERVICE_SPEC_KEEP = new Set([
  'type',
  'clusterIP',
  'clusterIPs',
  'ports',
  'internalTrafficPolicy',
  'externalName',
]);

/** Keeps a Service's ports, type, cluster IPs, traffic policy and opaque-ports annotation. */
export function trimService(svc: V1Service): void {
  trimMeta(svc.metadata, false);
  keepOnly(svc.spec, SERVICE_SPEC_KEEP);
  svc.status = undefined;
}

/** Drops an EndpointSlice's managed fields and annotations. */
export function trimEndpointSlice(slice: V1EndpointSlice): void {
  trimMeta(slice.metadata, true);
}

/** Keeps a Node's name and labels (its zone). */
export function trimNode(node: V1Node): void {
  trimMeta(node.metadata, true);
  if (node.metadata?.labels !== undefined) {
    const kept: Record<string, string> = {};
    for (const [k, v] of Object.entries(node.metadata.labels)) {
      if (k.startsWith('topology.kubernetes.io/')) kept[k] = v;
    }
    node.metadata.labels = kept;
  }
  node.spec = undefined;
  node.status = undefined;
}

/** Keeps only an owner's metadata (its own owner): for ReplicaSets and Jobs. */
export function trimToOwnerRefs(o: KubernetesObject & { spec?: unknown; status?: unknown }): void {
  trimMeta(o.metadata, false);
  o.spec = undefined;
  o.status = undefined;
}

/** Drops managed fields and unrelated annotations (ServiceProfiles, Servers keep their spec). */
export function trimMetadata(o: KubernetesObject): void {
  trimMeta(o.metadata, true);
}

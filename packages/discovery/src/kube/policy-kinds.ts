import {
  CoreV1Api,
  CustomObjectsApi,
  type KubeConfig,
  type KubernetesListObject,
  type KubernetesObject,
  type V1Container,
  type V1Pod,
  type V1Probe,
} from '@kubernetes/client-node';
import { parsePortSet } from '@skein/core';
import {
  DEFAULT_INBOUND_POLICY_ANNOTATION,
  type PolicyPod,
  REQUIRE_IDENTITY_PORTS_ANNOTATION,
} from '../policy/policy-index.js';
import { isDefaultPolicyName } from '../policy/policy-settings.js';
import { OPAQUE_PORTS_ANNOTATION } from './pod-endpoint.js';
import type { ResourceKind } from './resource-watch.js';

// The policy controller's own watches: pods trimmed to what policies read (labels, the policy
// annotations, named ports, HTTP probes), and Linkerd's policy resources. Dropped fields are set
// to undefined (not deleted), as in object-trim.ts, to keep objects out of dictionary mode.

const POLICY_ANNOTATIONS = [
  OPAQUE_PORTS_ANNOTATION,
  DEFAULT_INBOUND_POLICY_ANNOTATION,
  REQUIRE_IDENTITY_PORTS_ANNOTATION,
];

function keepOnly(o: object | undefined, keep: ReadonlySet<string>): void {
  if (o === undefined || o === null) return;
  const r = o as Record<string, unknown>;
  for (const k of Object.keys(o)) if (!keep.has(k) && r[k] !== undefined) r[k] = undefined;
}

const META_KEEP = new Set([
  'name',
  'namespace',
  'uid',
  'resourceVersion',
  'labels',
  'annotations',
  'creationTimestamp',
]);

function trimMeta(o: KubernetesObject, annotations: readonly string[]): void {
  const meta = o.metadata;
  if (meta === undefined) return;
  keepOnly(meta, META_KEEP);
  if (meta.annotations !== undefined) {
    const kept: Record<string, string> = {};
    for (const k of annotations) if (meta.annotations[k] !== undefined) kept[k] = meta.annotations[k];
    meta.annotations = Object.keys(kept).length === 0 ? undefined : kept;
  }
}

const CONTAINER_KEEP = new Set(['name', 'ports', 'livenessProbe', 'readinessProbe', 'startupProbe']);

function trimProbe(p: V1Probe | undefined): V1Probe | undefined {
  const get = p?.httpGet;
  if (get === undefined) return undefined;
  return { httpGet: { port: get.port, ...(get.path === undefined ? {} : { path: get.path }) } };
}

function trimContainer(c: V1Container): void {
  keepOnly(c, CONTAINER_KEEP);
  c.ports = c.ports?.map((p) => ({
    containerPort: p.containerPort,
    ...(p.name === undefined ? {} : { name: p.name }),
    ...(p.protocol === undefined ? {} : { protocol: p.protocol }),
  }));
  c.livenessProbe = trimProbe(c.livenessProbe);
  c.readinessProbe = trimProbe(c.readinessProbe);
  c.startupProbe = trimProbe(c.startupProbe);
}

/** Keeps what the policy controller reads of a Pod: labels, policy annotations, named ports and HTTP probes. */
export function trimPolicyPod(pod: V1Pod): void {
  trimMeta(pod, POLICY_ANNOTATIONS);
  const spec = pod.spec;
  if (spec !== undefined) {
    keepOnly(spec, new Set(['containers', 'initContainers']));
    for (const c of spec.containers ?? []) trimContainer(c);
    for (const c of spec.initContainers ?? []) trimContainer(c);
  }
  pod.status = undefined;
}

function tcp(protocol: string | undefined): boolean {
  return protocol === undefined || protocol.toUpperCase() === 'TCP';
}

function probePort(port: number | string, c: V1Container): number | undefined {
  if (typeof port === 'number') return port >= 1 && port <= 65535 ? port : undefined;
  if (/^\d+$/.test(port)) return Number(port);
  const named = c.ports?.find((p) => tcp(p.protocol) && p.name?.toLowerCase() === port.toLowerCase());
  return named?.containerPort;
}

function annotationPorts(value: string | undefined) {
  if (value === undefined) return undefined;
  try {
    return parsePortSet(value, 'annotation');
  } catch {
    // Linkerd reads an unreadable port list as empty.
    return undefined;
  }
}

/** A Pod as the policy controller sees it (see {@link PolicyPod}). */
export function policyPod(pod: V1Pod): PolicyPod {
  const portNames = new Map<string, number[]>();
  const probePaths = new Map<number, string[]>();
  for (const c of [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])]) {
    for (const p of c.ports ?? []) {
      if (p.name === undefined || !tcp(p.protocol)) continue;
      const list = portNames.get(p.name) ?? [];
      if (!list.includes(p.containerPort)) list.push(p.containerPort);
      portNames.set(p.name, list);
    }
    for (const probe of [c.livenessProbe, c.readinessProbe, c.startupProbe]) {
      const get = probe?.httpGet;
      if (get === undefined) continue;
      const port = probePort(get.port as number | string, c);
      if (port === undefined) continue;
      const raw = get.path ?? '/';
      const q = raw.indexOf('?');
      const path = q < 0 ? raw : raw.slice(0, q);
      const list = probePaths.get(port) ?? [];
      if (!list.includes(path)) list.push(path);
      probePaths.set(port, list);
    }
  }
  const ann = pod.metadata?.annotations ?? {};
  const opaquePorts = annotationPorts(ann[OPAQUE_PORTS_ANNOTATION]);
  const requireIdentityPorts = annotationPorts(ann[REQUIRE_IDENTITY_PORTS_ANNOTATION]);
  const defaultPolicy = ann[DEFAULT_INBOUND_POLICY_ANNOTATION];
  return {
    namespace: pod.metadata?.namespace ?? '',
    name: pod.metadata?.name ?? '',
    labels: pod.metadata?.labels ?? {},
    portNames,
    probePaths,
    ...(opaquePorts === undefined ? {} : { opaquePorts }),
    ...(requireIdentityPorts === undefined ? {} : { requireIdentityPorts }),
    ...(isDefaultPolicyName(defaultPolicy) ? { defaultPolicy } : {}),
  };
}

function policyCrd(name: string, version: string): ResourceKind<KubernetesObject> {
  const group = 'policy.linkerd.io';
  return {
    name,
    path: `/apis/${group}/${version}/${name}`,
    list: (kc: KubeConfig) => {
      const api = kc.makeApiClient(CustomObjectsApi);
      return (page) =>
        api.listClusterCustomObject({ group, version, plural: name, ...page }) as Promise<
          KubernetesListObject<KubernetesObject>
        >;
    },
    trim: (o) => trimMeta(o, []),
  };
}

/** The kinds the policy controller watches, at the versions a current Linkerd stores. */
export const policyKinds = {
  /** `v1` Pods, trimmed with {@link trimPolicyPod}. */
  pods: {
    name: 'pods',
    path: '/api/v1/pods',
    trim: trimPolicyPod,
    list: (kc) => {
      const api = kc.makeApiClient(CoreV1Api);
      return (page) => api.listPodForAllNamespaces(page);
    },
  } satisfies ResourceKind<V1Pod>,
  /** `policy.linkerd.io/v1beta3` Servers. */
  servers: policyCrd('servers', 'v1beta3'),
  /** `policy.linkerd.io/v1beta1` ServerAuthorizations. */
  serverAuthorizations: policyCrd('serverauthorizations', 'v1beta1'),
  /** `policy.linkerd.io/v1alpha1` AuthorizationPolicies. */
  authorizationPolicies: policyCrd('authorizationpolicies', 'v1alpha1'),
  /** `policy.linkerd.io/v1alpha1` MeshTLSAuthentications. */
  meshTLSAuthentications: policyCrd('meshtlsauthentications', 'v1alpha1'),
  /** `policy.linkerd.io/v1alpha1` NetworkAuthentications. */
  networkAuthentications: policyCrd('networkauthentications', 'v1alpha1'),
} as const;

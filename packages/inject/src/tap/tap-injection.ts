import { ConfigError, isDnsName } from '@skein/core';
import { InjectedName, Label } from '../annotations/names.js';
import type { Container, KubeObject, PodSpec } from '../k8s/types.js';
import { applyJsonPatch, escapePointerSegment, type JsonPatchOperation } from '../patch/json-patch.js';

/** Names the tap injector reads and writes (Linkerd viz's, unchanged). */
export const TapInjection = {
  /** Pod annotation the tap injector adds; the tap service only taps pods that carry it. */
  enabledAnnotation: 'viz.linkerd.io/tap-enabled',
  /** Pod or namespace annotation that opts out of tap (a true boolean: `true`, `1`, `t`, …). */
  disableAnnotation: 'viz.linkerd.io/disable-tap',
  /** Proxy variable naming the identity allowed to tap it; tap is off in a proxy without it. */
  svcNameEnv: 'LINKERD2_PROXY_TAP_SVC_NAME',
} as const;

/** Why the tap injector left a pod alone. */
export type TapSkipReason =
  /** No `linkerd-proxy` container, or no `linkerd.io/control-plane-ns` label. */
  | 'not_meshed'
  /** Meshed by the control plane of another namespace. */
  | 'other_control_plane'
  /** `viz.linkerd.io/disable-tap` on the pod. */
  | 'tap_disabled_on_pod'
  /** `viz.linkerd.io/disable-tap` on its namespace. */
  | 'tap_disabled_on_namespace'
  /** Already annotated `viz.linkerd.io/tap-enabled: "true"` (injected before, or by hand). */
  | 'tap_already_enabled';

/** Options of {@link tapInjectPod}. */
export interface TapInjectOptions {
  /**
   * The tap service's identity, `<sa>.<ns>.serviceaccount.identity.<cp-ns>.<trust-domain>`
   * (see {@link serviceAccountIdentity}); the proxy only lets a client with this mTLS identity tap.
   */
  readonly tapServiceName: string;
  /** Namespace of the control plane: only its pods (`linkerd.io/control-plane-ns`) get tap. */
  readonly controlPlaneNamespace: string;
  /** Annotations of the pod's namespace (`viz.linkerd.io/disable-tap` there opts out). */
  readonly namespaceAnnotations?: Readonly<Record<string, string>>;
}

/** What {@link tapInjectPod} did. */
export interface TapInjectResult {
  /** `enabled` when the pod was changed; `skipped` otherwise. */
  readonly outcome: 'enabled' | 'skipped';
  /** Why it was skipped. */
  readonly reason?: TapSkipReason;
  /** The JSON Patch (empty when skipped). */
  readonly patch: JsonPatchOperation[];
  /** The pod with the patch applied (a copy; the input is not changed). */
  readonly object: KubeObject;
}

/** `<sa>.<ns>.serviceaccount.identity.<controlPlaneNamespace>.<trustDomain>`: a service account's mTLS identity. */
export function serviceAccountIdentity(account: {
  readonly serviceAccount: string;
  readonly namespace: string;
  readonly controlPlaneNamespace: string;
  readonly trustDomain: string;
}): string {
  const { serviceAccount, namespace, controlPlaneNamespace, trustDomain } = account;
  return `${serviceAccount}.${namespace}.serviceaccount.identity.${controlPlaneNamespace}.${trustDomain}`;
}

/**
 * Checks a tap service name as the injector will write it.
 * @throws {ConfigError} naming `field` when it is not a DNS name.
 */
export function checkTapServiceName(name: string, field = 'tapServiceName'): string {
  if (!isDnsName(name))
    throw new ConfigError(
      field,
      name,
      'the tap service identity, a DNS name such as linkerd-tap.linkerd.serviceaccount.identity.linkerd.cluster.local',
    );
  return name;
}

// Go's strconv.ParseBool, which Linkerd uses to read the annotation.
const TRUE_WORDS = new Set(['1', 't', 'T', 'TRUE', 'true', 'True']);

function isTrue(annotations: Readonly<Record<string, string>> | undefined, name: string): boolean {
  const value = annotations?.[name];
  return value !== undefined && TRUE_WORDS.has(value);
}

/** `/spec/containers/3` or `/spec/initContainers/0` (a native sidecar), with the proxy container. */
function findProxy(spec: PodSpec | undefined): { path: string; container: Container } | undefined {
  for (const list of ['containers', 'initContainers'] as const) {
    const containers = spec?.[list];
    if (!Array.isArray(containers)) continue;
    const i = containers.findIndex((c) => c?.name === InjectedName.proxy);
    if (i >= 0) return { path: `/spec/${list}/${i}`, container: containers[i]! };
  }
  return undefined;
}

function skipped(pod: KubeObject, reason: TapSkipReason): TapInjectResult {
  return { outcome: 'skipped', reason, patch: [], object: pod };
}

/**
 * Linkerd viz's tap injector as a pure function over a pod: for a pod meshed by this control
 * plane and not opted out with `viz.linkerd.io/disable-tap` (on the pod or its namespace), sets
 * `LINKERD2_PROXY_TAP_SVC_NAME` on the proxy container (so the proxy serves tap to that identity
 * only) and annotates the pod `viz.linkerd.io/tap-enabled: "true"` (so the tap service selects it).
 * Runs after the proxy injector: the pod must already have its proxy.
 *
 * @example
 * ```ts
 * const { outcome, patch } = tapInjectPod(pod, {
 *   tapServiceName: 'linkerd-tap.linkerd.serviceaccount.identity.linkerd.cluster.local',
 *   controlPlaneNamespace: 'linkerd',
 * });
 * ```
 */
export function tapInjectPod(pod: KubeObject, options: TapInjectOptions): TapInjectResult {
  const meta = pod.metadata;
  const spec = pod.spec as PodSpec | undefined;
  const proxy = findProxy(spec);
  const controlPlane = meta?.labels?.[Label.controlPlaneNs];
  if (proxy === undefined || controlPlane === undefined) return skipped(pod, 'not_meshed');
  if (controlPlane !== options.controlPlaneNamespace) return skipped(pod, 'other_control_plane');
  if (isTrue(options.namespaceAnnotations, TapInjection.disableAnnotation))
    return skipped(pod, 'tap_disabled_on_namespace');
  if (isTrue(meta?.annotations, TapInjection.disableAnnotation)) return skipped(pod, 'tap_disabled_on_pod');
  if (isTrue(meta?.annotations, TapInjection.enabledAnnotation)) return skipped(pod, 'tap_already_enabled');

  const env = { name: TapInjection.svcNameEnv, value: options.tapServiceName };
  const patch: JsonPatchOperation[] = [];
  const annotations = meta?.annotations;
  if (annotations === undefined || annotations === null) {
    patch.push({
      op: 'add',
      path: '/metadata/annotations',
      value: { [TapInjection.enabledAnnotation]: 'true' },
    });
  } else {
    const key = escapePointerSegment(TapInjection.enabledAnnotation);
    patch.push({ op: 'add', path: `/metadata/annotations/${key}`, value: 'true' });
  }
  const existing = proxy.container.env;
  if (!Array.isArray(existing)) {
    patch.push({ op: 'add', path: `${proxy.path}/env`, value: [env] });
  } else {
    // A value set by hand (additionalEnv) is replaced, never duplicated: the proxy reads one.
    const at = existing.findIndex((e) => e?.name === TapInjection.svcNameEnv);
    patch.push(
      at >= 0
        ? { op: 'replace', path: `${proxy.path}/env/${at}`, value: env }
        : { op: 'add', path: `${proxy.path}/env/-`, value: env },
    );
  }
  const object = structuredClone(pod);
  applyJsonPatch(object, patch);
  return { outcome: 'enabled', patch, object };
}

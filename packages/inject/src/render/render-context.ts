import type { Capabilities, VolumeMount } from '../k8s/types.js';
import type { Values } from '../values/types.js';

/** Everything the container and volume templates read. */
export interface RenderContext {
  /** Values in effect for this workload (after annotation overrides). */
  readonly values: Values;
  /** Namespace of the control plane (Helm's `.Release.Namespace`). */
  readonly controlPlaneNamespace: string;
  /** `LINKERD2_PROXY_INBOUND_PORTS`: the pod's container and probe ports, or the override. */
  readonly podInboundPorts: string;
  /** Capabilities of the first app container, copied to the proxy and init containers. */
  readonly appCapabilities: Capabilities | undefined;
  /** The app's service-account token mount, shared with the proxy. */
  readonly serviceAccountMount: VolumeMount | undefined;
  /** `resource.opentelemetry.io/*` annotations of the pod, added to trace attributes. */
  readonly traceAttributes: Readonly<Record<string, string>>;
}

/** `name:tag` of an image, the tag defaulting to `linkerdVersion`. */
export function imageRef(name: string, version: string, linkerdVersion: string): string {
  return `${name}:${version === '' ? linkerdVersion : version}`;
}

/** The proxy version written to `linkerd.io/proxy-version` and used as the image tag. */
export function proxyVersion(values: Values): string {
  return values.proxy.image.version === '' ? values.linkerdVersion : values.proxy.image.version;
}

/** The identity trust domain: `identityTrustDomain`, else `clusterDomain`. */
export function trustDomain(values: Values): string {
  return values.identityTrustDomain === '' ? values.clusterDomain : values.identityTrustDomain;
}

/**
 * Minimal shapes of the Kubernetes objects the injector reads and writes. Every interface keeps
 * an index signature so fields Skein does not know survive a round trip untouched.
 */

/** Any Kubernetes object. */
export interface KubeObject {
  /** API group and version, e.g. `apps/v1`. */
  apiVersion?: string;
  /** Object kind, e.g. `Deployment`. */
  kind?: string;
  /** Object metadata. */
  metadata?: ObjectMeta;
  /** Other fields (spec, status, items, …). */
  [field: string]: unknown;
}

/** An owner reference in `metadata.ownerReferences`. */
export interface OwnerReference {
  /** Owner kind, e.g. `ReplicaSet`. */
  kind: string;
  /** Owner name. */
  name: string;
  /** Whether this owner is the managing controller. */
  controller?: boolean;
  /** Other fields. */
  [field: string]: unknown;
}

/** Kubernetes ObjectMeta. */
export interface ObjectMeta {
  /** Object name. */
  name?: string;
  /** Name prefix used when `name` is empty (pods created by controllers). */
  generateName?: string;
  /** Namespace. */
  namespace?: string;
  /** Labels. */
  labels?: Record<string, string>;
  /** Annotations. */
  annotations?: Record<string, string>;
  /** Owners of the object. */
  ownerReferences?: OwnerReference[];
  /** Other fields. */
  [field: string]: unknown;
}

/** An environment variable of a container. */
export interface EnvVar {
  /** Variable name. */
  name: string;
  /** Literal value. */
  value?: string;
  /** Value taken from a field, resource, ConfigMap or Secret. */
  valueFrom?: Record<string, unknown>;
}

/** A port a container declares. */
export interface ContainerPort {
  /** Port number in the pod's network namespace. */
  containerPort: number;
  /** IANA name, used by named-port references. */
  name?: string;
  /** TCP (default), UDP or SCTP. */
  protocol?: string;
  /** Other fields. */
  [field: string]: unknown;
}

/** A container's probe. */
export interface Probe {
  /** HTTP GET check. */
  httpGet?: { path?: string; port?: number | string; scheme?: string; [field: string]: unknown };
  /** Other fields. */
  [field: string]: unknown;
}

/** Linux capabilities of a security context. */
export interface Capabilities {
  /** Added capabilities. */
  add?: string[];
  /** Dropped capabilities. */
  drop?: string[];
}

/** A container security context. */
export interface SecurityContext {
  /** Capabilities. */
  capabilities?: Capabilities;
  /** Other fields. */
  [field: string]: unknown;
}

/** A volume mount of a container. */
export interface VolumeMount {
  /** Volume name. */
  name: string;
  /** Path inside the container. */
  mountPath: string;
  /** Whether the mount is read-only. */
  readOnly?: boolean;
  /** Other fields. */
  [field: string]: unknown;
}

/** A container or init container. */
export interface Container {
  /** Container name. */
  name: string;
  /** Image reference. */
  image?: string;
  /** Declared ports. */
  ports?: ContainerPort[];
  /** Environment. */
  env?: EnvVar[];
  /** Liveness probe. */
  livenessProbe?: Probe;
  /** Readiness probe. */
  readinessProbe?: Probe;
  /** Security context. */
  securityContext?: SecurityContext;
  /** Volume mounts. */
  volumeMounts?: VolumeMount[];
  /** Other fields. */
  [field: string]: unknown;
}

/** A pod volume. */
export interface Volume {
  /** Volume name. */
  name: string;
  /** The volume source (emptyDir, projected, …). */
  [field: string]: unknown;
}

/** A pod spec. */
export interface PodSpec {
  /** App containers. */
  containers?: Container[];
  /** Init containers (and native sidecars). */
  initContainers?: Container[];
  /** Volumes. */
  volumes?: Volume[];
  /** Whether the pod uses the node's network namespace. */
  hostNetwork?: boolean;
  /** Whether the service-account token is mounted automatically. */
  automountServiceAccountToken?: boolean;
  /** Other fields. */
  [field: string]: unknown;
}

/** A pod template: metadata plus spec. */
export interface PodTemplate {
  /** Template metadata. */
  metadata?: ObjectMeta;
  /** Pod spec. */
  spec?: PodSpec;
}

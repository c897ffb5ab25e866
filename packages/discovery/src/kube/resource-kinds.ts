import {
  AppsV1Api,
  BatchV1Api,
  CoreV1Api,
  CustomObjectsApi,
  DiscoveryV1Api,
  type KubeConfig,
  type KubernetesListObject,
  type KubernetesObject,
  type V1EndpointSlice,
  type V1Job,
  type V1LabelSelector,
  type V1Node,
  type V1Pod,
  type V1ReplicaSet,
  type V1Service,
} from '@kubernetes/client-node';
import type { ServiceProfile } from '@skein/core';
import {
  trimEndpointSlice,
  trimMetadata,
  trimNode,
  trimPod,
  trimService,
  trimToOwnerRefs,
} from './object-trim.js';
import type { ResourceKind } from './resource-watch.js';

/** A `policy.linkerd.io/v1beta3` Server: which pod port a policy (and its protocol) applies to. */
export interface PolicyServer extends KubernetesObject {
  /** The Server's spec (only the fields discovery reads). */
  spec?: {
    /** The pods it applies to. */
    podSelector?: V1LabelSelector;
    /** A container port number or name. */
    port?: number | string;
    /** `unknown` (detect), `HTTP/1`, `HTTP/2`, `gRPC`, `opaque` or `TLS`. */
    proxyProtocol?: string;
  };
}

/** A ServiceProfile as read from the API. */
export type ServiceProfileResource = ServiceProfile & KubernetesObject;

function crdKind<T extends KubernetesObject>(name: string, group: string, version: string): ResourceKind<T> {
  return {
    name,
    path: `/apis/${group}/${version}/${name}`,
    list: (kc: KubeConfig) => {
      const api = kc.makeApiClient(CustomObjectsApi);
      return (page) =>
        api.listClusterCustomObject({ group, version, plural: name, ...page }) as Promise<
          KubernetesListObject<T>
        >;
    },
    trim: trimMetadata,
  };
}

/** The kinds the destination service watches. */
export const kinds = {
  /** `v1` Services. */
  services: {
    name: 'services',
    trim: trimService,
    path: '/api/v1/services',
    list: (kc) => {
      const api = kc.makeApiClient(CoreV1Api);
      return (page) => api.listServiceForAllNamespaces(page);
    },
  } satisfies ResourceKind<V1Service>,
  /** `discovery.k8s.io/v1` EndpointSlices. */
  endpointSlices: {
    name: 'endpointslices',
    trim: trimEndpointSlice,
    path: '/apis/discovery.k8s.io/v1/endpointslices',
    list: (kc) => {
      const api = kc.makeApiClient(DiscoveryV1Api);
      return (page) => api.listEndpointSliceForAllNamespaces(page);
    },
  } satisfies ResourceKind<V1EndpointSlice>,
  /** `v1` Pods. */
  pods: {
    name: 'pods',
    trim: trimPod,
    path: '/api/v1/pods',
    list: (kc) => {
      const api = kc.makeApiClient(CoreV1Api);
      return (page) => api.listPodForAllNamespaces(page);
    },
  } satisfies ResourceKind<V1Pod>,
  /** `v1` Nodes (for the client's zone). */
  nodes: {
    name: 'nodes',
    trim: trimNode,
    path: '/api/v1/nodes',
    list: (kc) => {
      const api = kc.makeApiClient(CoreV1Api);
      return (page) => api.listNode(page);
    },
  } satisfies ResourceKind<V1Node>,
  /** `apps/v1` ReplicaSets (to name a pod's Deployment). */
  replicaSets: {
    name: 'replicasets',
    trim: trimToOwnerRefs,
    path: '/apis/apps/v1/replicasets',
    list: (kc) => {
      const api = kc.makeApiClient(AppsV1Api);
      return (page) => api.listReplicaSetForAllNamespaces(page);
    },
  } satisfies ResourceKind<V1ReplicaSet>,
  /** `batch/v1` Jobs (to name a pod's CronJob). */
  jobs: {
    name: 'jobs',
    trim: trimToOwnerRefs,
    path: '/apis/batch/v1/jobs',
    list: (kc) => {
      const api = kc.makeApiClient(BatchV1Api);
      return (page) => api.listJobForAllNamespaces(page);
    },
  } satisfies ResourceKind<V1Job>,
  /** `linkerd.io/v1alpha2` ServiceProfiles. */
  serviceProfiles: crdKind<ServiceProfileResource>('serviceprofiles', 'linkerd.io', 'v1alpha2'),
  /** `policy.linkerd.io/v1beta3` Servers (opaque ports). */
  servers: crdKind<PolicyServer>('servers', 'policy.linkerd.io', 'v1beta3'),
} as const;

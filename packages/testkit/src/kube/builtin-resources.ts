import type { ResourceType } from './resource-type.js';

type Row = [
  group: string,
  versions: string,
  plural: string,
  kind: string,
  namespaced: boolean,
  status: boolean,
  shortNames?: string,
];

// The built-in kinds Skein's control plane, injector and tests touch. Versions are the ones a
// current Kubernetes serves; the first is the preferred version.
const rows: Row[] = [
  ['', 'v1', 'namespaces', 'Namespace', false, true, 'ns'],
  ['', 'v1', 'nodes', 'Node', false, true, 'no'],
  ['', 'v1', 'pods', 'Pod', true, true, 'po'],
  ['', 'v1', 'services', 'Service', true, true, 'svc'],
  ['', 'v1', 'endpoints', 'Endpoints', true, false, 'ep'],
  ['', 'v1', 'serviceaccounts', 'ServiceAccount', true, false, 'sa'],
  ['', 'v1', 'secrets', 'Secret', true, false],
  ['', 'v1', 'configmaps', 'ConfigMap', true, false, 'cm'],
  ['', 'v1', 'events', 'Event', true, false, 'ev'],
  ['discovery.k8s.io', 'v1', 'endpointslices', 'EndpointSlice', true, false],
  ['events.k8s.io', 'v1', 'events', 'Event', true, false, 'ev'],
  ['apps', 'v1', 'deployments', 'Deployment', true, true, 'deploy'],
  ['apps', 'v1', 'replicasets', 'ReplicaSet', true, true, 'rs'],
  ['apps', 'v1', 'statefulsets', 'StatefulSet', true, true, 'sts'],
  ['apps', 'v1', 'daemonsets', 'DaemonSet', true, true, 'ds'],
  ['batch', 'v1', 'jobs', 'Job', true, true],
  ['batch', 'v1', 'cronjobs', 'CronJob', true, true, 'cj'],
  [
    'admissionregistration.k8s.io',
    'v1',
    'mutatingwebhookconfigurations',
    'MutatingWebhookConfiguration',
    false,
    false,
  ],
  [
    'admissionregistration.k8s.io',
    'v1',
    'validatingwebhookconfigurations',
    'ValidatingWebhookConfiguration',
    false,
    false,
  ],
  [
    'apiextensions.k8s.io',
    'v1',
    'customresourcedefinitions',
    'CustomResourceDefinition',
    false,
    true,
    'crd,crds',
  ],
  ['apiregistration.k8s.io', 'v1', 'apiservices', 'APIService', false, true],
  ['rbac.authorization.k8s.io', 'v1', 'roles', 'Role', true, false],
  ['rbac.authorization.k8s.io', 'v1', 'rolebindings', 'RoleBinding', true, false],
  ['rbac.authorization.k8s.io', 'v1', 'clusterroles', 'ClusterRole', false, false],
  ['rbac.authorization.k8s.io', 'v1', 'clusterrolebindings', 'ClusterRoleBinding', false, false],
  ['coordination.k8s.io', 'v1', 'leases', 'Lease', true, false],
  ['policy', 'v1', 'poddisruptionbudgets', 'PodDisruptionBudget', true, true, 'pdb'],
  ['networking.k8s.io', 'v1', 'networkpolicies', 'NetworkPolicy', true, false, 'netpol'],
  ['autoscaling', 'v2,v1', 'horizontalpodautoscalers', 'HorizontalPodAutoscaler', true, true, 'hpa'],
];

// Field selectors the real server indexes for these kinds (a subset: the cheap, common ones).
const selectable: Record<string, string[]> = {
  '/pods': [
    'spec.nodeName',
    'spec.restartPolicy',
    'spec.schedulerName',
    'spec.serviceAccountName',
    'spec.hostNetwork',
    'status.phase',
    'status.podIP',
    'status.nominatedNodeName',
  ],
  '/events': [
    'involvedObject.kind',
    'involvedObject.namespace',
    'involvedObject.name',
    'involvedObject.uid',
    'involvedObject.apiVersion',
    'involvedObject.resourceVersion',
    'involvedObject.fieldPath',
    'reason',
    'reportingComponent',
    'source',
    'type',
  ],
  '/secrets': ['type'],
  '/namespaces': ['status.phase'],
  '/nodes': ['spec.unschedulable'],
  'apps/replicasets': ['status.replicas'],
  'batch/jobs': ['status.successful'],
};

function fromRow([group, versions, plural, kind, namespaced, status, shortNames]: Row): ResourceType {
  const key = `${group}/${plural}`;
  return {
    group,
    versions: versions.split(','),
    plural,
    singular: kind.toLowerCase(),
    kind,
    namespaced,
    statusSubresource: status,
    ...(shortNames === undefined ? {} : { shortNames: shortNames.split(',') }),
    ...(selectable[key] === undefined ? {} : { selectableFields: selectable[key] }),
    returnsDeletedObject: key === '/pods' || key === '/services' || key === '/serviceaccounts',
    ...(key === '/serviceaccounts' ? { subresources: ['token'] } : {}),
    custom: false,
  };
}

function review(group: string, plural: string, kind: string, namespaced = false): ResourceType {
  return {
    group,
    versions: ['v1'],
    plural,
    singular: kind.toLowerCase(),
    kind,
    namespaced,
    statusSubresource: false,
    verbs: ['create'],
    custom: false,
  };
}

/** The built-in resource types the server serves from the start. */
export function builtinResourceTypes(): ResourceType[] {
  return [
    ...rows.map(fromRow),
    review('authentication.k8s.io', 'tokenreviews', 'TokenReview'),
    review('authorization.k8s.io', 'subjectaccessreviews', 'SubjectAccessReview'),
    review('authorization.k8s.io', 'selfsubjectaccessreviews', 'SelfSubjectAccessReview'),
    review('authorization.k8s.io', 'localsubjectaccessreviews', 'LocalSubjectAccessReview', true),
  ];
}

import type { ControlPlaneValues } from '../values/control-plane-values.js';
import type { InstallConfig } from '../values/install-config.js';
import type { KubeObject } from './kube-types.js';
import { commonLabels } from './labels.js';
import { type ComponentName, ResourceName } from './names.js';

/** One RBAC rule. */
interface Rule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
  resourceNames?: string[];
}

const READ = ['get', 'list', 'watch'];
const EVENTS: Rule = { apiGroups: [''], resources: ['events'], verbs: ['create', 'patch'] };
const WORKLOADS: Rule[] = [
  {
    apiGroups: [''],
    resources: ['pods', 'services', 'endpoints', 'namespaces', 'replicationcontrollers'],
    verbs: READ,
  },
  {
    apiGroups: ['apps'],
    resources: ['deployments', 'replicasets', 'statefulsets', 'daemonsets'],
    verbs: READ,
  },
  { apiGroups: ['batch'], resources: ['jobs', 'cronjobs'], verbs: READ },
];

/** The service account and cluster-wide rules of each component. */
interface ComponentRbac {
  readonly component: ComponentName;
  readonly serviceAccount: string;
  readonly clusterRules: Rule[];
}

function components(cp: ControlPlaneValues): ComponentRbac[] {
  const list: ComponentRbac[] = [
    {
      component: 'destination',
      serviceAccount: ResourceName.destination,
      clusterRules: [
        { apiGroups: [''], resources: ['pods', 'endpoints', 'services', 'nodes', 'namespaces'], verbs: READ },
        { apiGroups: ['apps'], resources: ['replicasets'], verbs: READ },
        { apiGroups: ['batch'], resources: ['jobs'], verbs: READ },
        { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: READ },
        { apiGroups: ['linkerd.io'], resources: ['serviceprofiles'], verbs: READ },
        {
          apiGroups: ['policy.linkerd.io'],
          resources: [
            'servers',
            'serverauthorizations',
            'authorizationpolicies',
            'meshtlsauthentications',
            'networkauthentications',
            'httproutes',
          ],
          verbs: READ,
        },
        { apiGroups: ['workload.linkerd.io'], resources: ['externalworkloads'], verbs: READ },
        EVENTS,
      ],
    },
    {
      component: 'identity',
      serviceAccount: ResourceName.identity,
      clusterRules: [
        { apiGroups: ['authentication.k8s.io'], resources: ['tokenreviews'], verbs: ['create'] },
        EVENTS,
      ],
    },
    {
      component: 'proxy-injector',
      serviceAccount: ResourceName.proxyInjector,
      clusterRules: [
        { apiGroups: [''], resources: ['namespaces', 'pods', 'replicationcontrollers'], verbs: READ },
        { apiGroups: ['apps'], resources: ['replicasets'], verbs: READ },
        { apiGroups: ['batch'], resources: ['jobs'], verbs: READ },
        EVENTS,
      ],
    },
  ];
  if (cp.skein.viz.enabled) {
    list.push(
      {
        component: 'controller',
        serviceAccount: ResourceName.controller,
        clusterRules: [
          ...WORKLOADS,
          { apiGroups: ['linkerd.io'], resources: ['serviceprofiles'], verbs: READ },
        ],
      },
      {
        component: 'tap',
        serviceAccount: ResourceName.tap,
        clusterRules: [
          ...WORKLOADS,
          { apiGroups: ['authorization.k8s.io'], resources: ['subjectaccessreviews'], verbs: ['create'] },
        ],
      },
      { component: 'web', serviceAccount: ResourceName.web, clusterRules: [] },
    );
  }
  if (cp.skein.prometheus.enabled) {
    list.push({
      component: 'prometheus',
      serviceAccount: ResourceName.prometheus,
      clusterRules: [{ apiGroups: [''], resources: ['nodes', 'nodes/proxy', 'pods'], verbs: READ }],
    });
  }
  if (!cp.disableHeartBeat) {
    list.push({
      component: 'heartbeat',
      serviceAccount: ResourceName.heartbeat,
      clusterRules: [
        { apiGroups: [''], resources: ['namespaces'], verbs: ['list'] },
        { apiGroups: ['linkerd.io'], resources: ['serviceprofiles'], verbs: ['list'] },
      ],
    });
  }
  return list;
}

/** Name of a component's ClusterRole and ClusterRoleBinding: `linkerd-<namespace>-<component>`. */
export function clusterRoleName(namespace: string, component: ComponentName): string {
  return `linkerd-${namespace}-${component}`;
}

/**
 * Service accounts, ClusterRoles and ClusterRoleBindings of every rendered component, plus the
 * heartbeat's Role to read `linkerd-config`.
 */
export function renderRbac(config: InstallConfig): KubeObject[] {
  const objects: KubeObject[] = [];
  const pullSecrets = config.controlPlane.imagePullSecrets;
  for (const c of components(config.controlPlane)) {
    const labels = commonLabels(config, c.component);
    objects.push({
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: c.serviceAccount, namespace: config.namespace, labels },
      ...(pullSecrets.length === 0 ? {} : { imagePullSecrets: pullSecrets }),
    });
    if (c.clusterRules.length === 0) continue;
    const name = clusterRoleName(config.namespace, c.component);
    objects.push(
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRole',
        metadata: { name, labels },
        rules: c.clusterRules,
      },
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRoleBinding',
        metadata: { name, labels },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name },
        subjects: [{ kind: 'ServiceAccount', name: c.serviceAccount, namespace: config.namespace }],
      },
    );
  }
  if (!config.controlPlane.disableHeartBeat) {
    const labels = commonLabels(config, 'heartbeat');
    objects.push(
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'Role',
        metadata: { name: ResourceName.heartbeat, namespace: config.namespace, labels },
        rules: [
          {
            apiGroups: [''],
            resources: ['configmaps'],
            verbs: ['get'],
            resourceNames: [ResourceName.config],
          },
        ],
      },
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'RoleBinding',
        metadata: { name: ResourceName.heartbeat, namespace: config.namespace, labels },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: ResourceName.heartbeat },
        subjects: [{ kind: 'ServiceAccount', name: ResourceName.heartbeat, namespace: config.namespace }],
      },
    );
  }
  return objects;
}

/** The ClusterRoles an installation with these values has (for `skein check`). */
export function expectedClusterRoles(namespace: string, values: ControlPlaneValues): string[] {
  return components(values)
    .filter((c) => c.clusterRules.length > 0)
    .map((c) => clusterRoleName(namespace, c.component));
}

/** The ServiceAccounts an installation with these values has (for `skein check`). */
export function expectedServiceAccounts(values: ControlPlaneValues): string[] {
  return components(values).map((c) => c.serviceAccount);
}

/** The components whose pods an installation with these values runs (not the heartbeat's Jobs). */
export function expectedComponents(values: ControlPlaneValues): ComponentName[] {
  return components(values)
    .map((c) => c.component)
    .filter((c) => c !== 'heartbeat');
}

import type { CheckCategory, CheckDefinition } from '../check-model.js';
import { fail, ok, warn } from '../check-model.js';

/** Oldest Kubernetes Skein supports. */
export const MIN_KUBERNETES = { major: 1, minor: 22 } as const;
/** First Kubernetes with native sidecars on by default (the injector's default mode). */
export const NATIVE_SIDECAR_KUBERNETES = { major: 1, minor: 29 } as const;
/** Largest clock difference with the API server accepted without a warning. */
export const MAX_CLOCK_SKEW_MS = 5 * 60_000;

/** `kubernetes-api`: the API answers. Fatal: nothing else can be checked without it. */
export const kubernetesApi: CheckCategory = {
  name: 'kubernetes-api',
  checks: [
    {
      id: 'k8s-api-query',
      description: 'can query the Kubernetes API',
      hintAnchor: 'k8s-api',
      fatal: true,
      async run(ctx) {
        await ctx.cluster.version();
        return ok();
      },
    },
  ],
};

/** `kubernetes-version`: the API server is recent enough. */
export const kubernetesVersion: CheckCategory = {
  name: 'kubernetes-version',
  checks: [
    {
      id: 'k8s-version-minimum',
      description: 'is running the minimum Kubernetes API version',
      hintAnchor: 'k8s-version',
      async run(ctx) {
        const v = await ctx.cluster.version();
        const min = MIN_KUBERNETES;
        if (v.major > min.major || (v.major === min.major && v.minor >= min.minor)) return ok();
        return fail(
          `Kubernetes is on version [${v.gitVersion}], but version [${min.major}.${min.minor}] or more recent is required`,
        );
      },
    },
    {
      id: 'k8s-version-native-sidecar',
      description: 'supports native sidecar containers',
      hintAnchor: 'k8s-version',
      async run(ctx) {
        const v = await ctx.cluster.version();
        const n = NATIVE_SIDECAR_KUBERNETES;
        if (v.major > n.major || (v.major === n.major && v.minor >= n.minor)) return ok();
        return warn(
          `Kubernetes ${v.gitVersion} predates native sidecars (${n.major}.${n.minor}); install with --set proxy.nativeSidecar=false`,
        );
      },
    },
  ],
};

function canCreate(
  id: string,
  description: string,
  group: string,
  resources: readonly string[],
  namespaced: boolean,
): CheckDefinition {
  return {
    id,
    description,
    hintAnchor: namespaced ? 'pre-k8s' : 'pre-k8s-cluster-k8s',
    async run(ctx) {
      const denied: string[] = [];
      for (const resource of resources) {
        const answer = await ctx.cluster.canI({
          verb: 'create',
          group,
          resource,
          ...(namespaced ? { namespace: ctx.namespace } : {}),
        });
        if (!answer.allowed) denied.push(`${resource}${answer.reason === '' ? '' : ` (${answer.reason})`}`);
      }
      return denied.length === 0
        ? ok()
        : fail(
            `missing permissions to create ${denied.join(', ')}${namespaced ? ` in namespace ${ctx.namespace}` : ''}`,
          );
    },
  };
}

/** `pre-kubernetes-setup` (`--pre`): the cluster is ready for `skein install`. */
export const preKubernetesSetup: CheckCategory = {
  name: 'pre-kubernetes-setup',
  checks: [
    {
      id: 'pre-ns',
      description: 'control plane namespace does not already exist',
      hintAnchor: 'pre-ns',
      async run(ctx) {
        const ns = await ctx.cluster.get({ apiVersion: 'v1', kind: 'Namespace', name: ctx.namespace });
        return ns === undefined ? ok() : fail(`The "${ctx.namespace}" namespace already exists`);
      },
    },
    canCreate('pre-cluster-resources', 'can create non-namespaced resources', '', ['namespaces'], false),
    canCreate(
      'pre-cluster-rbac',
      'can create ClusterRoles and ClusterRoleBindings',
      'rbac.authorization.k8s.io',
      ['clusterroles', 'clusterrolebindings'],
      false,
    ),
    canCreate(
      'pre-crds',
      'can create CustomResourceDefinitions',
      'apiextensions.k8s.io',
      ['customresourcedefinitions'],
      false,
    ),
    canCreate(
      'pre-webhooks',
      'can create admission webhook configurations',
      'admissionregistration.k8s.io',
      ['mutatingwebhookconfigurations', 'validatingwebhookconfigurations'],
      false,
    ),
    canCreate('pre-service-accounts', 'can create ServiceAccounts', '', ['serviceaccounts'], true),
    canCreate('pre-services', 'can create Services', '', ['services'], true),
    canCreate('pre-deployments', 'can create Deployments', 'apps', ['deployments'], true),
    canCreate('pre-cronjobs', 'can create CronJobs', 'batch', ['cronjobs'], true),
    canCreate('pre-configmaps', 'can create ConfigMaps', '', ['configmaps'], true),
    canCreate('pre-secrets', 'can create Secrets', '', ['secrets'], true),
    {
      id: 'pre-read-secrets',
      description: 'can read Secrets',
      hintAnchor: 'pre-k8s',
      async run(ctx) {
        const answer = await ctx.cluster.canI({
          verb: 'get',
          group: '',
          resource: 'secrets',
          namespace: ctx.namespace,
        });
        return answer.allowed
          ? ok()
          : fail(`missing permissions to get secrets in namespace ${ctx.namespace}`);
      },
    },
    {
      id: 'pre-extension-apiserver-authentication',
      description: 'can read extension-apiserver-authentication configmap',
      hintAnchor: 'pre-k8s',
      async run(ctx) {
        const answer = await ctx.cluster.canI({
          verb: 'get',
          group: '',
          resource: 'configmaps',
          namespace: 'kube-system',
          name: 'extension-apiserver-authentication',
        });
        return answer.allowed
          ? ok()
          : fail('missing permissions to get configmap kube-system/extension-apiserver-authentication');
      },
    },
    {
      id: 'pre-clock-skew',
      description: 'no clock skew detected',
      hintAnchor: 'pre-k8s-clock-skew',
      async run(ctx) {
        const v = await ctx.cluster.version();
        if (v.serverTime === undefined)
          return warn('the API server sent no Date header; clock skew not measured');
        const skew = Math.abs(v.serverTime - ctx.now());
        return skew <= MAX_CLOCK_SKEW_MS
          ? ok()
          : warn(`the API server's clock differs from this machine's by ${Math.round(skew / 1000)}s`);
      },
    },
  ],
};

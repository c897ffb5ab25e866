import { parseNetworkSet } from '@skein/core';
import { crdNames } from '../../crds/render-crds.js';
import { ResourceName } from '../../render/names.js';
import { expectedClusterRoles, expectedComponents, expectedServiceAccounts } from '../../render/rbac.js';
import type { CheckContext } from '../check-context.js';
import type { CheckCategory, CheckDefinition, CheckVerdict } from '../check-model.js';
import { fail, ok, warn } from '../check-model.js';
import { podName, podNotReady } from './pod-status.js';

async function missing(
  ctx: CheckContext,
  apiVersion: string,
  kind: string,
  names: readonly string[],
  namespace?: string,
): Promise<string[]> {
  const absent: string[] = [];
  for (const name of names) {
    const found = await ctx.cluster.get({
      apiVersion,
      kind,
      name,
      ...(namespace === undefined ? {} : { namespace }),
    });
    if (found === undefined) absent.push(name);
  }
  return absent;
}

function existence(
  id: string,
  description: string,
  hintAnchor: string,
  apiVersion: string,
  kind: string,
  names: (ctx: CheckContext) => Promise<string[]>,
  namespaced = false,
): CheckDefinition {
  return {
    id,
    description,
    hintAnchor,
    async run(ctx): Promise<CheckVerdict> {
      const absent = await missing(
        ctx,
        apiVersion,
        kind,
        await names(ctx),
        namespaced ? ctx.namespace : undefined,
      );
      return absent.length === 0 ? ok() : fail(`missing ${kind}s: ${absent.join(', ')}`);
    },
  };
}

/** `linkerd-crd`: the CRDs of `skein install --crds` exist. */
export const linkerdCrd: CheckCategory = {
  name: 'linkerd-crd',
  checks: [
    {
      id: 'l5d-existence-crd',
      description: 'control plane CustomResourceDefinitions exist',
      hintAnchor: 'l5d-existence-crd',
      async run(ctx) {
        const absent = await missing(ctx, 'apiextensions.k8s.io/v1', 'CustomResourceDefinition', crdNames());
        return absent.length === 0
          ? ok()
          : fail(`missing ${absent.join(', ')}; run "skein install --crds | kubectl apply -f -"`);
      },
    },
  ],
};

/** `linkerd-config`: the namespace, RBAC and webhook configurations the installation needs exist. */
export const linkerdConfig: CheckCategory = {
  name: 'linkerd-config',
  checks: [
    {
      id: 'l5d-existence-ns',
      description: 'control plane Namespace exists',
      hintAnchor: 'l5d-existence-ns',
      fatal: true,
      async run(ctx) {
        const ns = await ctx.cluster.get({ apiVersion: 'v1', kind: 'Namespace', name: ctx.namespace });
        return ns === undefined
          ? fail(
              `The "${ctx.namespace}" namespace does not exist; is the control plane installed there (-L)?`,
            )
          : ok();
      },
    },
    existence(
      'l5d-existence-cr',
      'control plane ClusterRoles exist',
      'l5d-existence-cr',
      'rbac.authorization.k8s.io/v1',
      'ClusterRole',
      async (ctx) => expectedClusterRoles(ctx.namespace, (await ctx.installed()).controlPlane),
    ),
    existence(
      'l5d-existence-crb',
      'control plane ClusterRoleBindings exist',
      'l5d-existence-crb',
      'rbac.authorization.k8s.io/v1',
      'ClusterRoleBinding',
      async (ctx) => expectedClusterRoles(ctx.namespace, (await ctx.installed()).controlPlane),
    ),
    existence(
      'l5d-existence-sa',
      'control plane ServiceAccounts exist',
      'l5d-existence-sa',
      'v1',
      'ServiceAccount',
      async (ctx) => expectedServiceAccounts((await ctx.installed()).controlPlane),
      true,
    ),
    existence(
      'l5d-existence-mwc',
      'control plane MutatingWebhookConfigurations exist',
      'l5d-existence-mwc',
      'admissionregistration.k8s.io/v1',
      'MutatingWebhookConfiguration',
      async (ctx) => [
        ResourceName.proxyInjectorWebhook,
        ...((await ctx.installed()).controlPlane.skein.viz.enabled ? [ResourceName.tapInjectorWebhook] : []),
      ],
    ),
    existence(
      'l5d-existence-vwc',
      'control plane ValidatingWebhookConfigurations exist',
      'l5d-existence-vwc',
      'admissionregistration.k8s.io/v1',
      'ValidatingWebhookConfiguration',
      async () => [ResourceName.spValidatorWebhook],
    ),
  ],
};

/** `linkerd-existence`: `linkerd-config` exists and the control-plane pods run. */
export const linkerdExistence: CheckCategory = {
  name: 'linkerd-existence',
  checks: [
    {
      id: 'l5d-existence-linkerd-config',
      description: "'linkerd-config' config map exists",
      hintAnchor: 'l5d-existence-linkerd-config',
      async run(ctx) {
        return (await ctx.installed()).found
          ? ok()
          : fail(`configmap ${ctx.namespace}/${ResourceName.config} does not exist`);
      },
    },
    {
      id: 'l5d-api-control-ready',
      description: 'control plane pods are ready',
      hintAnchor: 'l5d-api-control-ready',
      retryable: true,
      async run(ctx) {
        const components = expectedComponents((await ctx.installed()).controlPlane);
        const pods = await ctx.cluster.list('v1', 'Pod', {
          namespace: ctx.namespace,
          labelSelector: 'linkerd.io/control-plane-component',
        });
        const problems: string[] = [];
        for (const component of components) {
          const own = pods.filter(
            (p) => p.metadata?.labels?.['linkerd.io/control-plane-component'] === component,
          );
          if (own.length === 0) {
            problems.push(`no running pods for "${component}"`);
            continue;
          }
          const notReady = own.map(podNotReady).filter((x) => x !== undefined);
          if (notReady.length === own.length) problems.push(...notReady);
        }
        return problems.length === 0 ? ok() : fail(problems[0]!, problems.slice(1));
      },
    },
    {
      id: 'l5d-cluster-networks-pods',
      description: 'cluster networks contains all pods',
      hintAnchor: 'l5d-cluster-networks-pods',
      async run(ctx) {
        const { values } = await ctx.installed();
        const networks = parseNetworkSet(values.clusterNetworks, 'clusterNetworks');
        const pods = await ctx.cluster.list('v1', 'Pod');
        const outside = pods
          .filter((p) => {
            const ip = (p.status as { podIP?: string } | undefined)?.podIP;
            const hostNetwork = (p.spec as { hostNetwork?: boolean } | undefined)?.hostNetwork === true;
            return ip !== undefined && ip !== '' && !hostNetwork && !networks.contains(ip);
          })
          .map((p) => `${podName(p)} (${(p.status as { podIP: string }).podIP})`);
        return outside.length === 0
          ? ok()
          : warn(`the clusterNetworks "${values.clusterNetworks}" do not include every pod IP`, outside);
      },
    },
  ],
};

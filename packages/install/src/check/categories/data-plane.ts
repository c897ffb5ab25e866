import { trustRootSha256 } from '@skein/inject';
import type { KubeObject } from '../../render/kube-types.js';
import type { CheckContext } from '../check-context.js';
import type { CheckCategory } from '../check-model.js';
import { fail, ok, warn } from '../check-model.js';
import { hasProxy, podName, podNotReady, proxyStatus } from './pod-status.js';

/** The meshed pods of this control plane outside its namespace (in `-n` when given). */
async function dataPlanePods(ctx: CheckContext): Promise<KubeObject[]> {
  const pods = await ctx.cluster.list('v1', 'Pod', {
    ...(ctx.dataPlaneNamespace === undefined ? {} : { namespace: ctx.dataPlaneNamespace }),
    labelSelector: `linkerd.io/control-plane-ns=${ctx.namespace}`,
  });
  return pods.filter((p) => p.metadata?.namespace !== ctx.namespace && hasProxy(p));
}

/** `linkerd-data-plane` (`--proxy`): the meshed pods' proxies are ready, current and use the anchors. */
export const linkerdDataPlane: CheckCategory = {
  name: 'linkerd-data-plane',
  checks: [
    {
      id: 'l5d-data-plane-exists',
      description: 'data plane namespace exists',
      hintAnchor: 'l5d-data-plane-exists',
      async run(ctx) {
        if (ctx.dataPlaneNamespace === undefined) return ok();
        const ns = await ctx.cluster.get({
          apiVersion: 'v1',
          kind: 'Namespace',
          name: ctx.dataPlaneNamespace,
        });
        return ns === undefined ? fail(`The "${ctx.dataPlaneNamespace}" namespace does not exist`) : ok();
      },
    },
    {
      id: 'l5d-data-plane-ready',
      description: 'data plane proxies are ready',
      hintAnchor: 'l5d-data-plane-ready',
      retryable: true,
      async run(ctx) {
        const pods = await dataPlanePods(ctx);
        const problems = pods
          .map(
            (p) =>
              podNotReady(p) ??
              (proxyStatus(p)?.ready === true ? undefined : `${podName(p)}: linkerd-proxy is not ready`),
          )
          .filter((x) => x !== undefined);
        return problems.length === 0 ? ok() : fail(problems[0]!, problems.slice(1));
      },
    },
    {
      id: 'l5d-data-plane-version',
      description: 'data plane is up-to-date',
      hintAnchor: 'l5d-data-plane-version',
      async run(ctx) {
        const { values } = await ctx.installed();
        const expected = values.proxy.image.version || values.linkerdVersion;
        const stale = (await dataPlanePods(ctx))
          .filter((p) => p.metadata?.annotations?.['linkerd.io/proxy-version'] !== expected)
          .map(
            (p) => `${podName(p)} (${p.metadata?.annotations?.['linkerd.io/proxy-version'] ?? 'unknown'})`,
          );
        return stale.length === 0
          ? ok()
          : warn(
              `${stale.length} pod(s) run a proxy other than the control plane's ${expected}; restart them to update`,
              stale,
            );
      },
    },
    {
      id: 'l5d-data-plane-cli-version',
      description: 'data plane and cli versions match',
      hintAnchor: 'l5d-data-plane-cli-version',
      async run(ctx) {
        const other = (await dataPlanePods(ctx))
          .filter((p) => p.metadata?.annotations?.['linkerd.io/proxy-version'] !== ctx.cliVersion)
          .map(podName);
        return other.length === 0
          ? ok()
          : warn(`${other.length} pod(s) run a proxy version other than the cli's ${ctx.cliVersion}`, other);
      },
    },
    {
      id: 'l5d-data-plane-proxies-certificate-match-ca',
      description: 'data plane proxies certificate match CA',
      hintAnchor: 'l5d-data-plane-proxies-certificate-match-ca',
      async run(ctx) {
        const { values } = await ctx.installed();
        const current = trustRootSha256(values.identityTrustAnchorsPEM);
        const stale = (await dataPlanePods(ctx))
          .filter((p) => p.metadata?.annotations?.['linkerd.io/trust-root-sha256'] !== current)
          .map(podName);
        return stale.length === 0
          ? ok()
          : warn(
              `${stale.length} pod(s) were injected with other trust anchors than the current ones; restart them`,
              stale,
            );
      },
    },
  ],
};

import type { CheckCategory } from '../check-model.js';
import { fail, ok, warn } from '../check-model.js';
import { hasProxy, podName, proxyStatus } from './pod-status.js';

/** `control-plane-version`: the installed control plane and the CLI are the same version. */
export const controlPlaneVersion: CheckCategory = {
  name: 'control-plane-version',
  checks: [
    {
      id: 'l5d-version-control',
      description: 'control plane and cli versions match',
      hintAnchor: 'l5d-version-control',
      async run(ctx) {
        const { values, found } = await ctx.installed();
        if (!found) return fail('the control-plane version is unknown: linkerd-config is missing');
        return values.linkerdVersion === ctx.cliVersion
          ? ok()
          : warn(`control plane running ${values.linkerdVersion} but cli running ${ctx.cliVersion}`);
      },
    },
  ],
};

/** `linkerd-control-plane-proxy`: the control plane's own proxies are ready and current. */
export const controlPlaneProxy: CheckCategory = {
  name: 'linkerd-control-plane-proxy',
  checks: [
    {
      id: 'l5d-cp-proxy-healthy',
      description: 'control plane proxies are healthy',
      hintAnchor: 'l5d-cp-proxy-healthy',
      retryable: true,
      async run(ctx) {
        const pods = (
          await ctx.cluster.list('v1', 'Pod', {
            namespace: ctx.namespace,
            labelSelector: 'linkerd.io/control-plane-component',
          })
        ).filter(hasProxy);
        if (pods.length === 0)
          return fail(`no control-plane pods with a proxy in namespace ${ctx.namespace}`);
        const unhealthy = pods
          .filter((p) => proxyStatus(p)?.ready !== true)
          .map((p) => `${podName(p)}: linkerd-proxy is not ready`);
        return unhealthy.length === 0 ? ok() : fail(unhealthy[0]!, unhealthy.slice(1));
      },
    },
    {
      id: 'l5d-cp-proxy-version',
      description: 'control plane proxies are up-to-date',
      hintAnchor: 'l5d-cp-proxy-version',
      async run(ctx) {
        const { values } = await ctx.installed();
        const expected = values.proxy.image.version || values.linkerdVersion;
        const pods = (
          await ctx.cluster.list('v1', 'Pod', {
            namespace: ctx.namespace,
            labelSelector: 'linkerd.io/control-plane-component',
          })
        ).filter(hasProxy);
        const stale = pods
          .filter((p) => p.metadata?.annotations?.['linkerd.io/proxy-version'] !== expected)
          .map(
            (p) => `${podName(p)} (${p.metadata?.annotations?.['linkerd.io/proxy-version'] ?? 'unknown'})`,
          );
        return stale.length === 0
          ? ok()
          : warn(`some proxies are not running the current version ${expected}`, stale);
      },
    },
  ],
};

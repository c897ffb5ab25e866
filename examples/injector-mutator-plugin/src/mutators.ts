import type { InjectMutator } from '@skein/inject';

/**
 * Annotates every injected pod with the team that owns its namespace, so dashboards and
 * alerts can route on it. Namespaces without an owner get `unowned`.
 */
export function teamAnnotation(owners: Readonly<Record<string, string>>): InjectMutator {
  return {
    name: 'team-annotation',
    mutate(pod, ctx) {
      pod.metadata ??= {};
      pod.metadata.annotations = {
        ...pod.metadata.annotations,
        'example.com/team': owners[ctx.namespace] ?? 'unowned',
      };
    },
  };
}

/** Proxy resources per `example.com/tier` pod label. */
export interface TierResources {
  readonly [tier: string]: { readonly cpu: string; readonly memory: string };
}

/**
 * Sizes the proxy from the pod's `example.com/tier` label (requests and a memory limit), for
 * pods whose annotations did not set proxy resources themselves.
 */
export function proxyResourcesByTier(tiers: TierResources): InjectMutator {
  return {
    name: 'proxy-resources-by-tier',
    mutate(pod) {
      const tier = pod.metadata?.labels?.['example.com/tier'];
      const size = tier === undefined ? undefined : tiers[tier];
      if (size === undefined) return;
      const proxy = [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])].find(
        (c) => c.name === 'linkerd-proxy',
      );
      if (proxy === undefined || proxy.resources !== undefined) return;
      proxy.resources = { requests: { cpu: size.cpu, memory: size.memory }, limits: { memory: size.memory } };
    },
  };
}

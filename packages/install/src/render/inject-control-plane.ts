import { type Container, Injector, type KubeObject } from '@skein/inject';
import { InstallError, InstallErrorCode } from '../errors.js';
import type { InstallConfig } from '../values/install-config.js';
import { Port } from './names.js';

/** Proxy env the destination and identity pods point at their own container, as Linkerd's chart does. */
const LOCAL_SERVICES: Readonly<Record<string, Record<string, string>>> = {
  destination: {
    LINKERD2_PROXY_DESTINATION_SVC_ADDR: `localhost.:${Port.destinationGrpc}`,
    LINKERD2_PROXY_POLICY_SVC_ADDR: `localhost.:${Port.policyGrpc}`,
  },
  identity: { LINKERD2_PROXY_IDENTITY_SVC_ADDR: `localhost.:${Port.identityGrpc}` },
};

function uniquePorts(...lists: string[]): string {
  const seen = new Set<string>();
  for (const list of lists) for (const p of list.split(',')) if (p.trim() !== '') seen.add(p.trim());
  return [...seen].join(',');
}

function pointAtLocalService(object: KubeObject, overrides: Record<string, string>): void {
  const podSpec = ((object.spec as Record<string, unknown>).template as Record<string, unknown>).spec as {
    containers?: Container[];
    initContainers?: Container[];
  };
  const proxy = [...(podSpec.initContainers ?? []), ...(podSpec.containers ?? [])].find(
    (c) => c.name === 'linkerd-proxy',
  );
  for (const env of proxy?.env ?? []) {
    const value = overrides[env.name];
    if (value !== undefined) env.value = value;
  }
}

/**
 * Adds the proxy to the control plane's own Deployments with `@skein/inject` (their pods are
 * not seen by the injector webhook, whose object selector skips control-plane components).
 * Outbound traffic to the Kubernetes API (`proxyInit.kubeAPIServerPorts`) bypasses the proxy.
 *
 * @throws {InstallError} when a Deployment cannot be injected (a bug in the renderer).
 */
export function injectControlPlane(config: InstallConfig, objects: readonly KubeObject[]): KubeObject[] {
  const injector = new Injector({
    values: config.values,
    controlPlaneNamespace: config.namespace,
    origin: 'cli',
    createdBy: `skein/install ${config.version}`,
  });
  const skipOutbound = uniquePorts(
    config.values.proxyInit.kubeAPIServerPorts,
    config.values.proxyInit.ignoreOutboundPorts,
  );
  return objects.map((object) => {
    if (object.kind !== 'Deployment') return object;
    const template = (object.spec as { template: { metadata: { annotations: Record<string, string> } } })
      .template;
    if (template.metadata.annotations['linkerd.io/inject'] !== 'enabled') return object;
    template.metadata.annotations['config.linkerd.io/skip-outbound-ports'] = skipOutbound;
    const result = injector.inject(object, { namespace: config.namespace });
    if (result.report.outcome !== 'injected') {
      throw new InstallError(
        InstallErrorCode.InvalidValues,
        `cannot add the proxy to Deployment ${object.metadata?.name}: ${result.report.outcome} (${result.report.reasons.map((r) => r.code).join(', ')})`,
      );
    }
    const injected = result.object as KubeObject;
    const component = injected.metadata?.labels?.['linkerd.io/control-plane-component'] ?? '';
    const overrides = LOCAL_SERVICES[component];
    if (overrides !== undefined) pointAtLocalService(injected, overrides);
    return injected;
  });
}

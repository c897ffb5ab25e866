import { KubeConfig, type KubernetesObject, KubernetesObjectApi } from '@kubernetes/client-node';
import { type KubeApiServer, startKubeApiServer } from '@skein/testkit';
import { type ClusterReader, kubeClusterReader } from '../../src/cluster/cluster-reader.js';
import type { KubeObject } from '../../src/render/kube-types.js';

/** A testkit API server with a client. */
export interface ClusterFixture {
  readonly server: KubeApiServer;
  readonly kc: KubeConfig;
  readonly cluster: ClusterReader;
  readonly objects: KubernetesObjectApi;
  close(): Promise<void>;
}

/** Starts a testkit API server and a client for it. */
export async function startCluster(): Promise<ClusterFixture> {
  const server = await startKubeApiServer();
  const kc = new KubeConfig();
  kc.loadFromString(server.kubeconfig);
  return {
    server,
    kc,
    cluster: kubeClusterReader(kc),
    objects: KubernetesObjectApi.makeApiClient(kc),
    close: () => server.close(),
  };
}

/** Creates objects through the API, in order (what `kubectl create -f` does). */
export async function applyObjects(fixture: ClusterFixture, objects: readonly KubeObject[]): Promise<void> {
  for (const o of objects) await fixture.objects.create(o as KubernetesObject);
}

let podIp = 10;

/**
 * Plays the controllers and the kubelet, which the testkit server does not run: one Running,
 * Ready pod per Deployment (from its template), every container ready.
 */
export function runPods(fixture: ClusterFixture, objects: readonly KubeObject[], ready = true): void {
  for (const d of objects) {
    if (d.kind !== 'Deployment') continue;
    const template = (
      d.spec as { template: { metadata: KubeObject['metadata']; spec: Record<string, unknown> } }
    ).template;
    const spec = template.spec as { containers: { name: string }[]; initContainers?: { name: string }[] };
    fixture.server.store.create({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        ...template.metadata,
        name: `${d.metadata?.name}-5d8f9c-0`,
        namespace: d.metadata?.namespace,
      },
      spec: template.spec,
      status: {
        phase: ready ? 'Running' : 'Pending',
        podIP: `10.42.0.${podIp++}`,
        conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }],
        initContainerStatuses: (spec.initContainers ?? []).map((c) => ({
          name: c.name,
          ready: ready && c.name === 'linkerd-proxy',
        })),
        containerStatuses: spec.containers.map((c) => ({ name: c.name, ready })),
      },
    } as never);
  }
}

import { CoreV1Api, KubeConfig, makeInformer } from '@kubernetes/client-node';
import { expect, it } from 'vitest';
import { startKubeApiServer, waitFor } from '../src/index.js';

// The README's example, kept runnable.
it('runs the README example', async () => {
  const server = await startKubeApiServer({ preloadLinkerdCrds: true });
  const kc = new KubeConfig();
  kc.loadFromString(server.kubeconfig);
  server.store.create({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'web-1', namespace: 'default' },
    spec: { containers: [{ name: 'web', image: 'web' }] },
    status: { podIP: '10.0.0.1' },
  });
  const core = kc.makeApiClient(CoreV1Api);
  const pods = makeInformer(kc, '/api/v1/pods', () => core.listPodForAllNamespaces());
  await pods.start();
  const pod = await waitFor(() => pods.get('web-1', 'default'));
  expect(pod.status?.podIP).toBe('10.0.0.1');
  await pods.stop();
  await server.close();
});

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type KubeApiServer, type RunningProcess, runProcess, startKubeApiServer } from '@skein/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readConfig } from '../src/config.js';

// skein-tap on Kubernetes selects pods as Linkerd's tap API does: meshed by this control plane
// (--controller-namespace) and annotated viz.linkerd.io/tap-enabled=true by the tap injector.
const BIN = join(import.meta.dirname, '../dist/main.js');
let dir: string;
let kube: KubeApiServer;
let app: RunningProcess;
let base: string;

function meshedPod(name: string, labels: Record<string, string>, annotations: Record<string, string>) {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: 'demo',
      labels,
      annotations,
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'StatefulSet', name, uid: name, controller: true }],
    },
    spec: {
      containers: [
        { name: 'app', image: 'app' },
        {
          name: 'linkerd-proxy',
          image: 'proxy',
          env: [
            {
              name: 'LINKERD2_PROXY_TAP_SVC_NAME',
              value: 'linkerd-tap.linkerd.serviceaccount.identity.linkerd.cluster.local',
            },
          ],
        },
      ],
    },
    status: { phase: 'Running', podIP: '10.1.0.1', conditions: [{ type: 'Ready', status: 'True' }] },
  };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'skein-tap-kube-'));
  kube = await startKubeApiServer();
  kube.store.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'demo' } });
  // Meshed and given tap env, but created before the tap injector ran: no annotation.
  kube.store.create(meshedPod('before', { 'linkerd.io/control-plane-ns': 'linkerd' }, {}));
  kube.store.create(
    meshedPod(
      'elsewhere',
      { 'linkerd.io/control-plane-ns': 'mesh2' },
      { 'viz.linkerd.io/tap-enabled': 'true' },
    ),
  );
  kube.auth.allow({
    user: 'alice',
    verbs: ['watch'],
    apiGroups: ['tap.linkerd.io'],
    resources: ['statefulsets'],
    subresource: 'tap',
    namespaces: ['demo'],
  });
  writeFileSync(join(dir, 'kubeconfig'), kube.kubeconfig);
  app = await runProcess({
    command: process.execPath,
    args: [
      BIN,
      '--kubeconfig',
      join(dir, 'kubeconfig'),
      '--controller-namespace',
      'linkerd',
      '--addr',
      '127.0.0.1:0',
      '--trust-remote-user-headers',
      'true',
    ],
    ready: /tap API listening addr=\S+:(\d+)/,
  });
  base = `http://127.0.0.1:${app.readyMatch![1]}`;
});

afterAll(async () => {
  await app?.close(2000);
  await kube?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('skein-tap on Kubernetes', () => {
  it('reads --controller-namespace from the flag or SKEIN_TAP_CONTROLLER_NAMESPACE, unset by default', () => {
    expect(readConfig([], {}).controllerNamespace).toBeUndefined();
    expect(readConfig([], { SKEIN_TAP_CONTROLLER_NAMESPACE: 'mesh' }).controllerNamespace).toBe('mesh');
    expect(
      readConfig(['--controller-namespace', 'linkerd'], { SKEIN_TAP_CONTROLLER_NAMESPACE: 'mesh' })
        .controllerNamespace,
    ).toBe('linkerd');
  });

  it.each([
    [
      'before',
      'pod demo/before: not annotated viz.linkerd.io/tap-enabled=true: the tap injector did not run when it was created (restart it to enable tap)',
    ],
    [
      'elsewhere',
      'pod demo/elsewhere: meshed by the control plane in namespace mesh2, not this one (linkerd)',
    ],
  ])('answers 404 with the reason for a pod it may not tap (%s)', async (name, reason) => {
    const res = await fetch(
      `${base}/apis/tap.linkerd.io/v1alpha1/watch/namespaces/demo/statefulsets/${name}/tap`,
      {
        method: 'POST',
        headers: { 'x-remote-user': 'alice' },
        body: '{}',
      },
    );
    expect(res.status).toBe(404);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.message).toBe(
      `tap: no pods to tap for statefulset/${name} in namespace demo: ${reason}`,
    );
  });
});

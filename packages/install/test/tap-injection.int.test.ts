import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  CoreV1Api,
  KubeConfig,
  type KubernetesObject,
  KubernetesObjectApi,
  type V1Pod,
} from '@kubernetes/client-node';
import { type KubeApiServer, type RunningProcess, runProcess, startKubeApiServer } from '@skein/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderCrds } from '../src/crds/render-crds.js';
import type { KubeObject } from '../src/render/kube-types.js';
import { renderControlPlane } from '../src/render/render-control-plane.js';
import { resolveInstallConfig } from '../src/values/install-config.js';

// The rendered installation on a Kubernetes API server that calls its admission webhooks: the
// real skein-proxy-injector runs with the arguments, values and certificate `skein install`
// renders, and pods created through the API come back meshed and, unless opted out, tappable by
// the identity of the rendered tap Deployment.
const INJECTOR_BIN = fileURLToPath(new URL('../../../apps/proxy-injector/dist/main.js', import.meta.url));
const config = resolveInstallConfig({ version: '1.2.3' });
const objects = renderControlPlane(config);
let dir: string;
let kube: KubeApiServer;
let injector: RunningProcess;
let core: CoreV1Api;

function find(kind: string, name: string): KubeObject {
  const o = objects.find((x) => x.kind === kind && x.metadata?.name === name);
  if (o === undefined) throw new Error(`no ${kind}/${name}`);
  return o;
}

type Container = { name: string; args?: string[]; env?: { name: string; value?: string }[] };
type PodSpec = { serviceAccountName?: string; containers: Container[]; initContainers?: Container[] };
const podSpecOf = (d: KubeObject) => (d.spec as { template: { spec: PodSpec } }).template.spec;
const proxyOf = (spec: { containers?: Container[]; initContainers?: Container[] } | undefined) =>
  [...(spec?.initContainers ?? []), ...(spec?.containers ?? [])].find((c) => c.name === 'linkerd-proxy');
const envOf = (c: Container | undefined, name: string) => c?.env?.find((e) => e.name === name)?.value;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'skein-install-tap-'));
  let webhookPort = 0;
  kube = await startKubeApiServer({
    resolveWebhookService: (svc) =>
      svc.name === 'linkerd-proxy-injector' && svc.namespace === config.namespace
        ? `https://127.0.0.1:${webhookPort}`
        : undefined,
  });
  const kc = new KubeConfig();
  kc.loadFromString(kube.kubeconfig);
  core = kc.makeApiClient(CoreV1Api);
  // The mounted ConfigMap and Secret, as files.
  const values = (find('ConfigMap', 'linkerd-config').data as { values: string }).values;
  const tls = find('Secret', 'linkerd-proxy-injector-k8s-tls').data as Record<string, string>;
  writeFileSync(join(dir, 'values'), values);
  writeFileSync(join(dir, 'tls.crt'), Buffer.from(tls['tls.crt']!, 'base64'));
  writeFileSync(join(dir, 'tls.key'), Buffer.from(tls['tls.key']!, 'base64'));
  writeFileSync(join(dir, 'kubeconfig'), kube.kubeconfig);
  const rendered = podSpecOf(find('Deployment', 'linkerd-proxy-injector')).containers.find(
    (c) => c.name === 'proxy-injector',
  )!.args!;
  const local: Record<string, string> = {
    '--addr': '127.0.0.1:0',
    '--admin-addr': '127.0.0.1:0',
    '--tls-cert': join(dir, 'tls.crt'),
    '--tls-key': join(dir, 'tls.key'),
    '--values': join(dir, 'values'),
    '--log-format': 'json',
  };
  const args = rendered.map((a) => {
    const [flag] = a.split('=', 1);
    return local[flag!] === undefined ? a : `${flag}=${local[flag!]}`;
  });
  injector = await runProcess({
    command: process.execPath,
    args: [INJECTOR_BIN, ...args, `--kubeconfig=${join(dir, 'kubeconfig')}`],
    ready: /"tapInjector":"\/tap-inject","addr":"[^"]*:(\d+)"/,
  });
  webhookPort = Number(injector.readyMatch![1]);
  // What `skein install --crds | kubectl apply -f -` then `skein install | kubectl apply -f -` create.
  const api = KubernetesObjectApi.makeApiClient(kc);
  for (const o of [...renderCrds(), ...objects]) await api.create(o as KubernetesObject);
  const namespace = (name: string, annotations: Record<string, string>) =>
    core.createNamespace({ body: { metadata: { name, annotations } } });
  await namespace('emojivoto', { 'linkerd.io/inject': 'enabled' });
  await namespace('vault', { 'linkerd.io/inject': 'enabled', 'viz.linkerd.io/disable-tap': 'true' });
}, 30_000);

afterAll(async () => {
  await injector?.close(3000);
  await kube?.close();
  rmSync(dir, { recursive: true, force: true });
});

function createPod(
  namespace: string,
  name: string,
  annotations: Record<string, string> = {},
): Promise<V1Pod> {
  return core.createNamespacedPod({
    namespace,
    body: {
      metadata: { name, annotations },
      spec: {
        serviceAccountName: 'web',
        containers: [{ name: 'web', image: 'web:1', ports: [{ containerPort: 8080 }] }],
      },
    },
  });
}

describe('tap injection in a rendered installation', () => {
  it('meshes a pod and lets exactly the tap Deployment’s identity tap it', async () => {
    const pod = await createPod('emojivoto', 'web-0');
    expect(pod.metadata?.annotations?.['viz.linkerd.io/tap-enabled']).toBe('true');
    const tapSvcName = envOf(proxyOf(pod.spec as never), 'LINKERD2_PROXY_TAP_SVC_NAME');
    // The identity the tap Deployment's own proxy takes: its local-name template, filled in with
    // the service account and namespace of its pods.
    const tap = find('Deployment', 'linkerd-tap');
    const localName = envOf(proxyOf(podSpecOf(tap)), 'LINKERD2_PROXY_IDENTITY_LOCAL_NAME')!;
    const tapIdentity = localName
      .replace('$(_pod_sa)', podSpecOf(tap).serviceAccountName!)
      .replace('$(_pod_ns)', tap.metadata!.namespace!);
    expect(tapIdentity).toBe('linkerd-tap.linkerd.serviceaccount.identity.linkerd.cluster.local');
    expect(tapSvcName).toBe(tapIdentity);
    // The proxy's own identity comes from the same template.
    expect(envOf(proxyOf(pod.spec as never), 'LINKERD2_PROXY_IDENTITY_LOCAL_NAME')).toBe(localName);
  });

  it('keeps the proxy but not tap in a namespace or pod that opts out', async () => {
    for (const pod of [
      await createPod('vault', 'secrets-0'),
      await createPod('emojivoto', 'voting-0', { 'viz.linkerd.io/disable-tap': 'true' }),
    ]) {
      expect(proxyOf(pod.spec as never)).toBeDefined();
      expect(envOf(proxyOf(pod.spec as never), 'LINKERD2_PROXY_TAP_SVC_NAME')).toBeUndefined();
      expect(pod.metadata?.annotations?.['viz.linkerd.io/tap-enabled']).toBeUndefined();
    }
  });

  it('leaves control-plane pods to the installer, as both webhooks select objects the same way', async () => {
    const pod = await core.createNamespacedPod({
      namespace: 'emojivoto',
      body: {
        metadata: { name: 'cp-0', labels: { 'linkerd.io/control-plane-component': 'destination' } },
        spec: { containers: [{ name: 'destination', image: 'destination:1' }] },
      },
    });
    expect(proxyOf(pod.spec as never)).toBeUndefined();
    expect(pod.metadata?.annotations?.['viz.linkerd.io/tap-enabled']).toBeUndefined();
  });
});

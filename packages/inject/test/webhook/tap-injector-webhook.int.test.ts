import { AdmissionregistrationV1Api, CoreV1Api, KubeConfig, type V1Pod } from '@kubernetes/client-node';
import { type KubeApiServer, selfSignedCertificate, startKubeApiServer } from '@skein/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Injector } from '../../src/transform/injector.js';
import { type AdmissionServer, startAdmissionServer } from '../../src/webhook/admission-server.js';
import { createInjectorAdmissionHandler } from '../../src/webhook/injector-handler.js';
import { createTapInjectorAdmissionHandler } from '../../src/webhook/tap-injector-handler.js';
import { testValues } from '../fixtures.js';
import { send } from './https-client.js';
import { admissionReview, decodePatch } from './reviews.js';

// The proxy injector and the tap injector on one server (`/` and `/tap-inject`), registered as two
// mutating webhook configurations: the API server calls them in name order, so the tap injector
// sees the pod with its proxy.
const TAP = 'linkerd-tap.linkerd.serviceaccount.identity.linkerd.cluster.local';
const cert = selfSignedCertificate({ altNames: ['linkerd-proxy-injector.linkerd.svc', 'localhost'] });
let kube: KubeApiServer;
let webhooks: AdmissionServer;
let core: CoreV1Api;

beforeAll(async () => {
  kube = await startKubeApiServer({
    resolveWebhookService: (svc) =>
      svc.name === 'linkerd-proxy-injector' ? `https://127.0.0.1:${webhooks.port}` : undefined,
  });
  const kc = new KubeConfig();
  kc.loadFromString(kube.kubeconfig);
  core = kc.makeApiClient(CoreV1Api);
  const getNamespace = async (name: string) => {
    if (name === 'unreadable') throw new Error('namespaces "unreadable" is forbidden');
    return core.readNamespace({ name }).catch(() => undefined);
  };
  webhooks = await startAdmissionServer({
    host: '127.0.0.1',
    certificate: cert,
    handler: createInjectorAdmissionHandler({
      injector: new Injector({ values: testValues(), origin: 'webhook' }),
      getNamespace,
    }),
    handlers: {
      '/tap-inject': createTapInjectorAdmissionHandler({
        tapServiceName: TAP,
        controlPlaneNamespace: 'linkerd',
        getNamespace,
      }),
    },
  });
  const admission = kc.makeApiClient(AdmissionregistrationV1Api);
  for (const [config, hook, path] of [
    // Created tap first: the order of calls follows the names, not the creation order.
    ['linkerd-tap-injector-webhook-config', 'linkerd-tap-injector.linkerd.io', '/tap-inject'],
    ['linkerd-proxy-injector-webhook-config', 'linkerd-proxy-injector.linkerd.io', '/'],
  ] as const) {
    await admission.createMutatingWebhookConfiguration({
      body: {
        metadata: { name: config },
        webhooks: [
          {
            name: hook,
            admissionReviewVersions: ['v1', 'v1beta1'],
            sideEffects: 'None',
            failurePolicy: 'Fail',
            clientConfig: {
              service: { name: 'linkerd-proxy-injector', namespace: 'linkerd', path },
              caBundle: Buffer.from(cert.cert).toString('base64'),
            },
            rules: [{ operations: ['CREATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['pods'] }],
          },
        ],
      },
    });
  }
  const namespace = (name: string, annotations: Record<string, string>) =>
    core.createNamespace({ body: { metadata: { name, annotations } } });
  await namespace('emojivoto', { 'linkerd.io/inject': 'enabled' });
  await namespace('private', { 'linkerd.io/inject': 'enabled', 'viz.linkerd.io/disable-tap': 'true' });
  await namespace('plain', {});
}, 20_000);

afterAll(async () => {
  await kube?.close();
  await webhooks?.close();
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
      spec: { containers: [{ name: 'web', image: 'web:1', ports: [{ containerPort: 80 }] }] },
    },
  });
}

function tapEnv(pod: V1Pod): string | undefined {
  const proxy = [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])].find(
    (c) => c.name === 'linkerd-proxy',
  );
  return proxy?.env?.find((e) => e.name === 'LINKERD2_PROXY_TAP_SVC_NAME')?.value;
}

describe('tap injector webhook called by a Kubernetes API server', () => {
  it('a meshed pod is stored with LINKERD2_PROXY_TAP_SVC_NAME and tap-enabled', async () => {
    await createPod('emojivoto', 'web-1');
    const stored = await core.readNamespacedPod({ namespace: 'emojivoto', name: 'web-1' });
    expect(stored.metadata?.annotations?.['viz.linkerd.io/tap-enabled']).toBe('true');
    expect(tapEnv(stored)).toBe(TAP);
    expect(stored.metadata?.labels?.['linkerd.io/control-plane-ns']).toBe('linkerd');
  });

  it('opting out on the pod or the namespace keeps the proxy without tap', async () => {
    for (const pod of [
      await createPod('private', 'db-1'),
      await createPod('emojivoto', 'vault-1', { 'viz.linkerd.io/disable-tap': 'true' }),
    ]) {
      expect(pod.spec?.initContainers?.some((c) => c.name === 'linkerd-proxy')).toBe(true);
      expect(tapEnv(pod)).toBeUndefined();
      expect(pod.metadata?.annotations?.['viz.linkerd.io/tap-enabled']).toBeUndefined();
    }
  });

  it('a pod without a proxy is left alone', async () => {
    const pod = await createPod('plain', 'job-1');
    expect(pod.spec?.initContainers).toBeUndefined();
    expect(pod.metadata?.annotations?.['viz.linkerd.io/tap-enabled']).toBeUndefined();
  });

  it('admits with a warning, untouched, when the namespace cannot be read', async () => {
    const meshed = await createPod('emojivoto', 'web-2');
    const review = admissionReview(
      'Pod',
      { ...meshed, metadata: { ...meshed.metadata, annotations: {} } },
      {
        namespace: 'unreadable',
      },
    );
    const res = await send(`${webhooks.url}/tap-inject`, cert.cert, JSON.stringify(review));
    expect(res.status).toBe(200);
    const { response } = JSON.parse(res.body) as {
      response: { allowed: boolean; patch?: string; warnings?: string[] };
    };
    expect(response.allowed).toBe(true);
    expect(decodePatch(response)).toEqual([]);
    expect(response.warnings).toEqual([
      'tap not enabled: cannot read namespace unreadable: namespaces "unreadable" is forbidden',
    ]);
  });

  it('answers unknown paths 404 naming both webhooks', async () => {
    const res = await send(`${webhooks.url}/tap`, cert.cert, '{}');
    expect(res.status).toBe(404);
    expect(res.body).toBe('not found: /tap (the webhooks are at /, /tap-inject)\n');
  });
});

import { AdmissionregistrationV1Api, CoreV1Api, CustomObjectsApi, KubeConfig } from '@kubernetes/client-node';
import { type KubeApiServer, selfSignedCertificate, startKubeApiServer } from '@skein/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Injector } from '../../src/transform/injector.js';
import { type AdmissionServer, startAdmissionServer } from '../../src/webhook/admission-server.js';
import { createInjectorAdmissionHandler } from '../../src/webhook/injector-handler.js';
import { createServiceProfileAdmissionHandler } from '../../src/webhook/sp-validator-handler.js';
import { testValues } from '../fixtures.js';

let kube: KubeApiServer;
let injector: AdmissionServer;
let validator: AdmissionServer;
let core: CoreV1Api;

beforeAll(async () => {
  const injectorCert = selfSignedCertificate({ altNames: ['linkerd-proxy-injector.linkerd.svc'] });
  const validatorCert = selfSignedCertificate({ altNames: ['linkerd-sp-validator.linkerd.svc'] });
  kube = await startKubeApiServer({
    preloadLinkerdCrds: true,
    resolveWebhookService: (svc) => {
      if (svc.name === 'linkerd-proxy-injector') return `https://127.0.0.1:${injector.port}`;
      if (svc.name === 'linkerd-sp-validator') return `https://127.0.0.1:${validator.port}`;
      return undefined;
    },
  });
  const kc = new KubeConfig();
  kc.loadFromString(kube.kubeconfig);
  core = kc.makeApiClient(CoreV1Api);
  const getNamespace = async (name: string) => core.readNamespace({ name });
  injector = await startAdmissionServer({
    host: '127.0.0.1',
    certificate: injectorCert,
    handler: createInjectorAdmissionHandler({
      injector: new Injector({ values: testValues(), origin: 'webhook' }),
      getNamespace,
    }),
  });
  validator = await startAdmissionServer({
    host: '127.0.0.1',
    certificate: validatorCert,
    handler: createServiceProfileAdmissionHandler(),
  });
  const admission = kc.makeApiClient(AdmissionregistrationV1Api);
  const service = (name: string, cert: string) => ({
    service: { name, namespace: 'linkerd', path: '/' },
    caBundle: Buffer.from(cert).toString('base64'),
  });
  await admission.createMutatingWebhookConfiguration({
    body: {
      metadata: { name: 'linkerd-proxy-injector-webhook-config' },
      webhooks: [
        {
          name: 'linkerd-proxy-injector.linkerd.io',
          admissionReviewVersions: ['v1', 'v1beta1'],
          sideEffects: 'None',
          failurePolicy: 'Fail',
          clientConfig: service('linkerd-proxy-injector', injectorCert.cert),
          rules: [
            { operations: ['CREATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['pods', 'services'] },
          ],
        },
      ],
    },
  });
  await admission.createValidatingWebhookConfiguration({
    body: {
      metadata: { name: 'linkerd-sp-validator-webhook-config' },
      webhooks: [
        {
          name: 'linkerd-sp-validator.linkerd.io',
          admissionReviewVersions: ['v1', 'v1beta1'],
          sideEffects: 'None',
          failurePolicy: 'Fail',
          clientConfig: service('linkerd-sp-validator', validatorCert.cert),
          rules: [
            {
              operations: ['CREATE', 'UPDATE'],
              apiGroups: ['linkerd.io'],
              apiVersions: ['*'],
              resources: ['serviceprofiles'],
            },
          ],
        },
      ],
    },
  });
  await core.createNamespace({
    body: {
      metadata: {
        name: 'emojivoto',
        annotations: { 'linkerd.io/inject': 'enabled', 'config.linkerd.io/proxy-log-level': 'debug' },
      },
    },
  });
}, 20_000);

afterAll(async () => {
  await kube?.close();
  await injector?.close();
  await validator?.close();
});

describe('webhooks called by a Kubernetes API server', () => {
  it('a pod created in an enabled namespace is stored with the proxy', async () => {
    const created = await core.createNamespacedPod({
      namespace: 'emojivoto',
      body: {
        metadata: { name: 'web-1' },
        spec: { containers: [{ name: 'web', image: 'web:1', ports: [{ containerPort: 80 }] }] },
      },
    });
    expect(created.metadata?.annotations?.['linkerd.io/inject']).toBe('enabled');
    expect(created.metadata?.annotations?.['config.linkerd.io/proxy-log-level']).toBe('debug');
    expect(created.spec?.initContainers?.map((c) => c.name)).toEqual(['linkerd-init', 'linkerd-proxy']);
    const env = created.spec!.initContainers![1]!.env!;
    expect(env.find((e) => e.name === 'LINKERD2_PROXY_LOG')?.value).toBe(
      'debug,[{headers}]=off,[{request}]=off',
    );
    const stored = await core.readNamespacedPod({ namespace: 'emojivoto', name: 'web-1' });
    expect(stored.spec?.volumes?.map((v) => v.name)).toEqual([
      'linkerd-proxy-init-xtables-lock',
      'linkerd-identity-end-entity',
      'linkerd-identity-token',
    ]);
  });

  it('a Service gets its opaque ports annotation', async () => {
    const svc = await core.createNamespacedService({
      namespace: 'emojivoto',
      body: { metadata: { name: 'redis' }, spec: { ports: [{ port: 6379 }] } },
    });
    expect(svc.metadata?.annotations?.['config.linkerd.io/opaque-ports']).toBe('6379');
  });

  it('an invalid ServiceProfile is refused with the validator message', async () => {
    const kc = new KubeConfig();
    kc.loadFromString(kube.kubeconfig);
    const custom = kc.makeApiClient(CustomObjectsApi);
    const create = (spec: unknown, name: string) =>
      custom.createNamespacedCustomObject({
        group: 'linkerd.io',
        version: 'v1alpha2',
        namespace: 'emojivoto',
        plural: 'serviceprofiles',
        body: { apiVersion: 'linkerd.io/v1alpha2', kind: 'ServiceProfile', metadata: { name }, spec },
      });
    await expect(
      create({ routes: [{ name: 'r', condition: { method: 'GET' } }] }, 'web.emojivoto.svc.cluster.local'),
    ).resolves.toBeTruthy();
    const err = await create({ routes: [{ name: 'r' }] }, 'bad.emojivoto.svc.cluster.local').catch(
      (e: unknown) => e,
    );
    expect(err).toMatchObject({ code: 400 });
    expect(String((err as { body?: unknown }).body)).toContain('the route has no condition');
  });
});

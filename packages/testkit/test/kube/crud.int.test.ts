import {
  AdmissionregistrationV1Api,
  ApiextensionsV1Api,
  AppsV1Api,
  CoreV1Api,
  CustomObjectsApi,
  DiscoveryV1Api,
  KubernetesObjectApi,
  PatchStrategy,
  setHeaderOptions,
} from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectStatus, type KubeFixture, startFixture } from '../support/kube-fixture.js';

let f: KubeFixture;
beforeAll(async () => {
  f = await startFixture({ preloadLinkerdCrds: true });
});
afterAll(() => f.server.close());

describe('core resources', () => {
  it('creates, reads, replaces and deletes a ConfigMap with server-set metadata', async () => {
    const core = f.kc.makeApiClient(CoreV1Api);
    const created = await core.createNamespacedConfigMap({
      namespace: 'default',
      body: { metadata: { name: 'settings', labels: { app: 'web' } }, data: { a: '1' } },
    });
    expect(created.metadata?.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(created.metadata?.creationTimestamp).toBeInstanceOf(Date);
    expect(Number(created.metadata?.resourceVersion)).toBeGreaterThan(0);
    expect(created.metadata?.namespace).toBe('default');

    const read = await core.readNamespacedConfigMap({ namespace: 'default', name: 'settings' });
    expect(read.data).toEqual({ a: '1' });

    read.data = { a: '2' };
    const replaced = await core.replaceNamespacedConfigMap({
      namespace: 'default',
      name: 'settings',
      body: read,
    });
    expect(replaced.data).toEqual({ a: '2' });
    expect(Number(replaced.metadata?.resourceVersion)).toBeGreaterThan(
      Number(created.metadata?.resourceVersion),
    );
    expect(replaced.metadata?.uid).toBe(created.metadata?.uid);

    const status = await core.deleteNamespacedConfigMap({ namespace: 'default', name: 'settings' });
    expect(status).toMatchObject({ status: 'Success', details: { name: 'settings', kind: 'configmaps' } });
    await expectStatus(
      () => core.readNamespacedConfigMap({ namespace: 'default', name: 'settings' }),
      404,
      'NotFound',
    );
  });

  it('names objects from generateName and refuses duplicates with 409 AlreadyExists', async () => {
    const core = f.kc.makeApiClient(CoreV1Api);
    const a = await core.createNamespacedSecret({
      namespace: 'default',
      body: { metadata: { generateName: 'tok-' } },
    });
    expect(a.metadata?.name).toMatch(/^tok-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    const status = await expectStatus(
      () =>
        core.createNamespacedSecret({
          namespace: 'default',
          body: { metadata: { name: a.metadata!.name! } },
        }),
      409,
      'AlreadyExists',
    );
    expect(status.message).toBe(`secrets "${a.metadata!.name}" already exists`);
    expect(status.details).toMatchObject({ name: a.metadata!.name, kind: 'secrets' });
  });

  it('answers 422 Invalid with causes for a bad name, and 404 for a missing namespace', async () => {
    const core = f.kc.makeApiClient(CoreV1Api);
    const status = await expectStatus(
      () =>
        core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'Bad_Name' } } }),
      422,
      'Invalid',
    );
    expect(status.message).toContain(
      'ConfigMap "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name"',
    );
    expect(status.details?.causes?.[0]).toMatchObject({
      field: 'metadata.name',
      reason: 'FieldValueInvalid',
    });
    await expectStatus(
      () => core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: {} } }),
      422,
      'Invalid',
    );
    const missing = await expectStatus(
      () => core.createNamespacedConfigMap({ namespace: 'nowhere', body: { metadata: { name: 'x' } } }),
      404,
      'NotFound',
    );
    expect(missing.message).toBe('namespaces "nowhere" not found');
  });

  it('deletes a namespace with everything in it', async () => {
    const core = f.kc.makeApiClient(CoreV1Api);
    await core.createNamespace({ body: { metadata: { name: 'doomed' } } });
    const ns = await core.readNamespace({ name: 'doomed' });
    expect(ns.metadata?.labels).toEqual({ 'kubernetes.io/metadata.name': 'doomed' });
    expect(ns.status?.phase).toBe('Active');
    await core.createNamespacedServiceAccount({ namespace: 'doomed', body: { metadata: { name: 'sa' } } });
    await core.deleteNamespace({ name: 'doomed' });
    expect(f.server.store.list('v1', 'ServiceAccount', 'doomed')).toEqual([]);
    await expectStatus(() => core.readNamespace({ name: 'doomed' }), 404, 'NotFound');
  });

  it('gives Services a ClusterIP and port defaults, and returns the object on delete', async () => {
    const core = f.kc.makeApiClient(CoreV1Api);
    const svc = await core.createNamespacedService({
      namespace: 'default',
      body: { metadata: { name: 'web' }, spec: { selector: { app: 'web' }, ports: [{ port: 80 }] } },
    });
    expect(svc.spec?.clusterIP).toMatch(/^10\.96\.\d+\.\d+$/);
    expect(svc.spec?.ports?.[0]).toMatchObject({ port: 80, protocol: 'TCP', targetPort: 80 });
    const deleted = await core.deleteNamespacedService({ namespace: 'default', name: 'web' });
    expect(deleted.metadata?.name).toBe('web');
    expect(deleted.kind).toBe('Service');
  });

  it('answers 405 for a verb the resource does not have, and 404 for unknown resources', async () => {
    const res = await fetch(`${f.server.url}/apis/authentication.k8s.io/v1/tokenreviews`);
    expect(res.status).toBe(405);
    expect(await res.json()).toMatchObject({ kind: 'Status', reason: 'MethodNotAllowed', code: 405 });
    const unknown = await fetch(`${f.server.url}/api/v1/widgets`);
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ reason: 'NotFound', code: 404 });
  });

  it('answers 400 for a body that is not JSON and for a kind that does not match the URL', async () => {
    const res = await fetch(`${f.server.url}/api/v1/namespaces/default/configmaps`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"metadata": ',
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ reason: 'BadRequest', code: 400 });
    const core = f.kc.makeApiClient(CoreV1Api);
    const status = await expectStatus(
      () =>
        core.createNamespacedConfigMap({
          namespace: 'default',
          body: { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'x' } },
        }),
      400,
      'BadRequest',
    );
    expect(status.message).toContain('cannot be handled as a ConfigMap');
  });
});

describe('grouped resources', () => {
  it('serves apps/v1 Deployments with a status subresource and generation', async () => {
    const apps = f.kc.makeApiClient(AppsV1Api);
    const body = {
      metadata: { name: 'web', labels: { app: 'web' } },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: { containers: [{ name: 'web', image: 'nginx' }] },
        },
      },
      status: { replicas: 7 },
    };
    const created = await apps.createNamespacedDeployment({ namespace: 'default', body });
    expect(created.metadata?.generation).toBe(1);
    expect(created.status?.replicas).toBeUndefined();
    created.spec!.replicas = 3;
    created.status = { replicas: 99 };
    const updated = await apps.replaceNamespacedDeployment({
      namespace: 'default',
      name: 'web',
      body: created,
    });
    expect(updated.metadata?.generation).toBe(2);
    expect(updated.status?.replicas).toBeUndefined();
    updated.status = { replicas: 3, readyReplicas: 3 };
    const withStatus = await apps.replaceNamespacedDeploymentStatus({
      namespace: 'default',
      name: 'web',
      body: updated,
    });
    expect(withStatus.status).toEqual({ replicas: 3, readyReplicas: 3 });
    expect(withStatus.metadata?.generation).toBe(2);
    const list = await apps.listDeploymentForAllNamespaces();
    expect(list.items.map((d) => d.metadata?.name)).toEqual(['web']);
  });

  it('serves discovery.k8s.io EndpointSlices and admissionregistration webhooks', async () => {
    const discovery = f.kc.makeApiClient(DiscoveryV1Api);
    const slice = await discovery.createNamespacedEndpointSlice({
      namespace: 'default',
      body: {
        metadata: { name: 'web-abc', labels: { 'kubernetes.io/service-name': 'web' } },
        addressType: 'IPv4',
        endpoints: [{ addresses: ['10.0.0.1'], conditions: { ready: true } }],
        ports: [{ port: 8080, protocol: 'TCP' }],
      },
    });
    expect(slice.endpoints?.[0]?.addresses).toEqual(['10.0.0.1']);
    const admission = f.kc.makeApiClient(AdmissionregistrationV1Api);
    await admission.createMutatingWebhookConfiguration({
      body: {
        metadata: { name: 'linkerd-proxy-injector-webhook-config' },
        webhooks: [
          {
            name: 'linkerd-proxy-injector.linkerd.io',
            admissionReviewVersions: ['v1'],
            sideEffects: 'None',
            clientConfig: { service: { name: 'linkerd-proxy-injector', namespace: 'linkerd' } },
          },
        ],
      },
    });
    const hooks = await admission.listMutatingWebhookConfiguration();
    expect(hooks.items.map((h) => h.metadata?.name)).toEqual(['linkerd-proxy-injector-webhook-config']);
  });
});

describe('custom resources', () => {
  it('serves a CRD registered through the API, and stops serving it when the CRD is deleted', async () => {
    const ext = f.kc.makeApiClient(ApiextensionsV1Api);
    const crd = await ext.createCustomResourceDefinition({
      body: {
        metadata: { name: 'widgets.example.com' },
        spec: {
          group: 'example.com',
          scope: 'Namespaced',
          names: { plural: 'widgets', singular: 'widget', kind: 'Widget', listKind: 'WidgetList' },
          versions: [
            { name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object' } } },
          ],
        },
      },
    });
    expect(crd.status?.conditions?.find((c) => c.type === 'Established')?.status).toBe('True');
    const custom = f.kc.makeApiClient(CustomObjectsApi);
    const params = { group: 'example.com', version: 'v1', namespace: 'default', plural: 'widgets' };
    const created = (await custom.createNamespacedCustomObject({
      ...params,
      body: { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w1' }, spec: { size: 3 } },
    })) as { metadata: { uid: string }; spec: { size: number } };
    expect(created.spec.size).toBe(3);
    const list = (await custom.listNamespacedCustomObject(params)) as {
      kind: string;
      items: Array<{ kind: string }>;
    };
    expect(list.kind).toBe('WidgetList');
    expect(list.items[0]?.kind).toBe('Widget');
    await ext.deleteCustomResourceDefinition({ name: 'widgets.example.com' });
    await expectStatus(() => custom.getNamespacedCustomObject({ ...params, name: 'w1' }), 404, 'NotFound');
  });

  it('rejects an invalid CRD with 422', async () => {
    const ext = f.kc.makeApiClient(ApiextensionsV1Api);
    const status = await expectStatus(
      () =>
        ext.createCustomResourceDefinition({
          body: {
            metadata: { name: 'wrong.example.com' },
            spec: {
              group: 'example.com',
              scope: 'Namespaced',
              names: { plural: 'gadgets', kind: 'Gadget' },
              versions: [{ name: 'v1', served: true, storage: true }],
            },
          },
        }),
      422,
      'Invalid',
    );
    expect(status.message).toContain('must be spec.names.plural+"."+spec.group');
  });

  it('serves the preloaded Linkerd CRDs in every served version', async () => {
    const custom = f.kc.makeApiClient(CustomObjectsApi);
    await custom.createNamespacedCustomObject({
      group: 'linkerd.io',
      version: 'v1alpha2',
      namespace: 'default',
      plural: 'serviceprofiles',
      body: {
        apiVersion: 'linkerd.io/v1alpha2',
        kind: 'ServiceProfile',
        metadata: { name: 'web.default.svc.cluster.local' },
        spec: { routes: [{ name: 'GET /', condition: { method: 'GET', pathRegex: '/' } }] },
      },
    });
    const asV1alpha1 = (await custom.getNamespacedCustomObject({
      group: 'linkerd.io',
      version: 'v1alpha1',
      namespace: 'default',
      plural: 'serviceprofiles',
      name: 'web.default.svc.cluster.local',
    })) as { apiVersion: string };
    expect(asV1alpha1.apiVersion).toBe('linkerd.io/v1alpha1');
    for (const [version, plural] of [
      ['v1beta3', 'servers'],
      ['v1beta1', 'serverauthorizations'],
      ['v1alpha1', 'authorizationpolicies'],
      ['v1alpha1', 'meshtlsauthentications'],
      ['v1alpha1', 'networkauthentications'],
      ['v1beta3', 'httproutes'],
    ] as const) {
      const list = (await custom.listClusterCustomObject({
        group: 'policy.linkerd.io',
        version,
        plural,
      })) as {
        items: unknown[];
      };
      expect(list.items).toEqual([]);
    }
  });

  it('works with KubernetesObjectApi, which finds resources through discovery', async () => {
    const objects = KubernetesObjectApi.makeApiClient(f.kc);
    const spec = {
      apiVersion: 'policy.linkerd.io/v1beta3',
      kind: 'Server',
      metadata: { name: 'web-http', namespace: 'default' },
      spec: { podSelector: { matchLabels: { app: 'web' } }, port: 'http', proxyProtocol: 'HTTP/1' },
    };
    await objects.create(spec);
    const patched = await objects.patch(
      { ...spec, spec: { ...spec.spec, proxyProtocol: 'opaque' } },
      undefined,
      undefined,
      undefined,
      undefined,
      PatchStrategy.MergePatch,
    );
    expect((patched as typeof spec).spec.proxyProtocol).toBe('opaque');
    const read = await objects.read({
      apiVersion: spec.apiVersion,
      kind: spec.kind,
      metadata: spec.metadata,
    });
    expect((read as typeof spec).spec.proxyProtocol).toBe('opaque');
    const list = await objects.list('policy.linkerd.io/v1beta3', 'Server', 'default');
    expect(list.items.map((i) => i.metadata?.name)).toEqual(['web-http']);
    await objects.delete(spec);
    expect(f.server.store.get('policy.linkerd.io/v1beta3', 'Server', 'web-http', 'default')).toBeUndefined();
    // Merge patch through the typed API needs the Content-Type middleware, as with a real server.
    const core = f.kc.makeApiClient(CoreV1Api);
    await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'm' } } });
    const cm = await core.patchNamespacedConfigMap(
      { namespace: 'default', name: 'm', body: { data: { k: 'v' } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    expect(cm.data).toEqual({ k: 'v' });
  });
});

import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import {
  AdmissionregistrationV1Api,
  CoreV1Api,
  CustomObjectsApi,
  PatchStrategy,
  setHeaderOptions,
} from '@kubernetes/client-node';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { selfSignedCertificate } from '../../src/index.js';
import { expectStatus, type KubeFixture, startFixture } from '../support/kube-fixture.js';

interface Review {
  apiVersion: string;
  kind: string;
  request: {
    uid: string;
    kind: { group: string; version: string; kind: string };
    resource: { group: string; version: string; resource: string };
    name: string;
    namespace?: string;
    operation: string;
    userInfo: { username: string };
    object: { metadata: { name?: string; generateName?: string; labels?: Record<string, string> } } | null;
    oldObject: { metadata: { labels?: Record<string, string> } } | null;
    dryRun: boolean;
  };
}

/** A real HTTPS webhook: records reviews and answers with what `reply` returns. */
async function startWebhook(names: string[], reply: (review: Review) => Record<string, unknown>) {
  const pair = selfSignedCertificate({ altNames: names });
  const seen: Review[] = [];
  const server: Server = createServer(pair, (req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => {
      body += c.toString();
    });
    req.on('end', () => {
      const review = JSON.parse(body) as Review;
      seen.push(review);
      res.setHeader('Content-Type', 'application/json');
      res.end(
        JSON.stringify({
          apiVersion: review.apiVersion,
          kind: 'AdmissionReview',
          response: { uid: review.request.uid, ...reply(review) },
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return { seen, port, caBundle: Buffer.from(pair.cert).toString('base64'), close: () => server.close() };
}

const jsonPatch = (ops: unknown[]) => ({
  patchType: 'JSONPatch',
  patch: Buffer.from(JSON.stringify(ops)).toString('base64'),
});

let f: KubeFixture;
let injector: Awaited<ReturnType<typeof startWebhook>>;
let validator: Awaited<ReturnType<typeof startWebhook>>;

beforeAll(async () => {
  injector = await startWebhook(['linkerd-proxy-injector.linkerd.svc'], (review) =>
    review.request.operation === 'CREATE'
      ? {
          allowed: true,
          ...jsonPatch([
            { op: 'add', path: '/metadata/annotations', value: { 'linkerd.io/inject': 'injected' } },
          ]),
        }
      : { allowed: true },
  );
  validator = await startWebhook(['localhost'], (review) =>
    review.request.object?.metadata.labels?.bad === 'yes'
      ? { allowed: false, status: { code: 400, message: 'ServiceProfile "x" has unknown field "bogus"' } }
      : { allowed: true },
  );
  f = await startFixture({
    preloadLinkerdCrds: true,
    resolveWebhookService: (svc) =>
      svc.namespace === 'linkerd' && svc.name === 'linkerd-proxy-injector' && svc.port === 443
        ? `https://127.0.0.1:${injector.port}`
        : undefined,
  });
  const admission = f.kc.makeApiClient(AdmissionregistrationV1Api);
  await admission.createMutatingWebhookConfiguration({
    body: {
      metadata: { name: 'linkerd-proxy-injector-webhook-config' },
      webhooks: [
        {
          name: 'linkerd-proxy-injector.linkerd.io',
          admissionReviewVersions: ['v1', 'v1beta1'],
          sideEffects: 'None',
          failurePolicy: 'Fail',
          clientConfig: {
            service: { name: 'linkerd-proxy-injector', namespace: 'linkerd', path: '/' },
            caBundle: injector.caBundle,
          },
          namespaceSelector: {
            matchExpressions: [
              { key: 'config.linkerd.io/admission-webhooks', operator: 'NotIn', values: ['disabled'] },
            ],
          },
          objectSelector: {
            matchExpressions: [{ key: 'linkerd.io/control-plane-component', operator: 'DoesNotExist' }],
          },
          rules: [
            {
              operations: ['CREATE', 'UPDATE'],
              apiGroups: [''],
              apiVersions: ['v1'],
              resources: ['pods'],
              scope: 'Namespaced',
            },
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
          admissionReviewVersions: ['v1'],
          sideEffects: 'None',
          clientConfig: { url: `https://localhost:${validator.port}/validate`, caBundle: validator.caBundle },
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
  await f.kc.makeApiClient(CoreV1Api).createNamespace({
    body: {
      metadata: { name: 'no-webhooks', labels: { 'config.linkerd.io/admission-webhooks': 'disabled' } },
    },
  });
});
afterAll(async () => {
  await f.server.close();
  injector.close();
  validator.close();
});
beforeEach(() => {
  injector.seen.length = 0;
  validator.seen.length = 0;
});

const podBody = (meta: Record<string, unknown>) => ({
  metadata: meta,
  spec: { containers: [{ name: 'app', image: 'app' }] },
});

describe('mutating admission webhooks', () => {
  it('sends an AdmissionReview over verified TLS and applies the JSON patch it answers', async () => {
    const core = f.kc.makeApiClient(CoreV1Api);
    const pod = await core.createNamespacedPod({
      namespace: 'default',
      body: podBody({ generateName: 'web-' }),
    });
    expect(pod.metadata?.annotations).toEqual({ 'linkerd.io/inject': 'injected' });
    expect(injector.seen).toHaveLength(1);
    const r = injector.seen[0]!.request;
    expect(injector.seen[0]).toMatchObject({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview' });
    expect(r).toMatchObject({
      kind: { group: '', version: 'v1', kind: 'Pod' },
      resource: { group: '', version: 'v1', resource: 'pods' },
      name: '',
      namespace: 'default',
      operation: 'CREATE',
      userInfo: { username: 'kubernetes-admin' },
      oldObject: null,
      dryRun: false,
    });
    expect(r.object?.metadata.generateName).toBe('web-');
  });

  it('sends UPDATEs with the old object, and skips objects and namespaces the selectors exclude', async () => {
    const core = f.kc.makeApiClient(CoreV1Api);
    await core.createNamespacedPod({
      namespace: 'default',
      body: podBody({ name: 'upd', labels: { v: '1' } }),
    });
    await core.patchNamespacedPod(
      { namespace: 'default', name: 'upd', body: { metadata: { labels: { v: '2' } } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    expect(injector.seen.map((s) => s.request.operation)).toEqual(['CREATE', 'UPDATE']);
    expect(injector.seen[1]?.request.oldObject?.metadata.labels).toEqual({ v: '1' });
    expect(injector.seen[1]?.request.object?.metadata.labels).toEqual({ v: '2' });
    await core.createNamespacedPod({ namespace: 'no-webhooks', body: podBody({ name: 'skipped' }) });
    await core.createNamespacedPod({
      namespace: 'default',
      body: podBody({ name: 'control', labels: { 'linkerd.io/control-plane-component': 'destination' } }),
    });
    await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'not-a-pod' } } });
    expect(injector.seen).toHaveLength(2);
  });
});

describe('validating admission webhooks', () => {
  it('denies with the webhook message and code, and allows otherwise', async () => {
    const custom = f.kc.makeApiClient(CustomObjectsApi);
    const sp = (name: string, labels: Record<string, string>) => ({
      group: 'linkerd.io',
      version: 'v1alpha2',
      namespace: 'default',
      plural: 'serviceprofiles',
      body: {
        apiVersion: 'linkerd.io/v1alpha2',
        kind: 'ServiceProfile',
        metadata: { name, labels },
        spec: { routes: [] },
      },
    });
    const status = await expectStatus(
      () => custom.createNamespacedCustomObject(sp('bad.default.svc.cluster.local', { bad: 'yes' })),
      400,
      'BadRequest',
    );
    expect(status.message).toBe(
      'admission webhook "linkerd-sp-validator.linkerd.io" denied the request: ServiceProfile "x" has unknown field "bogus"',
    );
    expect(f.server.store.list('linkerd.io/v1alpha2', 'ServiceProfile')).toEqual([]);
    await custom.createNamespacedCustomObject(sp('good.default.svc.cluster.local', {}));
    expect(validator.seen.map((s) => s.request.resource.resource)).toEqual([
      'serviceprofiles',
      'serviceprofiles',
    ]);
  });
});

describe('webhook failures', () => {
  it('fail the request under failurePolicy Fail and are skipped under Ignore', async () => {
    const admission = f.kc.makeApiClient(AdmissionregistrationV1Api);
    const hook = (failurePolicy: string) => ({
      metadata: { name: `unreachable-${failurePolicy.toLowerCase()}` },
      webhooks: [
        {
          name: `unreachable-${failurePolicy.toLowerCase()}.example.com`,
          admissionReviewVersions: ['v1'],
          sideEffects: 'None',
          failurePolicy,
          clientConfig: { service: { name: 'nowhere', namespace: 'default' } },
          rules: [{ operations: ['CREATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['secrets'] }],
        },
      ],
    });
    await admission.createValidatingWebhookConfiguration({ body: hook('Ignore') });
    const core = f.kc.makeApiClient(CoreV1Api);
    await core.createNamespacedSecret({ namespace: 'default', body: { metadata: { name: 'passes' } } });
    await admission.createValidatingWebhookConfiguration({ body: hook('Fail') });
    const status = await expectStatus(
      () => core.createNamespacedSecret({ namespace: 'default', body: { metadata: { name: 'blocked' } } }),
      500,
      'InternalError',
    );
    expect(status.message).toContain('failed calling webhook "unreachable-fail.example.com"');
    expect(status.message).toContain('service "nowhere.default.svc:443" is not reachable');
    await admission.deleteValidatingWebhookConfiguration({ name: 'unreachable-fail' });
    await core.createNamespacedSecret({ namespace: 'default', body: { metadata: { name: 'passes-again' } } });
  });

  it('verify the webhook certificate against the caBundle', async () => {
    const stranger = Buffer.from(selfSignedCertificate({ altNames: ['localhost'] }).cert).toString('base64');
    await f.kc.makeApiClient(AdmissionregistrationV1Api).createMutatingWebhookConfiguration({
      body: {
        metadata: { name: 'wrong-ca' },
        webhooks: [
          {
            name: 'wrong-ca.example.com',
            admissionReviewVersions: ['v1'],
            sideEffects: 'None',
            clientConfig: { url: `https://localhost:${validator.port}/`, caBundle: stranger },
            rules: [
              { operations: ['CREATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['configmaps'] },
            ],
          },
        ],
      },
    });
    const status = await expectStatus(
      () =>
        f.kc
          .makeApiClient(CoreV1Api)
          .createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'x' } } }),
      500,
      'InternalError',
    );
    expect(status.message).toMatch(
      /failed calling webhook "wrong-ca.example.com".*self[- ]signed certificate/,
    );
    expect(validator.seen).toEqual([]);
  });
});

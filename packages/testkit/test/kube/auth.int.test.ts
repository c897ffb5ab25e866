import { get as httpsGet } from 'node:https';
import { connect } from 'node:tls';
import {
  AuthenticationV1Api,
  AuthorizationV1Api,
  CoreV1Api,
  KubeConfig,
  VersionApi,
} from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectStatus, type KubeFixture, startFixture } from '../support/kube-fixture.js';

describe('TokenReview and SubjectAccessReview', () => {
  let f: KubeFixture;
  beforeAll(async () => {
    f = await startFixture();
    f.server.auth.addServiceAccountToken('proxy-token', {
      namespace: 'emojivoto',
      name: 'web',
      audiences: ['identity.l5d.io'],
      pod: { name: 'web-1', uid: 'pod-uid-1' },
    });
    f.server.auth.addServiceAccountToken('legacy-token', { namespace: 'emojivoto', name: 'voting' });
    f.server.auth.addServiceAccountToken('old-token', {
      namespace: 'emojivoto',
      name: 'web',
      audiences: ['identity.l5d.io'],
      expiresAt: new Date(Date.now() - 1000),
    });
  });
  afterAll(() => f.server.close());

  const review = (token: string, audiences?: string[]) =>
    f.kc.makeApiClient(AuthenticationV1Api).createTokenReview({
      body: {
        apiVersion: 'authentication.k8s.io/v1',
        kind: 'TokenReview',
        spec: { token, ...(audiences ? { audiences } : {}) },
      },
    });

  it('authenticates a registered service account token for its audience', async () => {
    const sa = await f.kc.makeApiClient(CoreV1Api).createNamespacedServiceAccount({
      namespace: 'default',
      body: { metadata: { name: 'placeholder' } },
    });
    expect(sa.metadata?.uid).toBeDefined();
    const r = await review('proxy-token', ['identity.l5d.io']);
    expect(r.status?.authenticated).toBe(true);
    expect(r.status?.audiences).toEqual(['identity.l5d.io']);
    expect(r.status?.user).toMatchObject({
      username: 'system:serviceaccount:emojivoto:web',
      groups: ['system:serviceaccounts', 'system:serviceaccounts:emojivoto', 'system:authenticated'],
      extra: {
        'authentication.kubernetes.io/pod-name': ['web-1'],
        'authentication.kubernetes.io/pod-uid': ['pod-uid-1'],
      },
    });
  });

  it('answers an audience mismatch with the error string Kubernetes gives, and unknown tokens as unauthenticated', async () => {
    const wrong = await review('legacy-token', ['identity.l5d.io']);
    expect(wrong.status?.authenticated).toBe(false);
    expect(wrong.status?.error).toBe(
      '[invalid bearer token, token audiences ["https://kubernetes.default.svc.cluster.local"] is invalid for the target audiences ["identity.l5d.io"]]',
    );
    // Linkerd's identity service retries without audiences on such an error.
    const retried = await review('legacy-token');
    expect(retried.status?.authenticated).toBe(true);
    expect(retried.status?.user?.username).toBe('system:serviceaccount:emojivoto:voting');
    const unknown = await review('not-a-token', ['identity.l5d.io']);
    expect(unknown.status?.authenticated).toBe(false);
    expect(unknown.status?.error).toBeUndefined();
    const expired = await review('old-token', ['identity.l5d.io']);
    expect(expired.status?.authenticated).toBe(false);
    expect(expired.status?.error).toContain('expired');
  });

  it('reports the uid of the ServiceAccount when it exists', async () => {
    const sa = await f.kc.makeApiClient(CoreV1Api).createNamespacedServiceAccount({
      namespace: 'default',
      body: { metadata: { name: 'identity' } },
    });
    f.server.auth.addServiceAccountToken('id-token', { namespace: 'default', name: 'identity' });
    expect((await review('id-token')).status?.user?.uid).toBe(sa.metadata?.uid);
  });

  it('issues tokens through the TokenRequest subresource that TokenReview then accepts', async () => {
    const core = f.kc.makeApiClient(CoreV1Api);
    await core.createNamespacedServiceAccount({
      namespace: 'default',
      body: { metadata: { name: 'proxy' } },
    });
    const tr = await core.createNamespacedServiceAccountToken({
      namespace: 'default',
      name: 'proxy',
      body: { spec: { audiences: ['identity.l5d.io'], expirationSeconds: 3600 } },
    });
    const token = tr.status?.token ?? '';
    expect(token.split('.')).toHaveLength(3);
    const ok = await review(token, ['identity.l5d.io']);
    expect(ok.status?.user?.username).toBe('system:serviceaccount:default:proxy');
    await expectStatus(
      () =>
        core.createNamespacedServiceAccountToken({
          namespace: 'default',
          name: 'missing',
          body: { spec: { audiences: [] } },
        }),
      404,
      'NotFound',
    );
  });

  it('decides SubjectAccessReviews by the registered rules, deny first', async () => {
    f.server.auth.allow({
      user: 'system:serviceaccount:linkerd:linkerd-destination',
      verbs: ['list', 'watch'],
      resources: ['pods', 'services'],
    });
    f.server.auth.deny({ groups: ['blocked'], reason: 'blocked by test' });
    const authz = f.kc.makeApiClient(AuthorizationV1Api);
    const sar = (user: string, verb: string, resource: string, groups: string[] = []) =>
      authz.createSubjectAccessReview({
        body: {
          apiVersion: 'authorization.k8s.io/v1',
          kind: 'SubjectAccessReview',
          spec: { user, groups, resourceAttributes: { verb, resource, namespace: 'default' } },
        },
      });
    const allowed = await sar('system:serviceaccount:linkerd:linkerd-destination', 'watch', 'pods');
    expect(allowed.status).toMatchObject({ allowed: true });
    const other = await sar('system:serviceaccount:linkerd:linkerd-destination', 'delete', 'pods');
    expect(other.status?.allowed).toBe(false);
    expect(other.status?.denied).toBeUndefined();
    const denied = await sar('system:serviceaccount:linkerd:linkerd-destination', 'list', 'pods', [
      'blocked',
    ]);
    expect(denied.status).toMatchObject({ allowed: false, denied: true, reason: 'blocked by test' });
    const status = await expectStatus(
      () => authz.createSubjectAccessReview({ body: { spec: { user: 'x' } } }),
      422,
      'Invalid',
    );
    expect(status.message).toContain('exactly one of nonResourceAttributes or resourceAttributes');
  });
});

describe('HTTPS with bearer tokens', () => {
  let f: KubeFixture;
  beforeAll(async () => {
    f = await startFixture({ tls: true, requireToken: true, enforceAccessRules: true });
    f.server.auth.addServiceAccountToken('reader', { namespace: 'default', name: 'reader' });
    f.server.auth.allow({
      user: 'system:serviceaccount:default:reader',
      verbs: ['get', 'list'],
      resources: ['configmaps'],
    });
  });
  afterAll(() => f.server.close());

  it('serves HTTPS with a certificate the kubeconfig CA verifies', async () => {
    expect(f.server.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const info = await f.kc.makeApiClient(VersionApi).getCode();
    expect(info.gitVersion).toMatch(/^v1\.\d+/);
    const port = Number(new URL(f.server.url).port);
    const authorized = await new Promise<boolean>((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port, ca: f.server.caPem }, () => {
        resolve(socket.authorized);
        socket.end();
      });
      socket.on('error', reject);
    });
    expect(authorized).toBe(true);
  });

  it('refuses requests without a valid token with 401', async () => {
    const anonymous = new KubeConfig();
    anonymous.loadFromOptions({
      ...f.server.kubeConfigOptions,
      users: [{ name: 'skein-testkit-admin' }],
    });
    // The generated client drops the body of a 401, so the code is all it reports.
    await expect(anonymous.makeApiClient(CoreV1Api).listNamespace()).rejects.toMatchObject({ code: 401 });
    const wrong = new KubeConfig();
    wrong.loadFromOptions({
      ...f.server.kubeConfigOptions,
      users: [{ name: 'skein-testkit-admin', token: 'nope' }],
    });
    await expect(wrong.makeApiClient(CoreV1Api).listNamespace()).rejects.toMatchObject({ code: 401 });
    const raw = await new Promise<{ code: number; body: string }>((resolve, reject) => {
      const req = httpsGet(`${f.server.url}/api/v1/namespaces`, { ca: f.server.caPem }, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => {
          body += c.toString();
        });
        res.on('end', () => resolve({ code: res.statusCode ?? 0, body }));
      });
      req.on('error', reject);
    });
    expect(raw.code).toBe(401);
    expect(JSON.parse(raw.body)).toMatchObject({ kind: 'Status', reason: 'Unauthorized', code: 401 });
  });

  it('enforces the access rules on requests when asked to, with the RBAC message', async () => {
    const reader = new KubeConfig();
    reader.loadFromOptions({
      ...f.server.kubeConfigOptions,
      users: [{ name: 'skein-testkit-admin', token: 'reader' }],
    });
    const core = reader.makeApiClient(CoreV1Api);
    const list = await core.listNamespacedConfigMap({ namespace: 'default' });
    expect(list.items).toEqual([]);
    const status = await expectStatus(
      () => core.listNamespacedSecret({ namespace: 'default' }),
      403,
      'Forbidden',
    );
    expect(status.message).toBe(
      'secrets is forbidden: User "system:serviceaccount:default:reader" cannot list resource "secrets" in API group "" in the namespace "default"',
    );
    const admin = f.kc.makeApiClient(CoreV1Api);
    expect((await admin.listNamespacedSecret({ namespace: 'default' })).items).toEqual([]);
  });
});

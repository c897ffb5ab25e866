import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CertificatePair, selfSignedCertificate, waitFor } from '@skein/testkit';
import jsonpatch from 'fast-json-patch';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/k8s/types.js';
import { Injector } from '../../src/transform/injector.js';
import { type AdminServer, startAdminServer } from '../../src/webhook/admin-server.js';
import {
  type AdmissionServer,
  MAX_ADMISSION_BODY_BYTES,
  startAdmissionServer,
} from '../../src/webhook/admission-server.js';
import { createInjectorAdmissionHandler, type NamespaceObject } from '../../src/webhook/injector-handler.js';
import { InjectorMetrics } from '../../src/webhook/injector-metrics.js';
import { pod, testValues } from '../fixtures.js';
import { send, servedFingerprint } from './https-client.js';
import { admissionReview, decodePatch } from './reviews.js';

const namespaces: Record<string, NamespaceObject> = {
  emojivoto: {
    metadata: { annotations: { 'linkerd.io/inject': 'enabled', 'config.linkerd.io/proxy-cpu-limit': '1' } },
  },
  plain: { metadata: {} },
  db: { metadata: { annotations: { 'config.linkerd.io/opaque-ports': '3306,4444' } } },
};

let dir: string;
let first: CertificatePair;
let server: AdmissionServer;
let admin: AdminServer;
const registry = new Registry();

async function review(body: unknown) {
  const res = await send(`${server.url}/`, first.cert, JSON.stringify(body));
  expect(res.status).toBe(200);
  const parsed = JSON.parse(res.body) as {
    apiVersion: string;
    kind: string;
    response: Record<string, unknown>;
  };
  expect(parsed.kind).toBe('AdmissionReview');
  return parsed;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'skein-injector-'));
  first = selfSignedCertificate({ altNames: ['localhost', '127.0.0.1'] });
  writeFileSync(join(dir, 'tls.crt'), first.cert);
  writeFileSync(join(dir, 'tls.key'), first.key);
  const handler = createInjectorAdmissionHandler({
    injector: new Injector({
      values: testValues(),
      origin: 'webhook',
      createdBy: 'skein/proxy-injector test',
    }),
    getNamespace: async (name) => {
      if (name === 'broken') throw new Error('namespaces "broken" is forbidden');
      return namespaces[name];
    },
    metrics: new InjectorMetrics(registry),
  });
  server = await startAdmissionServer({
    handler,
    certificate: { certFile: join(dir, 'tls.crt'), keyFile: join(dir, 'tls.key') },
    host: '127.0.0.1',
  });
  admin = await startAdminServer({ registry, host: '127.0.0.1' });
});

afterAll(async () => {
  await server?.close();
  await admin?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('proxy injector webhook over HTTPS', () => {
  it('injects a pod created in an enabled namespace, inheriting its config', async () => {
    const input = pod({ ports: [80, 6379] });
    const body = admissionReview('Pod', input);
    const out = await review(body);
    expect(out.apiVersion).toBe('admission.k8s.io/v1');
    expect(out.response).toMatchObject({
      uid: (body.request as { uid: string }).uid,
      allowed: true,
      patchType: 'JSONPatch',
    });
    const patch = decodePatch(out.response as { patch: string });
    const injected = jsonpatch.applyPatch(structuredClone(input), patch as jsonpatch.Operation[], true, false)
      .newDocument as KubeObject;
    expect(injected.metadata!.annotations).toMatchObject({
      'linkerd.io/inject': 'enabled',
      'config.linkerd.io/proxy-cpu-limit': '1',
      'config.linkerd.io/opaque-ports': '6379',
      'linkerd.io/created-by': 'skein/proxy-injector test',
    });
    expect(injected.metadata!.labels).toMatchObject({
      'linkerd.io/proxy-deployment': 'web',
      'linkerd.io/workload-ns': 'emojivoto',
    });
    const inits = (injected.spec as { initContainers: { name: string; resources?: unknown }[] })
      .initContainers;
    expect(inits.map((c) => c.name)).toEqual(['linkerd-init', 'linkerd-proxy']);
    expect(inits[1]!.resources).toEqual({ limits: { cpu: '1' } });
  });

  it('leaves a pod alone without inject annotations, but adds default opaque ports', async () => {
    const out = await review(admissionReview('Pod', pod({ ports: [5432] }), { namespace: 'plain' }));
    expect(out.response.allowed).toBe(true);
    expect(decodePatch(out.response as { patch: string })).toEqual([
      { op: 'add', path: '/metadata/annotations', value: {} },
      { op: 'add', path: '/metadata/annotations/config.linkerd.io~1opaque-ports', value: '5432' },
    ]);
    const none = await review(admissionReview('Pod', pod({ ports: [80] }), { namespace: 'plain' }));
    expect(none.response).toEqual({ uid: expect.any(String), allowed: true });
  });

  it('admits updates and other kinds untouched', async () => {
    const update = await review(admissionReview('Pod', pod(), { operation: 'UPDATE' }));
    expect(update.response).toEqual({ uid: expect.any(String), allowed: true });
    const cm = await review(
      admissionReview('ConfigMap', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } }),
    );
    expect(cm.response).toEqual({ uid: expect.any(String), allowed: true });
  });

  it('answers in the apiVersion of the review (v1beta1)', async () => {
    const out = await review(
      admissionReview('Pod', pod(), { apiVersion: 'admission.k8s.io/v1beta1', namespace: 'plain' }),
    );
    expect(out.apiVersion).toBe('admission.k8s.io/v1beta1');
  });

  it('annotates a Service with its namespace opaque ports, or the default ones it uses', async () => {
    const svc = {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'mysql' },
      spec: { ports: [{ port: 3306, targetPort: 3306 }] },
    };
    const inherited = await review(admissionReview('Service', svc, { namespace: 'db' }));
    expect(decodePatch(inherited.response as { patch: string }).at(-1)).toEqual({
      op: 'add',
      path: '/metadata/annotations/config.linkerd.io~1opaque-ports',
      value: '3306,4444',
    });
    const defaults = await review(admissionReview('Service', svc, { namespace: 'plain' }));
    expect(decodePatch(defaults.response as { patch: string }).at(-1)).toMatchObject({ value: '3306' });
  });

  it('denies with the reason when the namespace cannot be read', async () => {
    const out = await review(admissionReview('Pod', pod(), { namespace: 'broken' }));
    expect(out.response).toMatchObject({
      allowed: false,
      status: { code: 500, message: expect.stringContaining('namespaces "broken" is forbidden') },
    });
  });

  it.each<
    [string, string | Buffer, { method?: string; contentType?: string; path?: string }, number, RegExp]
  >([
    ['invalid JSON', '{"kind": "AdmissionReview",', {}, 400, /malformed AdmissionReview: invalid JSON/],
    [
      'a review without request',
      JSON.stringify({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview' }),
      {},
      400,
      /no request/,
    ],
    [
      'a wrong kind',
      JSON.stringify({ apiVersion: 'admission.k8s.io/v1', kind: 'Pod' }),
      {},
      400,
      /kind is "Pod", expected "AdmissionReview"/,
    ],
    [
      'a request without uid',
      JSON.stringify({
        ...admissionReview('Pod', {}),
        request: { kind: { kind: 'Pod' }, operation: 'CREATE' },
      }),
      {},
      400,
      /request\.uid/,
    ],
    [
      'a form body',
      'a=b',
      { contentType: 'application/x-www-form-urlencoded' },
      415,
      /expected application\/json/,
    ],
    ['a GET', '', { method: 'GET' }, 405, /expected POST/],
    ['another path', '{}', { path: '/inject' }, 404, /the webhook is at \//],
  ])('answers %s with %i and a message, and keeps serving', async (_what, body, options, status, message) => {
    const res = await send(`${server.url}${options.path ?? '/'}`, first.cert, body, options);
    expect(res.status).toBe(status);
    expect(res.body).toMatch(message);
    const again = await review(admissionReview('Pod', pod(), { namespace: 'plain' }));
    expect(again.response.allowed).toBe(true);
  });

  it('accepts a body of exactly 10 MiB and refuses one byte more with 413', async () => {
    const big = pod({ namespace: 'emojivoto' });
    big.metadata!.annotations = { 'example.com/blob': '' };
    const base = JSON.stringify(admissionReview('Pod', big));
    const padding = MAX_ADMISSION_BODY_BYTES - Buffer.byteLength(base);
    big.metadata!.annotations['example.com/blob'] = 'x'.repeat(padding);
    const atCap = JSON.stringify(admissionReview('Pod', big));
    expect(Buffer.byteLength(atCap)).toBe(MAX_ADMISSION_BODY_BYTES);
    const ok = await send(`${server.url}/`, first.cert, atCap);
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.body).response).toMatchObject({ allowed: true, patchType: 'JSONPatch' });
    const over = await send(`${server.url}/`, first.cert, `${atCap} `);
    expect(over.status).toBe(413);
    expect(over.body).toMatch(/over the 10485760-byte limit/);
  });

  it('counts requests and responses on /metrics, and serves health', async () => {
    const metrics = await fetch(`${admin.url}/metrics`);
    expect(metrics.status).toBe(200);
    const text = await metrics.text();
    expect(text).toContain('# TYPE proxy_inject_admission_requests_total counter');
    expect(text).toMatch(
      /proxy_inject_admission_requests_total\{owner_kind="deployment",namespace="emojivoto",inject_annotation=""\} [1-9]/,
    );
    expect(text).toMatch(
      /proxy_inject_admission_responses_total\{owner_kind="deployment",namespace="plain",inject_annotation="",skip="true",reason="injection_enable_annotation_absent"\} [1-9]/,
    );
    expect(text).toMatch(
      /proxy_inject_admission_responses_total\{owner_kind="deployment",namespace="emojivoto",inject_annotation="",skip="false",reason=""\} [1-9]/,
    );
    expect(await (await fetch(`${admin.url}/ping`)).text()).toBe('pong\n');
    expect((await fetch(`${admin.url}/ready`)).status).toBe(200);
    expect((await fetch(`${admin.url}/live`)).status).toBe(200);
    expect((await fetch(`${admin.url}/nope`)).status).toBe(404);
  });

  it('reloads the certificate when the mounted files change', async () => {
    const before = await servedFingerprint(server.port, first.cert);
    const second = selfSignedCertificate({ altNames: ['localhost', '127.0.0.1'], commonName: 'rotated' });
    // Like a Secret volume update: new files swapped in by rename.
    writeFileSync(join(dir, 'tls.key.new'), second.key);
    writeFileSync(join(dir, 'tls.crt.new'), second.cert);
    renameSync(join(dir, 'tls.key.new'), join(dir, 'tls.key'));
    renameSync(join(dir, 'tls.crt.new'), join(dir, 'tls.crt'));
    await waitFor(async () => (await servedFingerprint(server.port, second.cert)) !== before, {
      timeoutMs: 5000,
    });
    const res = await send(
      `${server.url}/`,
      second.cert,
      JSON.stringify(admissionReview('Pod', pod(), { namespace: 'plain' })),
    );
    expect(res.status).toBe(200);
    first = second;
  });
});

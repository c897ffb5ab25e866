import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyJsonPatch, type JsonPatchOperation } from '@skein/inject';
import {
  type KubeApiServer,
  type RunningProcess,
  runProcess,
  selfSignedCertificate,
  startKubeApiServer,
} from '@skein/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';

const CORPUS = join(import.meta.dirname, '../../../../shared/compat/linkerd-inject');
const cert = selfSignedCertificate({ altNames: ['localhost', '127.0.0.1'] });
const BIN = join(import.meta.dirname, '../dist/main.js');
const LISTENING = /"addr":"[^"]*:(\d+)","adminAddr":"[^"]*:(\d+)","msg":"proxy injector listening"/;

/** Starts the built app with this Node (24); without `ready` it resolves once spawned. */
function startApp(args: string[], ready?: RegExp): Promise<RunningProcess> {
  return runProcess({
    command: process.execPath,
    args: [BIN, ...args],
    ...(ready === undefined ? {} : { ready }),
  });
}

/** The `msg` of every JSON log line the app printed. */
function messages(p: RunningProcess): string {
  return p
    .stdout()
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => String((JSON.parse(l) as { msg?: unknown }).msg))
    .join('\n');
}

let dir: string;
let kube: KubeApiServer;
let app: RunningProcess;
let webhookPort: number;
let adminPort: number;

function post(body: unknown, path = '/', port = webhookPort): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const data = JSON.stringify(body);
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path,
        method: 'POST',
        ca: cert.cert,
        servername: 'localhost',
        headers: { 'content-type': 'application/json' },
      },
      (res) => {
        let text = '';
        res.on('data', (c: Buffer) => {
          text += c.toString();
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on('error', reject);
    req.end(data);
  });
}

function podReview(namespace: string) {
  return {
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request: {
      uid: randomUUID(),
      kind: { group: '', version: 'v1', kind: 'Pod' },
      resource: { group: '', version: 'v1', resource: 'pods' },
      namespace,
      operation: 'CREATE',
      object: {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: {
          generateName: 'web-7d4c9bd8f-',
          namespace,
          labels: { app: 'web', 'pod-template-hash': '7d4c9bd8f' },
          ownerReferences: [
            { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-7d4c9bd8f', controller: true, uid: 'x' },
          ],
        },
        spec: { containers: [{ name: 'web', image: 'web:1', ports: [{ containerPort: 8080 }] }] },
      },
    },
  };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'skein-proxy-injector-'));
  kube = await startKubeApiServer();
  kube.store.create({
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: {
      name: 'emojivoto',
      annotations: { 'linkerd.io/inject': 'enabled', 'config.linkerd.io/proxy-memory-limit': '64Mi' },
    },
  });
  kube.store.create({
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: 'web-7d4c9bd8f',
      namespace: 'emojivoto',
      ownerReferences: [
        { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web-api', controller: true, uid: 'd' },
      ],
    },
    spec: {
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: { containers: [{ name: 'web', image: 'web:1' }] },
      },
    },
  });
  writeFileSync(join(dir, 'kubeconfig'), kube.kubeconfig);
  writeFileSync(join(dir, 'tls.crt'), cert.cert);
  writeFileSync(join(dir, 'tls.key'), cert.key);
  const anchors = readFileSync(join(CORPUS, 'trust-anchors.pem'), 'utf8');
  writeFileSync(
    join(dir, 'values'),
    stringify({ identityTrustAnchorsPEM: anchors, linkerdVersion: 'stable-2.19.0' }),
  );
  app = await startApp(
    [
      '--addr',
      '127.0.0.1:0',
      '--admin-addr',
      '127.0.0.1:0',
      '--kubeconfig',
      join(dir, 'kubeconfig'),
      '--tls-cert',
      join(dir, 'tls.crt'),
      '--tls-key',
      join(dir, 'tls.key'),
      '--values',
      join(dir, 'values'),
      '--log-format',
      'json',
    ],
    LISTENING,
  );
  webhookPort = Number(app.readyMatch![1]);
  adminPort = Number(app.readyMatch![2]);
});

afterAll(async () => {
  await app?.close();
  await kube?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('skein-proxy-injector (process)', () => {
  it('injects a pod using its namespace from the API server and its Deployment owner', async () => {
    const res = await post(podReview('emojivoto'));
    expect(res.status).toBe(200);
    const response = JSON.parse(res.body).response as { allowed: boolean; patch: string };
    expect(response.allowed).toBe(true);
    const patch = JSON.parse(Buffer.from(response.patch, 'base64').toString()) as {
      path: string;
      value: unknown;
    }[];
    const value = (path: string) => patch.find((op) => op.path === path)?.value;
    expect(value('/metadata/annotations/config.linkerd.io~1proxy-memory-limit')).toBe('64Mi');
    expect(value('/metadata/labels/linkerd.io~1proxy-deployment')).toBe('web-api');
    expect(value('/metadata/annotations/linkerd.io~1proxy-version')).toBe('stable-2.19.0');
    const proxy = patch.at(-1)!.value as { image: string; resources: unknown };
    expect(proxy.image).toBe('ghcr.io/skein-mesh/proxy:stable-2.19.0');
    expect(proxy.resources).toEqual({ limits: { memory: '64Mi' } });
  });

  it('skips a pod in a namespace that does not exist', async () => {
    const response = JSON.parse((await post(podReview('nowhere'))).body).response;
    expect(response).toEqual({ uid: expect.any(String), allowed: true });
  });

  it('answers a malformed review with 400 and keeps running', async () => {
    const res = await post({ kind: 'AdmissionReview', apiVersion: 'admission.k8s.io/v1' });
    expect(res.status).toBe(400);
    expect(res.body).toContain('no request');
  });

  it('serves metrics and probes on the admin address', async () => {
    const metrics = await (await fetch(`http://127.0.0.1:${adminPort}/metrics`)).text();
    expect(metrics).toMatch(
      /proxy_inject_admission_requests_total\{owner_kind="deployment",namespace="emojivoto",inject_annotation=""\} 1/,
    );
    expect(metrics).toMatch(/proxy_inject_admission_responses_total\{.*skip="false".*\} 1/);
    expect((await fetch(`http://127.0.0.1:${adminPort}/ready`)).status).toBe(200);
  });

  it('does not serve the tap injector without --tap-service-name', async () => {
    const res = await post(podReview('emojivoto'), '/tap-inject');
    expect(res.status).toBe(404);
    expect(app.stdout()).toMatch(/"tapInjector":"off"/);
  });

  it('exits 0 on SIGTERM', async () => {
    app.child.kill('SIGTERM');
    expect(await app.exited).toEqual({ code: 0, signal: null });
    expect(app.stdout()).toMatch(/"signal":"SIGTERM","msg":"shutting down"/);
  });
});

describe('skein-proxy-injector configuration errors', () => {
  it.each<[string, string[], RegExp]>([
    [
      'a missing values file',
      ['--values', '/nonexistent/values'],
      /cannot read the values file \/nonexistent\/values \(--values\): ENOENT/,
    ],
    ['a bad listen address', ['--addr', 'localhost:8443'], /invalid --addr="localhost:8443"/],
    [
      'a tap service name that is not a DNS name',
      ['--tap-service-name', 'linkerd tap'],
      /invalid --tap-service-name="linkerd tap": expected the tap service identity/,
    ],
    [
      'an invalid value',
      ['--values', 'BAD_VALUES'],
      /invalid value proxy\.ports\.admin="http" in .*bad-values: expected a port number/,
    ],
  ])('exits 1 on %s, saying what is wrong', async (_what, args, message) => {
    writeFileSync(join(dir, 'bad-values'), stringify({ proxy: { ports: { admin: 'http' } } }));
    const fixed = args.map((a) => (a === 'BAD_VALUES' ? join(dir, 'bad-values') : a));
    const p = await startApp([
      '--admin-addr',
      '127.0.0.1:0',
      '--addr',
      '127.0.0.1:0',
      '--log-format',
      'json',
      '--values',
      join(dir, 'values'),
      ...fixed,
    ]);
    expect((await p.exited).code).toBe(1);
    expect(messages(p)).toMatch(message);
  });
});

describe('skein-proxy-injector --tap-service-name (process)', () => {
  const TAP = 'linkerd-tap.linkerd.serviceaccount.identity.linkerd.cluster.local';

  it('serves the tap injector at /tap-inject for pods the proxy injector meshed', async () => {
    const tapApp = await startApp(
      [
        '--addr',
        '127.0.0.1:0',
        '--admin-addr',
        '127.0.0.1:0',
        '--kubeconfig',
        join(dir, 'kubeconfig'),
        '--tls-cert',
        join(dir, 'tls.crt'),
        '--tls-key',
        join(dir, 'tls.key'),
        '--values',
        join(dir, 'values'),
        '--log-format',
        'json',
        '--log-level',
        'debug',
        '--tap-service-name',
        TAP,
      ],
      LISTENING,
    );
    try {
      const port = Number(tapApp.readyMatch![1]);
      expect(tapApp.stdout()).toMatch(/"tapInjector":"\/tap-inject"/);
      // First the proxy injector's patch, as the API server applies it before calling the next webhook.
      const review = podReview('emojivoto');
      const injected = JSON.parse((await post(review, '/', port)).body).response as { patch: string };
      const pod = structuredClone(review.request.object) as Record<string, unknown>;
      applyJsonPatch(
        pod,
        JSON.parse(Buffer.from(injected.patch, 'base64').toString()) as JsonPatchOperation[],
      );
      const tapped = JSON.parse(
        (await post({ ...review, request: { ...review.request, object: pod } }, '/tap-inject', port)).body,
      ).response as { allowed: boolean; patch: string };
      expect(tapped.allowed).toBe(true);
      const patch = JSON.parse(Buffer.from(tapped.patch, 'base64').toString()) as {
        op: string;
        path: string;
        value: unknown;
      }[];
      expect(patch).toEqual([
        { op: 'add', path: '/metadata/annotations/viz.linkerd.io~1tap-enabled', value: 'true' },
        {
          op: 'add',
          path: expect.stringMatching(/^\/spec\/(init)?[cC]ontainers\/\d+\/env\/-$/),
          value: { name: 'LINKERD2_PROXY_TAP_SVC_NAME', value: TAP },
        },
      ]);
      // A pod without the proxy gets nothing.
      const plain = JSON.parse((await post(podReview('emojivoto'), '/tap-inject', port)).body).response;
      expect(plain).toEqual({ uid: expect.any(String), allowed: true });
      expect(tapApp.stdout()).toMatch(/"reason":"not_meshed","msg":"tap injection skipped"/);
    } finally {
      await tapApp.close();
    }
  });
});

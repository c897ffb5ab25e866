import { generateIssuer, generateTrustAnchor } from '@skein/identity';
import { Injector } from '@skein/inject';
import { afterEach, describe, expect, it } from 'vitest';
import { CheckContext } from '../src/check/check-context.js';
import { checkCategories } from '../src/check/check-plan.js';
import { formatCheckJson, formatCheckTable } from '../src/check/format-check-report.js';
import { type CheckEvent, type CheckReport, runChecks } from '../src/check/run-checks.js';
import { kubeClusterReader } from '../src/cluster/cluster-reader.js';
import { renderCrds } from '../src/crds/render-crds.js';
import type { KubeObject } from '../src/render/kube-types.js';
import { renderControlPlane } from '../src/render/render-control-plane.js';
import { type InstallConfig, resolveInstallConfig } from '../src/values/install-config.js';
import { applyObjects, type ClusterFixture, runPods, startCluster } from './support/cluster-fixture.js';

const DAY = 86_400_000;
const anchor = generateTrustAnchor({ commonName: 'root.linkerd.cluster.local' });

let fixture: ClusterFixture | undefined;
afterEach(async () => {
  await fixture?.close();
  fixture = undefined;
});

function demoDeployment(config: InstallConfig): KubeObject {
  const deployment = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'emojivoto' },
    spec: {
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web' }, annotations: { 'linkerd.io/inject': 'enabled' } },
        spec: { containers: [{ name: 'web', image: 'web:1', ports: [{ containerPort: 8080 }] }] },
      },
    },
  };
  return new Injector({ values: config.values }).inject(deployment, { namespace: 'emojivoto' })
    .object as KubeObject;
}

async function install(options: { issuer?: ReturnType<typeof generateIssuer> } = {}) {
  const issuer = options.issuer ?? generateIssuer(anchor);
  const config = resolveInstallConfig({
    version: '0.1.0',
    identity: {
      trustAnchorsPem: anchor.certificatePem,
      issuerCertificatePem: issuer.certificatePem,
      issuerKeyPem: issuer.keyPem,
    },
  });
  fixture = await startCluster();
  const objects = renderControlPlane(config);
  await applyObjects(fixture, [...renderCrds(), ...objects]);
  runPods(fixture, objects);
  fixture.server.store.create({
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: 'emojivoto' },
  } as never);
  runPods(fixture, [demoDeployment(config)]);
  return { config, objects, fixture };
}

async function check(
  selection: Parameters<typeof checkCategories>[0],
  extra: { waitMs?: number; onEvent?: (e: CheckEvent) => void } = {},
): Promise<CheckReport> {
  const context = new CheckContext({ cluster: fixture!.cluster, namespace: 'linkerd', cliVersion: '0.1.0' });
  return runChecks({ categories: checkCategories(selection), context, retryIntervalMs: 100, ...extra });
}

function result(report: CheckReport, description: string) {
  const r = report.categories.flatMap((c) => c.checks).find((x) => x.description === description);
  if (r === undefined) throw new Error(`no check "${description}" in the report`);
  return r;
}

describe('skein check against the testkit API server', () => {
  it('passes every check of a fresh install, with the data plane (--proxy)', async () => {
    await install();
    const report = await check({ proxy: true });
    const problems = report.categories.flatMap((c) => c.checks).filter((c) => c.result !== 'success');
    expect(problems).toEqual([]);
    expect(report.success).toBe(true);
    expect(report.categories.map((c) => c.categoryName)).toEqual([
      'kubernetes-api',
      'kubernetes-version',
      'linkerd-crd',
      'linkerd-config',
      'linkerd-existence',
      'linkerd-identity',
      'linkerd-webhooks-and-apisvc-tls',
      'control-plane-version',
      'linkerd-control-plane-proxy',
      'linkerd-data-plane',
    ]);
    const table = formatCheckTable(report);
    expect(table).toContain('linkerd-identity\n----------------\n√ certificate config is valid\n');
    expect(table).toContain('√ issuer cert is issued by the trust anchor\n');
    expect(table.endsWith('\nStatus check results are √\n')).toBe(true);
    const json = JSON.parse(formatCheckJson(report)) as {
      success: boolean;
      categories: { checks: { result: string }[] }[];
    };
    expect(json.success).toBe(true);
    expect(json.categories[0]!.checks[0]).toEqual({
      description: 'can query the Kubernetes API',
      hint: 'https://linkerd.io/2/checks/#k8s-api',
      result: 'success',
    });
  });

  it('fails linkerd-crd when a CRD is missing, naming it', async () => {
    const { fixture: f } = await install();
    await f.objects.delete({
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'servers.policy.linkerd.io' },
    });
    const report = await check({});
    expect(report.success).toBe(false);
    expect(result(report, 'control plane CustomResourceDefinitions exist')).toMatchObject({
      result: 'error',
      error: 'missing servers.policy.linkerd.io; run "skein install --crds | kubectl apply -f -"',
      hint: 'https://linkerd.io/2/checks/#l5d-existence-crd',
    });
    expect(formatCheckTable(report)).toContain(
      '× control plane CustomResourceDefinitions exist\n    missing servers.policy.linkerd.io; run "skein install --crds | kubectl apply -f -"\n    see https://linkerd.io/2/checks/#l5d-existence-crd for hints\n',
    );
    expect(formatCheckTable(report).endsWith('Status check results are ×\n')).toBe(true);
  });

  it('fails linkerd-identity when the issuer has expired', async () => {
    const { fixture: f } = await install();
    const expired = generateIssuer(anchor, { notBefore: Date.now() - 40 * DAY, lifetimeMs: 30 * DAY });
    const secret = (await f.cluster.get({
      apiVersion: 'v1',
      kind: 'Secret',
      namespace: 'linkerd',
      name: 'linkerd-identity-issuer',
    }))!;
    secret.data = {
      'crt.pem': Buffer.from(expired.certificatePem).toString('base64'),
      'key.pem': Buffer.from(expired.keyPem).toString('base64'),
    };
    f.server.store.update(secret as never);
    const report = await check({});
    expect(report.success).toBe(false);
    const timeValid = result(report, 'issuer cert is within its validity period');
    expect(timeValid.result).toBe('error');
    expect(timeValid.error).toMatch(/^"identity\.linkerd\.cluster\.local" expired at \d{4}-/);
    expect(result(report, 'trust anchors are within their validity period').result).toBe('success');
    expect(formatCheckTable(report)).toContain(
      'see https://linkerd.io/2/checks/#l5d-identity-issuer-cert-is-time-valid for hints',
    );
  });

  it('warns (and still passes) when the issuer expires within 60 days', async () => {
    await install({ issuer: generateIssuer(anchor, { lifetimeMs: 30 * DAY }) });
    const report = await check({});
    expect(report.success).toBe(true);
    const soon = result(report, 'issuer cert is valid for at least 60 days');
    expect(soon.result).toBe('warning');
    expect(soon.error).toMatch(/will expire on .* \(in 29 days\)/);
    expect(formatCheckTable(report)).toContain('‼ issuer cert is valid for at least 60 days\n');
  });

  it('fails the webhook check when the injector webhook has no CA bundle', async () => {
    const { fixture: f } = await install();
    const hook = (await f.cluster.get({
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'MutatingWebhookConfiguration',
      name: 'linkerd-proxy-injector-webhook-config',
    }))!;
    (hook.webhooks as { clientConfig: { caBundle?: string } }[])[0]!.clientConfig.caBundle = undefined;
    f.server.store.update(hook as never);
    const report = await check({});
    expect(report.success).toBe(false);
    expect(result(report, 'proxy-injector webhook has valid cert')).toMatchObject({
      result: 'error',
      error:
        'MutatingWebhookConfiguration linkerd-proxy-injector-webhook-config has no caBundle for linkerd-proxy-injector.linkerd.io: the API server cannot verify the proxy-injector webhook',
    });
    expect(result(report, 'sp-validator webhook has valid cert').result).toBe('success');
  });

  it('fails when the serving certificate was not issued by the CA bundle', async () => {
    const { fixture: f } = await install();
    const other = resolveInstallConfig({ version: '0.1.0' });
    const secret = renderControlPlane(other).find(
      (o) => o.metadata?.name === 'linkerd-sp-validator-k8s-tls',
    )!;
    f.server.store.update(secret as never);
    const report = await check({});
    expect(result(report, 'sp-validator webhook has valid cert').error).toMatch(
      /^the serving certificate in linkerd-sp-validator-k8s-tls does not verify against the webhook's caBundle/,
    );
  });

  it('waits for control-plane pods with --wait, reporting progress, then passes', async () => {
    const { fixture: f } = await install();
    f.server.store.delete('v1', 'Pod', 'linkerd-identity-5d8f9c-0', 'linkerd');
    const events: CheckEvent[] = [];
    const identity = (await f.cluster.list('apps/v1', 'Deployment', { namespace: 'linkerd' })).filter(
      (d) => d.metadata?.name === 'linkerd-identity',
    );
    // The pods come up once check has said it is waiting for them (not on a timer, which a
    // slow machine could outrun).
    let started = false;
    const report = await check(
      {},
      {
        waitMs: 10_000,
        onEvent: (e) => {
          events.push(e);
          if (e.type === 'waiting' && !started) {
            started = true;
            runPods(f, identity);
          }
        },
      },
    );
    expect(result(report, 'control plane pods are ready').result).toBe('success');
    const waiting = events.filter((e) => e.type === 'waiting');
    expect(waiting.length).toBeGreaterThan(0);
    expect(waiting[0]).toMatchObject({ type: 'waiting', message: 'no running pods for "identity"' });
  });

  it('without --wait, reports pods that are not ready', async () => {
    const { fixture: f } = await install();
    f.server.store.delete('v1', 'Pod', 'linkerd-destination-5d8f9c-0', 'linkerd');
    const report = await check({});
    expect(result(report, 'control plane pods are ready')).toMatchObject({
      result: 'error',
      error: 'no running pods for "destination"',
    });
  });

  it('flags data-plane proxies injected with other trust anchors (--proxy)', async () => {
    const { fixture: f, config } = await install();
    const otherAnchors = generateTrustAnchor();
    const stale = demoDeployment({
      ...config,
      values: { ...config.values, identityTrustAnchorsPEM: otherAnchors.certificatePem },
    });
    stale.metadata!.name = 'stale';
    runPods(f, [stale]);
    const report = await check({ proxy: true });
    expect(report.success).toBe(true);
    const ca = result(report, 'data plane proxies certificate match CA');
    expect(ca.result).toBe('warning');
    expect(ca.details).toEqual(['emojivoto/stale-5d8f9c-0']);
  });

  it('--pre: passes on an empty cluster, and names what a restricted user may not create', async () => {
    fixture = await startCluster();
    const pre = await check({ pre: true });
    expect(pre.categories.flatMap((c) => c.checks).filter((c) => c.result !== 'success')).toEqual([]);
    fixture.server.auth.addToken('dev-token', { username: 'dev', groups: ['developers'] });
    fixture.server.auth.allow({ user: 'dev' });
    fixture.server.auth.deny({
      user: 'dev',
      verbs: ['create'],
      resources: ['secrets'],
      reason: 'secrets are managed by ops',
    });
    const kc = fixture.kc;
    const user = kc.getCurrentUser()!;
    kc.users = kc.users.map((u) => (u.name === user.name ? { ...u, token: 'dev-token' } : u));
    const context = new CheckContext({
      cluster: kubeClusterReader(kc),
      namespace: 'linkerd',
      cliVersion: '0.1.0',
    });
    const report = await runChecks({ categories: checkCategories({ pre: true }), context });
    expect(result(report, 'can create Secrets')).toMatchObject({
      result: 'error',
      error: 'missing permissions to create secrets (secrets are managed by ops) in namespace linkerd',
    });
    expect(result(report, 'can create ConfigMaps').result).toBe('success');
  });

  it('--pre: fails when the control-plane namespace exists', async () => {
    await install();
    const report = await check({ pre: true });
    expect(result(report, 'control plane namespace does not already exist')).toMatchObject({
      result: 'error',
      error: 'The "linkerd" namespace already exists',
    });
  });

  it('stops after kubernetes-api when the API cannot be reached', async () => {
    fixture = await startCluster();
    const cluster = fixture.cluster;
    await fixture.close();
    fixture = undefined;
    const context = new CheckContext({ cluster, namespace: 'linkerd', cliVersion: '0.1.0' });
    const report = await runChecks({ categories: checkCategories({}), context });
    expect(report.success).toBe(false);
    expect(report.categories.map((c) => c.categoryName)).toEqual(['kubernetes-api']);
    expect(report.categories[0]!.checks[0]!.result).toBe('error');
  });
});

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig, type KubernetesObject, KubernetesObjectApi } from '@kubernetes/client-node';
import { type KubeApiServer, startKubeApiServer } from '@skein/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { runSkein } from './run-skein.js';

type Obj = KubernetesObject & {
  spec?: Record<string, unknown>;
  data?: Record<string, string>;
  webhooks?: unknown[];
};

describe('skein install | check | upgrade | uninstall against the testkit API server', () => {
  const dir = mkdtempSync(join(tmpdir(), 'skein-cli-install-'));
  const kubeconfig = join(dir, 'kubeconfig.json');
  let anchorPem = '';
  let kube: KubeApiServer;
  let api: KubernetesObjectApi;
  let installed: Obj[] = [];

  beforeAll(async () => {
    kube = await startKubeApiServer();
    writeFileSync(kubeconfig, kube.kubeconfig);
    const kc = new KubeConfig();
    kc.loadFromString(kube.kubeconfig);
    api = KubernetesObjectApi.makeApiClient(kc);
    // The trust anchor and issuer made with OpenSSL, as Linkerd's docs make them with step.
    const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
    writeFileSync(
      join(dir, 'ca.cnf'),
      '[req]\ndistinguished_name=dn\n[dn]\n[ca]\nbasicConstraints=critical,CA:TRUE,pathlen:1\nkeyUsage=critical,keyCertSign,cRLSign\n' +
        '[issuer]\nbasicConstraints=critical,CA:TRUE,pathlen:0\nkeyUsage=critical,keyCertSign,cRLSign\n',
    );
    openssl('ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', 'ca.key');
    openssl(
      'req',
      '-x509',
      '-new',
      '-key',
      'ca.key',
      '-sha256',
      '-days',
      '365',
      '-subj',
      '/CN=root.linkerd.cluster.local',
      '-config',
      'ca.cnf',
      '-extensions',
      'ca',
      '-out',
      'ca.crt',
    );
    openssl('ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', 'issuer.key');
    openssl(
      'req',
      '-new',
      '-key',
      'issuer.key',
      '-subj',
      '/CN=identity.linkerd.cluster.local',
      '-config',
      'ca.cnf',
      '-out',
      'issuer.csr',
    );
    openssl(
      'x509',
      '-req',
      '-in',
      'issuer.csr',
      '-CA',
      'ca.crt',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-sha256',
      '-days',
      '180',
      '-extfile',
      'ca.cnf',
      '-extensions',
      'issuer',
      '-out',
      'issuer.crt',
    );
    anchorPem = readFileSync(join(dir, 'ca.crt'), 'utf8');
  });

  afterAll(async () => {
    await kube.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Plays the controllers and kubelet: one ready pod per Deployment. */
  function runPods(objects: Obj[]): void {
    for (const d of objects.filter((o) => o.kind === 'Deployment')) {
      const t = (
        d.spec as {
          template: {
            metadata: Obj['metadata'];
            spec: { containers: { name: string }[]; initContainers?: { name: string }[] };
          };
        }
      ).template;
      kube.store.create({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { ...t.metadata, name: `${d.metadata?.name}-0`, namespace: d.metadata?.namespace },
        spec: t.spec,
        status: {
          phase: 'Running',
          podIP: '10.1.0.9',
          conditions: [{ type: 'Ready', status: 'True' }],
          initContainerStatuses: (t.spec.initContainers ?? []).map((c) => ({
            name: c.name,
            ready: c.name === 'linkerd-proxy',
          })),
          containerStatuses: t.spec.containers.map((c) => ({ name: c.name, ready: true })),
        },
      } as never);
    }
  }

  it('install --crds -o json and install render manifests that the API server accepts', async () => {
    const crds = await runSkein(['install', '--crds', '-o', 'json']);
    expect(crds.code).toBe(0);
    const list = JSON.parse(crds.stdout) as { kind: string; items: Obj[] };
    expect(list.kind).toBe('List');
    for (const o of list.items) await api.create(o);
    const run = await runSkein([
      'install',
      '--identity-trust-anchors-file',
      join(dir, 'ca.crt'),
      '--identity-issuer-certificate-file',
      join(dir, 'issuer.crt'),
      '--identity-issuer-key-file',
      join(dir, 'issuer.key'),
      '--set',
      'controllerLogLevel=debug',
      '--controller-replicas=2',
    ]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    installed = parseAllDocuments(run.stdout).map((d) => d.toJS() as Obj);
    expect(installed[0]!.kind).toBe('Namespace');
    expect(
      (
        installed.find((o) => o.metadata?.name === 'linkerd-identity' && o.kind === 'Deployment')!.spec as {
          replicas: number;
        }
      ).replicas,
    ).toBe(2);
    for (const o of installed) await api.create(o);
    runPods(installed);
  });

  it('check passes on the installation (exit 0, √ everywhere)', async () => {
    const run = await runSkein(['check', '--proxy', '--kubeconfig', kubeconfig, '--wait', '0s']);
    expect(run.stderr).toBe('');
    expect(run.stdout).toContain('kubernetes-api\n--------------\n√ can query the Kubernetes API\n');
    expect(run.stdout).toContain('√ control plane pods are ready\n');
    expect(run.stdout).not.toMatch(/^[×‼]/m);
    expect(run.stdout.endsWith('\nStatus check results are √\n')).toBe(true);
    expect(run.code).toBe(0);
  });

  it('check -o json reports each check with its hint', async () => {
    const run = await runSkein(['check', '-o', 'json', '--kubeconfig', kubeconfig, '--wait', '0s']);
    const report = JSON.parse(run.stdout) as {
      success: boolean;
      categories: { categoryName: string; checks: { description: string; hint: string; result: string }[] }[];
    };
    expect(report.success).toBe(true);
    const identity = report.categories.find((c) => c.categoryName === 'linkerd-identity')!;
    expect(identity.checks).toContainEqual({
      description: 'issuer cert is within its validity period',
      hint: 'https://linkerd.io/2/checks/#l5d-identity-issuer-cert-is-time-valid',
      result: 'success',
    });
  });

  it('upgrade --diff keeps the identity and shows the changed flag; upgrade keeps the values', async () => {
    const diff = await runSkein([
      'upgrade',
      '--diff',
      '--kubeconfig',
      kubeconfig,
      '--set',
      'webhookFailurePolicy=Fail',
    ]);
    expect(diff.code).toBe(0);
    expect(diff.stdout).toContain(
      '~ MutatingWebhookConfiguration/linkerd-proxy-injector-webhook-config\n    replace /webhooks/0/failurePolicy "Fail"\n',
    );
    expect(diff.stdout).not.toContain('linkerd-identity-issuer');
    expect(diff.stdout).toContain(
      '~ ValidatingWebhookConfiguration/linkerd-sp-validator-webhook-config\n    replace /webhooks/0/failurePolicy "Fail"\n',
    );
    expect(diff.stdout).toContain(
      '~ MutatingWebhookConfiguration/linkerd-tap-injector-webhook-config\n    replace /webhooks/0/failurePolicy "Fail"\n',
    );
    // The three webhooks, and the stored values (linkerd-config, linkerd-config-overrides).
    expect(diff.stdout).toMatch(/0 to create, 5 to update, \d+ unchanged\n$/);
    const upgraded = await runSkein(['upgrade', '--kubeconfig', kubeconfig]);
    const objects = parseAllDocuments(upgraded.stdout).map((d) => d.toJS() as Obj);
    const config = objects.find((o) => o.metadata?.name === 'linkerd-config')!;
    expect(parse(config.data!.values!)).toMatchObject({ controllerLogLevel: 'debug', controllerReplicas: 2 });
    const roots = objects.find((o) => o.metadata?.name === 'linkerd-identity-trust-roots')!;
    expect(roots.data!['ca-bundle.crt']).toBe(`${anchorPem.trim()}\n`);
  });

  it('check fails (exit 1) with the hint when the issuer secret is gone, and when the webhook has no CA bundle', async () => {
    kube.store.delete('v1', 'Secret', 'linkerd-identity-issuer', 'linkerd');
    const hook = installed.find((o) => o.kind === 'MutatingWebhookConfiguration')!;
    const broken = structuredClone(hook) as Obj & { webhooks: { clientConfig: { caBundle?: string } }[] };
    delete broken.webhooks[0]!.clientConfig.caBundle;
    kube.store.update(broken as never);
    const run = await runSkein(['check', '--kubeconfig', kubeconfig, '--wait', '0s']);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(
      '× certificate config is valid\n    secret linkerd/linkerd-identity-issuer does not exist\n    see https://linkerd.io/2/checks/#l5d-identity-cert-config-valid for hints\n',
    );
    expect(run.stdout).toContain(
      '× proxy-injector webhook has valid cert\n    MutatingWebhookConfiguration linkerd-proxy-injector-webhook-config has no caBundle',
    );
    expect(run.stdout.endsWith('Status check results are ×\n')).toBe(true);
  });

  it('uninstall lists everything in reverse order for kubectl delete', async () => {
    const run = await runSkein(['uninstall', '--kubeconfig', kubeconfig]);
    expect(run.code).toBe(0);
    const refs = parseAllDocuments(run.stdout).map((d) => d.toJS() as Obj);
    expect(refs[0]!.kind).toBe('ValidatingWebhookConfiguration');
    expect(refs.at(-1)).toEqual({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'linkerd' } });
    expect(refs.filter((r) => r.kind === 'CustomResourceDefinition')).toHaveLength(10);
    // The issuer Secret deleted by the previous test is no longer part of the installation.
    expect(refs.length).toBe(installed.length + 10 - 1);
    expect(refs.some((r) => r.metadata?.name === 'linkerd-identity-issuer')).toBe(false);
  });

  it('names what is wrong for bad flags and unreachable clusters', async () => {
    const missing = await runSkein(['install', '--identity-trust-anchors-file', join(dir, 'ca.crt')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe(
      'Error: --identity-issuer-certificate-file (or identity.issuer.tls.crtPEM) and --identity-issuer-key-file (or identity.issuer.tls.keyPEM) must be given too: give the trust anchors, the issuer certificate and the issuer key together, or none of them to generate all three\n',
    );
    const bad = await runSkein(['install', '--set', 'webhookFailurePolicy=Maybe']);
    expect(bad.stderr).toBe(
      'Error: invalid value webhookFailurePolicy="Maybe": expected one of Ignore, Fail\n',
    );
    const noCluster = await runSkein(['check', '--kubeconfig', join(dir, 'nope.json')]);
    expect(noCluster.code).toBe(1);
    expect(noCluster.stderr).toMatch(/^Error: cannot load kubeconfig .*nope\.json: ENOENT/);
  });
});

import { checkIssuer, decodeCertificatesPem, readCertificate, TrustAnchors } from '@skein/identity';
import { resolveValues } from '@skein/inject';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { renderCrds } from '../src/crds/render-crds.js';
import type { KubeObject } from '../src/render/kube-types.js';
import { renderControlPlane } from '../src/render/render-control-plane.js';
import { resolveInstallConfig } from '../src/values/install-config.js';
import { validateObjects } from './support/validate-objects.js';

const config = resolveInstallConfig({ version: '1.2.3', now: Date.parse('2026-09-01T08:30:00Z') });
const objects = renderControlPlane(config);

function find(kind: string, name: string, list: readonly KubeObject[] = objects): KubeObject {
  const o = list.find((x) => x.kind === kind && x.metadata?.name === name);
  if (o === undefined) throw new Error(`no ${kind}/${name}`);
  return o;
}

type PodSpec = {
  containers: {
    name: string;
    image: string;
    ports?: { name: string; containerPort: number }[];
    env?: { name: string; value?: string }[];
  }[];
  initContainers?: { name: string; image: string; env?: { name: string; value?: string }[] }[];
};

function podSpec(deployment: KubeObject): PodSpec {
  return (deployment.spec as { template: { spec: PodSpec } }).template.spec;
}

function proxyEnv(deployment: KubeObject, name: string): string | undefined {
  const spec = podSpec(deployment);
  const proxy = [...(spec.initContainers ?? []), ...spec.containers].find((c) => c.name === 'linkerd-proxy');
  return proxy?.env?.find((e) => e.name === name)?.value;
}

describe('renderControlPlane', () => {
  it('renders objects that validate against the Kubernetes OpenAPI schemas, with no unknown fields', async () => {
    expect(objects.length).toBeGreaterThan(40);
    expect(await validateObjects(objects)).toEqual([]);
  });

  it('is checked by a validator that catches unknown fields and wrong types', async () => {
    const broken = structuredClone(find('Deployment', 'linkerd-identity'));
    const container = podSpec(broken).containers[0] as unknown as Record<string, unknown>;
    container.imagePullPolcy = 'Always';
    (container.ports as { containerPort: unknown }[])[0]!.containerPort = 'grpc';
    const problems = await validateObjects([broken]);
    expect(problems.join('\n')).toMatch(/containerPort must be integer/);
    expect(problems.join('\n')).toMatch(/imagePullPolcy: not a field of V1Container/);
  });

  it('renders CRDs that validate and cover ServiceProfile, policy and ExternalWorkload', async () => {
    const crds = renderCrds();
    expect(await validateObjects(crds)).toEqual([]);
    expect(crds.map((c) => c.metadata?.name)).toEqual([
      'serviceprofiles.linkerd.io',
      'servers.policy.linkerd.io',
      'serverauthorizations.policy.linkerd.io',
      'authorizationpolicies.policy.linkerd.io',
      'meshtlsauthentications.policy.linkerd.io',
      'networkauthentications.policy.linkerd.io',
      'httproutes.policy.linkerd.io',
      'httplocalratelimitpolicies.policy.linkerd.io',
      'egressnetworks.policy.linkerd.io',
      'externalworkloads.workload.linkerd.io',
    ]);
    const sp = crds[0]!.spec as { versions: { name: string; storage: boolean }[] };
    expect(sp.versions.map((v) => [v.name, v.storage])).toEqual([
      ['v1alpha1', false],
      ['v1alpha2', true],
    ]);
  });

  it('puts the namespace first and the webhook configurations last', () => {
    expect(objects[0]).toMatchObject({ kind: 'Namespace', metadata: { name: 'linkerd' } });
    expect(objects.slice(-2).map((o) => o.kind)).toEqual([
      'MutatingWebhookConfiguration',
      'ValidatingWebhookConfiguration',
    ]);
    expect(find('Namespace', 'linkerd').metadata?.labels).toMatchObject({
      'config.linkerd.io/admission-webhooks': 'disabled',
      'linkerd.io/is-control-plane': 'true',
    });
  });

  it("uses Linkerd's service names and ports and Skein images at the given version", () => {
    const ports = (name: string) =>
      (find('Service', name).spec as { ports: { port: number; targetPort: number | string }[] }).ports.map(
        (p) => [p.port, p.targetPort],
      );
    expect(ports('linkerd-dst')).toEqual([[8086, 8086]]);
    expect((find('Service', 'linkerd-dst-headless').spec as { clusterIP: string }).clusterIP).toBe('None');
    expect(ports('linkerd-identity')).toEqual([[8080, 8080]]);
    expect(ports('linkerd-policy')).toEqual([[8090, 'policy-grpc']]);
    expect(ports('linkerd-proxy-injector')).toEqual([[443, 'proxy-injector']]);
    expect(ports('linkerd-sp-validator')).toEqual([[443, 'sp-validator']]);
    const destination = podSpec(find('Deployment', 'linkerd-destination'));
    expect(destination.containers.map((c) => [c.name, c.image])).toEqual([
      ['destination', 'ghcr.io/skein-mesh/destination:1.2.3'],
      ['sp-validator', 'ghcr.io/skein-mesh/sp-validator:1.2.3'],
    ]);
    expect(podSpec(find('Deployment', 'linkerd-identity')).containers[0]!.image).toBe(
      'ghcr.io/skein-mesh/identity:1.2.3',
    );
  });

  it('injects the proxy into every control-plane Deployment, with local service addresses where Linkerd uses them', () => {
    const deployments = objects.filter((o) => o.kind === 'Deployment');
    expect(deployments.map((d) => d.metadata?.name)).toEqual([
      'linkerd-destination',
      'linkerd-identity',
      'linkerd-proxy-injector',
      'linkerd-controller',
      'linkerd-tap',
      'linkerd-web',
      'linkerd-prometheus',
    ]);
    for (const d of deployments) {
      const spec = podSpec(d);
      const proxy = spec.initContainers?.find((c) => c.name === 'linkerd-proxy');
      expect(proxy?.image, d.metadata?.name).toBe('ghcr.io/skein-mesh/proxy:1.2.3');
      expect(spec.initContainers?.map((c) => c.name)).toEqual(['linkerd-init', 'linkerd-proxy']);
      const annotations = (d.spec as { template: { metadata: { annotations: Record<string, string> } } })
        .template.metadata.annotations;
      expect(annotations['config.linkerd.io/skip-outbound-ports']).toBe('443,6443,4567,4568');
      expect(annotations['linkerd.io/created-by']).toBe('skein/install 1.2.3');
    }
    const identity = find('Deployment', 'linkerd-identity');
    expect(proxyEnv(identity, 'LINKERD2_PROXY_IDENTITY_SVC_ADDR')).toBe('localhost.:8080');
    const destination = find('Deployment', 'linkerd-destination');
    expect(proxyEnv(destination, 'LINKERD2_PROXY_DESTINATION_SVC_ADDR')).toBe('localhost.:8086');
    expect(proxyEnv(destination, 'LINKERD2_PROXY_POLICY_SVC_ADDR')).toBe('localhost.:8090');
    const injector = find('Deployment', 'linkerd-proxy-injector');
    expect(proxyEnv(injector, 'LINKERD2_PROXY_DESTINATION_SVC_ADDR')).toBe(
      'linkerd-dst-headless.linkerd.svc.cluster.local.:8086',
    );
    expect(proxyEnv(injector, 'LINKERD2_PROXY_IDENTITY_TRUST_ANCHORS')).toBe(config.identity.trustAnchorsPem);
    expect(proxyEnv(injector, 'LINKERD2_PROXY_POLICY_SVC_ADDR')).toBe(
      'linkerd-policy.linkerd.svc.cluster.local.:8090',
    );
  });

  it('generates a trust anchor and an issuer that the identity checks accept', () => {
    const roots = find('ConfigMap', 'linkerd-identity-trust-roots').data as Record<string, string>;
    const secret = find('Secret', 'linkerd-identity-issuer').data as Record<string, string>;
    const anchors = TrustAnchors.fromPem(roots['ca-bundle.crt']!);
    expect(anchors.certificates[0]!.subjectCommonName).toBe('root.linkerd.cluster.local');
    const issuerPem = Buffer.from(secret['crt.pem']!, 'base64').toString();
    const issuer = readCertificate(decodeCertificatesPem(issuerPem)[0]!);
    const results = checkIssuer(issuer, anchors, {
      now: Date.parse('2026-09-02T00:00:00Z'),
      expectedName: 'identity.linkerd.cluster.local',
    });
    expect(results.filter((r) => r.status !== 'ok')).toEqual([]);
    expect(Buffer.from(secret['key.pem']!, 'base64').toString()).toMatch(/^-----BEGIN PRIVATE KEY-----/);
  });

  it('registers the tap injector after the proxy injector, on its Service, for the tap Deployment identity', () => {
    const proxyHook = (
      find('MutatingWebhookConfiguration', 'linkerd-proxy-injector-webhook-config').webhooks as Record<
        string,
        unknown
      >[]
    )[0]!;
    const tapConfig = find('MutatingWebhookConfiguration', 'linkerd-tap-injector-webhook-config');
    // The API server calls mutating webhook configurations in name order: proxy first.
    const names = objects
      .filter((o) => o.kind === 'MutatingWebhookConfiguration')
      .map((o) => o.metadata!.name!);
    expect(names.sort()).toEqual([
      'linkerd-proxy-injector-webhook-config',
      'linkerd-tap-injector-webhook-config',
    ]);
    const [tapHook] = tapConfig.webhooks as Record<string, unknown>[];
    expect(tapHook).toEqual({
      ...proxyHook,
      name: 'linkerd-tap-injector.linkerd.io',
      clientConfig: {
        ...(proxyHook.clientConfig as object),
        service: { name: 'linkerd-proxy-injector', namespace: 'linkerd', path: '/tap-inject' },
      },
      rules: [
        {
          operations: ['CREATE'],
          apiGroups: [''],
          apiVersions: ['v1'],
          resources: ['pods'],
          scope: 'Namespaced',
        },
      ],
    });
    const tap = find('Deployment', 'linkerd-tap');
    const args = (
      podSpec(find('Deployment', 'linkerd-proxy-injector')).containers[0] as unknown as { args: string[] }
    ).args;
    const sa = (tap.spec as { template: { spec: { serviceAccountName: string } } }).template.spec
      .serviceAccountName;
    expect(args).toContain(`--tap-service-name=${sa}.linkerd.serviceaccount.identity.linkerd.cluster.local`);
    expect(find('ServiceAccount', sa).metadata?.namespace).toBe('linkerd');
    // Tap and the controller's /api/tap select the pods of this control plane only.
    for (const [name, variable] of [
      ['linkerd-tap', 'SKEIN_TAP_CONTROLLER_NAMESPACE'],
      ['linkerd-controller', 'SKEIN_CONTROLLER_CONTROLLER_NAMESPACE'],
    ] as const) {
      const app = podSpec(find('Deployment', name)).containers.find((c) => c.name !== 'linkerd-proxy')!;
      expect(app.env?.find((e) => e.name === variable)?.value).toBe('linkerd');
    }
  });

  it("registers the webhooks as the spec says (failurePolicy, selectors, CA bundle from the serving certificate's CA)", () => {
    const mutating = find('MutatingWebhookConfiguration', 'linkerd-proxy-injector-webhook-config');
    const [hook] = mutating.webhooks as Record<string, unknown>[];
    expect(hook).toMatchObject({
      failurePolicy: 'Ignore',
      sideEffects: 'None',
      timeoutSeconds: 10,
      admissionReviewVersions: ['v1', 'v1beta1'],
      clientConfig: { service: { name: 'linkerd-proxy-injector', namespace: 'linkerd', path: '/' } },
      rules: [
        { operations: ['CREATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['pods', 'services'] },
      ],
      namespaceSelector: {
        matchExpressions: [
          { key: 'config.linkerd.io/admission-webhooks', operator: 'NotIn', values: ['disabled'] },
          { key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: ['kube-system', 'cert-manager'] },
        ],
      },
      objectSelector: {
        matchExpressions: [
          { key: 'linkerd.io/control-plane-component', operator: 'DoesNotExist' },
          { key: 'linkerd.io/cni-resource', operator: 'DoesNotExist' },
        ],
      },
    });
    const caBundle = Buffer.from((hook!.clientConfig as { caBundle: string }).caBundle, 'base64').toString();
    const tls = find('Secret', 'linkerd-proxy-injector-k8s-tls').data as Record<string, string>;
    const leaf = readCertificate(
      decodeCertificatesPem(Buffer.from(tls['tls.crt']!, 'base64').toString())[0]!,
    );
    expect(leaf.altNames.dns).toEqual(['linkerd-proxy-injector.linkerd.svc']);
    expect(TrustAnchors.fromPem(caBundle).issuersOf(leaf)).toHaveLength(1);
    const validating = find('ValidatingWebhookConfiguration', 'linkerd-sp-validator-webhook-config');
    expect((validating.webhooks as Record<string, unknown>[])[0]).toMatchObject({
      rules: [
        { operations: ['CREATE', 'UPDATE'], apiGroups: ['linkerd.io'], resources: ['serviceprofiles'] },
      ],
    });
  });

  it('stores the values in linkerd-config without private keys, readable by the injector as they were', () => {
    const data = find('ConfigMap', 'linkerd-config').data as Record<string, string>;
    expect(data.values).not.toMatch(/PRIVATE KEY/);
    const stored = parse(data.values!) as Record<string, unknown>;
    const { values, warnings } = resolveValues([stored]);
    expect(warnings).toEqual([]);
    expect(values.proxy.image.name).toBe('ghcr.io/skein-mesh/proxy');
    expect(values.linkerdVersion).toBe('1.2.3');
    expect(values.identityTrustAnchorsPEM).toBe(config.identity.trustAnchorsPem);
    expect(stored.webhookFailurePolicy).toBe('Ignore');
  });

  it('schedules the heartbeat daily at install time plus ten minutes (UTC), and scrapes proxies with Prometheus', () => {
    const cron = find('CronJob', 'linkerd-heartbeat').spec as { schedule: string };
    expect(cron.schedule).toBe('40 8 * * *');
    const promConfig = parse(
      (find('ConfigMap', 'linkerd-prometheus-config').data as Record<string, string>)['prometheus.yml']!,
    ) as { scrape_configs: { job_name: string; relabel_configs?: { regex?: string }[] }[] };
    const proxyJob = promConfig.scrape_configs.find((j) => j.job_name === 'linkerd-proxy');
    expect(proxyJob?.relabel_configs?.[0]?.regex).toBe('^linkerd-proxy;linkerd-admin;linkerd$');
  });
});

describe('install values', () => {
  it('applies Linkerd-style values: failure policy, registry, replicas, HA settings, and optional parts', async () => {
    const c = resolveInstallConfig({
      version: 'edge-1',
      namespace: 'mesh',
      values: [
        {
          webhookFailurePolicy: 'Fail',
          controllerReplicas: 3,
          enablePodAntiAffinity: true,
          enablePodDisruptionBudget: true,
          disableHeartBeat: true,
          skein: {
            registry: 'registry.example/skein/',
            viz: { enabled: false },
            prometheus: { enabled: false },
          },
        },
      ],
    });
    const list = renderControlPlane(c);
    expect(await validateObjects(list)).toEqual([]);
    expect(list.some((o) => o.kind === 'CronJob')).toBe(false);
    expect(list.filter((o) => o.kind === 'Deployment').map((d) => d.metadata?.name)).toEqual([
      'linkerd-destination',
      'linkerd-identity',
      'linkerd-proxy-injector',
    ]);
    expect(list.filter((o) => o.kind === 'PodDisruptionBudget')).toHaveLength(3);
    const d = find('Deployment', 'linkerd-identity', list);
    expect((d.spec as { replicas: number }).replicas).toBe(3);
    expect(podSpec(d).containers[0]!.image).toBe('registry.example/skein/identity:edge-1');
    const hook = (
      find('MutatingWebhookConfiguration', 'linkerd-proxy-injector-webhook-config', list).webhooks as {
        failurePolicy: string;
        clientConfig: { service: { namespace: string } };
      }[]
    )[0]!;
    expect(hook.failurePolicy).toBe('Fail');
    expect(hook.clientConfig.service.namespace).toBe('mesh');
    // No tap without viz: neither its webhook nor the injector's tap path.
    expect(
      list.filter((o) => o.kind === 'MutatingWebhookConfiguration').map((o) => o.metadata?.name),
    ).toEqual(['linkerd-proxy-injector-webhook-config']);
    expect(podSpec(find('Deployment', 'linkerd-proxy-injector', list)).containers[0]).not.toHaveProperty(
      'args',
      expect.arrayContaining([expect.stringMatching(/^--tap-service-name=/)]),
    );
    expect(proxyEnv(d, 'LINKERD2_PROXY_DESTINATION_SVC_ADDR')).toBe(
      'linkerd-dst-headless.mesh.svc.cluster.local.:8086',
    );
  });

  it('rejects bad values with a message naming the value and the expected form', () => {
    expect(() =>
      resolveInstallConfig({ version: '1', values: [{ webhookFailurePolicy: 'Sometimes' }] }),
    ).toThrow('invalid value webhookFailurePolicy="Sometimes": expected one of Ignore, Fail');
    expect(() => resolveInstallConfig({ version: '1', values: [{ controllerReplicas: 'many' }] })).toThrow(
      'invalid value controllerReplicas="many": expected an integer from 1 to 100',
    );
    expect(() =>
      resolveInstallConfig({
        version: '1',
        values: [{ identity: { issuer: { issuanceLifetime: '1 day' } } }],
      }),
    ).toThrow('invalid value identity.issuer.issuanceLifetime="1 day": expected a Go duration');
    expect(() => resolveInstallConfig({ version: '1', values: [{ heartbeatSchedule: 'daily' }] })).toThrow(
      'invalid value heartbeatSchedule="daily": expected a cron schedule',
    );
    expect(() => resolveInstallConfig({ version: '1', namespace: 'Linkerd' })).toThrow(
      'invalid value namespace="Linkerd": expected a namespace name',
    );
    expect(() =>
      resolveInstallConfig({ version: '1', values: [{ proxy: { ports: { admin: 'x' } } }] }),
    ).toThrow(/proxy\.ports\.admin/);
  });
});

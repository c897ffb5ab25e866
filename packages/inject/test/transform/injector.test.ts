import { describe, expect, it } from 'vitest';
import type { KubeObject, PodSpec } from '../../src/k8s/types.js';
import { Injector } from '../../src/transform/injector.js';
import { trustRootSha256 } from '../../src/transform/trust-root.js';
import { emojivotoDeployment, pod, TEST_ANCHORS, testValues } from '../fixtures.js';

type PodLike = {
  metadata: { annotations: Record<string, string>; labels: Record<string, string> };
  spec: PodSpec;
};

function template(obj: unknown): PodLike {
  return (obj as { spec: { template: PodLike } }).spec.template;
}

function proxyEnv(spec: PodSpec): Record<string, string | undefined> {
  const proxy = [...(spec.initContainers ?? []), ...(spec.containers ?? [])].find(
    (c) => c.name === 'linkerd-proxy',
  )!;
  return Object.fromEntries((proxy.env ?? []).map((e) => [e.name, e.value]));
}

describe('Injector.inject', () => {
  const injector = new Injector({ values: testValues(), createdBy: 'skein/cli test' });

  it('writes the metadata Linkerd writes', () => {
    const { object, report } = injector.inject(emojivotoDeployment());
    expect(report).toMatchObject({
      kind: 'deployment',
      name: 'web',
      namespace: 'emojivoto',
      outcome: 'injected',
    });
    const t = template(object);
    expect(t.metadata.annotations).toEqual({
      'linkerd.io/created-by': 'skein/cli test',
      'linkerd.io/proxy-version': 'v-test',
      'linkerd.io/trust-root-sha256': trustRootSha256(TEST_ANCHORS),
    });
    expect(t.metadata.labels).toEqual({
      app: 'web-svc',
      'linkerd.io/control-plane-ns': 'linkerd',
      'linkerd.io/proxy-deployment': 'web',
      'linkerd.io/workload-ns': 'emojivoto',
    });
  });

  it('uses the Skein proxy image by default', () => {
    const spec = template(injector.inject(emojivotoDeployment()).object).spec;
    expect(spec.initContainers!.map((c) => c.image)).toEqual([
      'ghcr.io/skein-mesh/proxy:v-test',
      'ghcr.io/skein-mesh/proxy:v-test',
    ]);
  });

  it('computes inbound ports from container and probe ports, sorted as strings', () => {
    const d = emojivotoDeployment();
    const c = template(d).spec.containers![0]!;
    c.ports = [{ containerPort: 8080 }, { containerPort: 80 }, { containerPort: 9090, protocol: 'UDP' }];
    c.readinessProbe = { httpGet: { path: '/ready', port: 9999 } };
    c.livenessProbe = { httpGet: { path: '/live', port: 'http' } };
    const result = injector.inject(d);
    expect(proxyEnv(template(result.object).spec).LINKERD2_PROXY_INBOUND_PORTS).toBe('80,8080,9090,9999');
    expect(result.report.warnings).toEqual(['UDP port(s) configured on pod spec']);
  });

  it('copies the first container capabilities and service-account mount', () => {
    const d = emojivotoDeployment();
    const c = template(d).spec.containers![0]!;
    c.securityContext = { capabilities: { add: ['SYS_TIME'], drop: ['ALL', 'NET_RAW'] } };
    c.volumeMounts = [
      { name: 'sa', mountPath: '/var/run/secrets/kubernetes.io/serviceaccount', readOnly: true },
    ];
    const spec = template(injector.inject(d).object).spec;
    const init = spec.initContainers!.find((x) => x.name === 'linkerd-init')!;
    const proxy = spec.initContainers!.find((x) => x.name === 'linkerd-proxy')!;
    expect(init.securityContext!.capabilities).toEqual({
      add: ['NET_ADMIN', 'NET_RAW', 'SYS_TIME'],
      drop: ['ALL'],
    });
    expect(proxy.securityContext!.capabilities).toEqual({ add: ['SYS_TIME'], drop: ['ALL', 'NET_RAW'] });
    expect(proxy.volumeMounts).toContainEqual({
      name: 'sa',
      mountPath: '/var/run/secrets/kubernetes.io/serviceaccount',
      readOnly: true,
    });
  });

  it('renders the optional env and init arguments from values', () => {
    const values = testValues({
      disableIPv6: false,
      proxy: {
        gid: 2102,
        requireIdentityOnInboundPorts: '8080',
        disableOutboundProtocolDetectTimeout: true,
        enableExternalProfiles: true,
        shutdownGracePeriod: '30s',
        logHTTPHeaders: 'insecure',
        additionalEnv: [{ name: 'EXTRA', value: 'yes' }],
        tracing: {
          enabled: true,
          collector: {
            endpoint: 'collector.tracing:4317',
            meshIdentity: { serviceAccountName: 'collector', namespace: 'tracing' },
          },
        },
      },
      proxyInit: {
        closeWaitTimeoutSecs: 60,
        skipSubnets: '10.1.0.0/16',
        logLevel: 'debug',
        iptablesMode: 'legacy',
      },
    });
    const spec = template(new Injector({ values }).inject(emojivotoDeployment()).object).spec;
    const env = proxyEnv(spec);
    expect(env.LINKERD2_PROXY_INBOUND_PORTS_REQUIRE_IDENTITY).toBe('8080');
    expect(env.LINKERD2_PROXY_OUTBOUND_DETECT_TIMEOUT).toBe('365d');
    expect(env.LINKERD2_PROXY_DESTINATION_PROFILE_SUFFIXES).toBe('.');
    expect(env.LINKERD2_PROXY_SHUTDOWN_GRACE_PERIOD).toBe('30s');
    expect(env.LINKERD2_PROXY_LOG).toBe('warn,linkerd=info,hickory=error');
    expect(env.LINKERD2_PROXY_CONTROL_LISTEN_ADDR).toBe('[::]:4190');
    expect(env.LINKERD2_PROXY_OUTBOUND_LISTEN_ADDRS).toBe('127.0.0.1:4140,[::1]:4140');
    expect(env.LINKERD2_PROXY_TRACE_COLLECTOR_SVC_NAME).toBe(
      'collector.tracing.serviceaccount.identity.linkerd.cluster.local',
    );
    expect(env.EXTRA).toBe('yes');
    expect(spec.volumes!.map((v) => v.name)).toContain('linkerd-podinfo');
    const init = spec.initContainers!.find((c) => c.name === 'linkerd-init')!;
    expect(init.args).toEqual([
      '--incoming-proxy-port',
      '4143',
      '--outgoing-proxy-port',
      '4140',
      '--proxy-uid',
      '2102',
      '--proxy-gid',
      '2102',
      '--inbound-ports-to-ignore',
      '4190,4191,4567,4568',
      '--outbound-ports-to-ignore',
      '4567,4568',
      '--timeout-close-wait-secs',
      '60',
      '--log-level',
      'debug',
      '--subnets-to-ignore',
      '10.1.0.0/16',
    ]);
    expect(init.securityContext).toMatchObject({ privileged: true, allowPrivilegeEscalation: true });
  });

  it('annotates a namespace', () => {
    const ns = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'emojivoto' } };
    const r = injector.inject(ns, { annotations: { 'config.linkerd.io/proxy-log-level': 'debug' } });
    expect(r.report.outcome).toBe('annotated');
    expect((r.object as KubeObject).metadata!.annotations).toEqual({
      'linkerd.io/inject': 'enabled',
      'config.linkerd.io/proxy-log-level': 'debug',
    });
  });

  it('skips unsupported kinds and fails on non-objects and missing templates, without throwing', () => {
    const svc = { apiVersion: 'v1', kind: 'Service', metadata: { name: 's' } };
    expect(injector.inject(svc)).toMatchObject({
      object: svc,
      patch: [],
      report: { outcome: 'skipped', reasons: [{ code: 'unsupported_resource' }] },
    });
    expect(injector.inject(42).report).toMatchObject({
      kind: 'unknown',
      outcome: 'failed',
      reasons: [{ code: 'invalid_object' }],
    });
    expect(injector.inject({ kind: 'Deployment', metadata: { name: 'x' } }).report.reasons[0]!.code).toBe(
      'no_pod_template',
    );
  });

  it('refuses to add a proxy without trust anchors, naming the value', () => {
    const bare = new Injector();
    expect(() => bare.inject(emojivotoDeployment())).toThrow(/identityTrustAnchorsPEM/);
    expect(bare.inject(emojivotoDeployment(), { annotate: true }).report.outcome).toBe('annotated');
  });

  it('refuses a bad control-plane namespace', () => {
    expect(() => new Injector({ controlPlaneNamespace: 'Not_A_Namespace' })).toThrow(
      /controlPlaneNamespace.*DNS-1123 label/,
    );
  });
});

describe('Injector in the webhook', () => {
  const injector = new Injector({ values: testValues(), origin: 'webhook' });

  it('inherits namespace config, labels the owner and adds default opaque ports', () => {
    const p = pod({ ports: [80, 3306, 6379] });
    const r = injector.inject(p, {
      namespace: 'emojivoto',
      namespaceAnnotations: { 'linkerd.io/inject': 'ingress', 'config.linkerd.io/proxy-cpu-limit': '2' },
    });
    expect(r.report.outcome).toBe('injected');
    const meta = (r.object as PodLike).metadata;
    expect(meta.annotations).toMatchObject({
      'linkerd.io/inject': 'ingress',
      'config.linkerd.io/proxy-cpu-limit': '2',
      'config.linkerd.io/opaque-ports': '3306,6379',
    });
    expect(meta.labels['linkerd.io/proxy-deployment']).toBe('web');
    expect(meta.labels['linkerd.io/workload-ns']).toBe('emojivoto');
    const env = proxyEnv((r.object as PodLike).spec);
    expect(env.LINKERD2_PROXY_INGRESS_MODE).toBe('true');
    expect(env.LINKERD2_PROXY_CORES_MAX).toBe('2');
  });

  it('gives skipped pods and services the opaque-ports annotation only', () => {
    const skipped = injector.opaquePorts(pod({ ports: [5432] }), {});
    expect(skipped.patch).toEqual([
      { op: 'add', path: '/metadata/annotations', value: {} },
      { op: 'add', path: '/metadata/annotations/config.linkerd.io~1opaque-ports', value: '5432' },
    ]);
    const svc = {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'db', annotations: { a: 'b' } },
      spec: {
        ports: [
          { port: 5432, targetPort: 5432 },
          { port: 80, targetPort: 11211 },
        ],
      },
    };
    expect(injector.opaquePorts(svc, {}).patch).toEqual([
      { op: 'add', path: '/metadata/annotations/config.linkerd.io~1opaque-ports', value: '5432,11211' },
    ]);
    expect(
      injector.opaquePorts(svc, { 'config.linkerd.io/opaque-ports': '9000' }).patch.at(-1),
    ).toMatchObject({ value: '9000' });
    const annotated = {
      ...svc,
      metadata: { name: 'db', annotations: { 'config.linkerd.io/opaque-ports': '1' } },
    };
    expect(injector.opaquePorts(annotated, {}).patch).toEqual([]);
    expect(injector.opaquePorts(pod({ ports: [80] }), {}).patch).toEqual([]);
  });
});

describe('every injectable kind', () => {
  const injector = new Injector({ values: testValues() });
  const template = {
    metadata: { labels: { app: 'a' } },
    spec: { containers: [{ name: 'a', image: 'a:1' }] },
  };
  it.each([
    ['Deployment', 'apps/v1', { template }, '/spec/template'],
    ['ReplicaSet', 'apps/v1', { template }, '/spec/template'],
    ['ReplicationController', 'v1', { template }, '/spec/template'],
    ['StatefulSet', 'apps/v1', { serviceName: 'a', template }, '/spec/template'],
    ['DaemonSet', 'apps/v1', { template }, '/spec/template'],
    ['Job', 'batch/v1', { template }, '/spec/template'],
    [
      'CronJob',
      'batch/v1',
      { schedule: '@daily', jobTemplate: { spec: { template } } },
      '/spec/jobTemplate/spec/template',
    ],
  ])('%s gets the proxy under %s and its owner label', (kind, apiVersion, spec, prefix) => {
    const { patch, report } = injector.inject({
      apiVersion,
      kind,
      metadata: { name: 'x', namespace: 'n' },
      spec,
    });
    expect(report.outcome).toBe('injected');
    expect(patch.every((op) => op.path.startsWith(`${prefix}/`))).toBe(true);
    expect(patch).toContainEqual({
      op: 'add',
      path: `${prefix}/metadata/labels/linkerd.io~1proxy-${kind.toLowerCase()}`,
      value: 'x',
    });
  });

  it('gives linkerd-init the app service-account mount as well', () => {
    const sa = {
      name: 'kube-api-access-x',
      mountPath: '/var/run/secrets/kubernetes.io/serviceaccount',
      readOnly: true,
    };
    const obj = {
      kind: 'Pod',
      metadata: { name: 'p' },
      spec: { containers: [{ name: 'a', volumeMounts: [sa] }] },
    };
    const spec = (injector.inject(obj).object as { spec: PodSpec }).spec;
    for (const c of spec.initContainers!) expect(c.volumeMounts).toContainEqual(sa);
  });
});

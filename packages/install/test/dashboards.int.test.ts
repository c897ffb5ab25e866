import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import {
  allocatePort,
  type KubeApiServer,
  type RunningProcess,
  runProcess,
  startKubeApiServer,
  waitFor,
} from '@skein/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { kubeClusterReader } from '../src/cluster/cluster-reader.js';
import { dashboardQueries, type GrafanaDashboard } from '../src/dashboards/dashboard-model.js';
import { grafanaDashboards } from '../src/dashboards/grafana-dashboards.js';
import { collectHeartbeat } from '../src/heartbeat/heartbeat-report.js';
import { queryPrometheus } from '../src/heartbeat/prometheus-query.js';
import { sendHeartbeat } from '../src/heartbeat/send-heartbeat.js';
import { prometheusScrapeConfig } from '../src/render/prometheus-config.js';
import { kubernetesPodTargets } from './support/kubernetes-pod-targets.js';
import { getVia, identityName, listen, MeshLab, portOf } from './support/mesh-lab.js';

// Pods on their own loopback addresses, as Kubernetes gives pods their own IPs.
const WEB_IP = '127.0.3.1';
const BOT_IP = '127.0.3.2';
const DST_IP = '127.0.3.3';
const IDENTITY_IP = '127.0.3.4';
const EMOJI_IP = '127.0.3.5';
const WEB_POD = 'web-6c4f9-x2x7q';

/** A pod in the fake cluster with the labels the injector writes, so Prometheus discovers it. */
function pod(options: {
  name: string;
  namespace: string;
  ip: string;
  component?: string;
  deployment: string;
  containers: { name: string; ports: { name: string; containerPort: number }[] }[];
  proxyAdminPort?: number;
}): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: options.name,
      namespace: options.namespace,
      labels: {
        'linkerd.io/control-plane-ns': 'linkerd',
        'linkerd.io/proxy-deployment': options.deployment,
        'linkerd.io/workload-ns': options.namespace,
        ...(options.component === undefined
          ? {}
          : { 'linkerd.io/control-plane-component': options.component }),
      },
    },
    spec: {
      // The injector's native sidecar: the proxy is an init container with restartPolicy Always.
      initContainers:
        options.proxyAdminPort === undefined
          ? []
          : [
              {
                name: 'linkerd-proxy',
                image: 'ghcr.io/skein-mesh/proxy:0.1.0',
                restartPolicy: 'Always',
                ports: [
                  { name: 'linkerd-proxy', containerPort: 4143 },
                  { name: 'linkerd-admin', containerPort: options.proxyAdminPort },
                ],
              },
            ],
      containers: options.containers.map((c) => ({ ...c, image: `${c.name}:1` })),
    },
    status: { phase: 'Running', podIP: options.ip, podIPs: [{ ip: options.ip }] },
  };
}

describe('Grafana dashboards and the heartbeat against a real Prometheus scraping real Skein proxies', () => {
  const lab = new MeshLab();
  const dir = mkdtempSync(join(tmpdir(), 'skein-prometheus-'));
  let kube: KubeApiServer;
  let prometheus: RunningProcess;
  let prometheusUrl = '';
  const apps: http.Server[] = [];
  let requests = 0;
  const statuses: Record<string, number> = {};
  let stopTraffic = false;
  let traffic: Promise<void> = Promise.resolve();

  beforeAll(async () => {
    kube = await startKubeApiServer();
    await lab.startControlPlane(IDENTITY_IP, DST_IP, [
      'emojivoto/web',
      'emojivoto/vote-bot',
      'linkerd/linkerd-destination',
    ]);
    // emoji: an unmeshed backend that web calls; web: the app (one request in ten fails).
    const emoji = await listen(EMOJI_IP, (_req, res) => res.end('🍩'));
    apps.push(emoji);
    const web = await listen(WEB_IP, (req, res) => {
      const n = ++requests;
      getVia(
        WEB_IP,
        webProxy.proxy.addresses.outbound[0]!.port,
        '/emoji',
        'emoji.emojivoto.svc.cluster.local',
      ).then(
        (r) => res.writeHead(n % 10 === 0 ? 500 : r.status).end(`web ${req.url} ${r.body}`),
        () => res.writeHead(502).end(),
      );
    });
    apps.push(web);
    const webProxy = await lab.startProxy({
      ip: WEB_IP,
      namespace: 'emojivoto',
      serviceAccount: 'web',
      deployment: 'web',
      pod: WEB_POD,
      discovery: `authorities:
  emoji.emojivoto.svc.cluster.local:80:
    labels: { namespace: emojivoto, service: emoji }
    endpoints: [ { address: "${EMOJI_IP}:${portOf(emoji)}", labels: { pod: emoji-0, deployment: emoji } } ]
`,
    });
    const dstProxy = await lab.startProxy({
      ip: DST_IP,
      namespace: 'linkerd',
      serviceAccount: 'linkerd-destination',
      deployment: 'linkerd-destination',
      pod: 'linkerd-destination-7f8-abc',
    });
    const bot = await lab.startProxy({
      ip: BOT_IP,
      namespace: 'emojivoto',
      serviceAccount: 'vote-bot',
      deployment: 'vote-bot',
      pod: 'vote-bot-5b7-q9q9q',
      discovery: `authorities:
  web.emojivoto.svc.cluster.local:80:
    labels: { namespace: emojivoto, service: web }
    endpoints:
      - { address: "${WEB_IP}:${portOf(web)}", identity: ${identityName('emojivoto', 'web')}, opaqueTransportPort: ${webProxy.proxy.addresses.inbound.port}, protocolHint: h2, labels: { pod: ${WEB_POD}, deployment: web } }
  linkerd-dst.linkerd.svc.cluster.local:80:
    labels: { namespace: linkerd, service: linkerd-dst }
    endpoints:
      - { address: "${DST_IP}:${lab.destinationAdmin}", identity: ${identityName('linkerd', 'linkerd-destination')}, opaqueTransportPort: ${dstProxy.proxy.addresses.inbound.port}, protocolHint: h2, labels: { pod: linkerd-destination-7f8-abc, deployment: linkerd-destination } }
`,
    });

    const store = kube.store;
    for (const ns of ['emojivoto', 'linkerd'])
      store.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } } as never);
    const admin = (p: typeof bot) => p.proxy.addresses.admin.port;
    store.create(
      pod({
        name: WEB_POD,
        namespace: 'emojivoto',
        ip: WEB_IP,
        deployment: 'web',
        containers: [{ name: 'web', ports: [{ name: 'http', containerPort: portOf(web) }] }],
        proxyAdminPort: admin(webProxy),
      }) as never,
    );
    store.create(
      pod({
        name: 'vote-bot-5b7-q9q9q',
        namespace: 'emojivoto',
        ip: BOT_IP,
        deployment: 'vote-bot',
        containers: [{ name: 'vote-bot', ports: [] }],
        proxyAdminPort: admin(bot),
      }) as never,
    );
    store.create(
      pod({
        name: 'linkerd-destination-7f8-abc',
        namespace: 'linkerd',
        ip: DST_IP,
        component: 'destination',
        deployment: 'linkerd-destination',
        containers: [
          { name: 'destination', ports: [{ name: 'admin-http', containerPort: lab.destinationAdmin }] },
        ],
        proxyAdminPort: admin(dstProxy),
      }) as never,
    );
    store.create(
      pod({
        name: 'linkerd-identity-6d9-def',
        namespace: 'linkerd',
        ip: IDENTITY_IP,
        component: 'identity',
        deployment: 'linkerd-identity',
        containers: [{ name: 'identity', ports: [{ name: 'admin-http', containerPort: lab.identityAdmin }] }],
      }) as never,
    );
    // What skein install renders for linkerd-config, enough for the heartbeat.
    store.create({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'linkerd-config', namespace: 'linkerd' },
      data: { values: 'linkerdVersion: 0.1.0\n' },
    } as never);

    // Prometheus (Debian's package) with the scrape configuration skein install renders. Debian
    // builds Prometheus without Kubernetes discovery, so the pods, read from the API server, are
    // handed over as the targets Kubernetes discovery would make (file discovery); the relabeling
    // is the rendered one, unchanged.
    const port = await allocatePort();
    prometheusUrl = `http://127.0.0.1:${port}`;
    const kc = new KubeConfig();
    kc.loadFromString(kube.kubeconfig);
    const pods = await kubeClusterReader(kc).list('v1', 'Pod');
    const config = prometheusScrapeConfig({ namespace: 'linkerd', scrapeInterval: '1s' }) as {
      scrape_configs: {
        job_name: string;
        static_configs?: { targets: string[] }[];
        kubernetes_sd_configs?: { role: string; namespaces?: { names: string[] } }[];
        file_sd_configs?: { files: string[] }[];
      }[];
    };
    for (const job of config.scrape_configs) {
      if (job.job_name === 'prometheus') job.static_configs = [{ targets: [`127.0.0.1:${port}`] }];
      const sd = job.kubernetes_sd_configs?.[0];
      if (sd === undefined) continue;
      expect(sd.role).toBe('pod');
      const names = sd.namespaces?.names;
      const selected = pods.filter((p) => names === undefined || names.includes(p.metadata?.namespace ?? ''));
      const file = join(dir, `${job.job_name}.json`);
      writeFileSync(file, JSON.stringify(kubernetesPodTargets(selected)));
      delete job.kubernetes_sd_configs;
      job.file_sd_configs = [{ files: [file] }];
    }
    writeFileSync(join(dir, 'prometheus.yml'), stringify(config));
    prometheus = await runProcess({
      command: '/usr/bin/prometheus',
      args: [
        `--config.file=${join(dir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
        '--log.level=warn',
      ],
    });
    await waitFor(async () => (await fetch(`${prometheusUrl}/-/ready`).catch(() => undefined))?.ok, {
      timeoutMs: 20_000,
      what: 'Prometheus ready',
    }).catch((err: Error) => {
      throw new Error(`${err.message}; Prometheus said:\n${prometheus.output()}`);
    });

    // Traffic for the whole run: vote-bot → web (→ emoji) and vote-bot → linkerd-dst, so that every
    // rate window the panels use holds requests.
    const outbound = bot.proxy.addresses.outbound[0]!.port;
    const count = (key: string) => {
      statuses[key] = (statuses[key] ?? 0) + 1;
    };
    const call = (path: string, host: string, label: string) =>
      getVia(BOT_IP, outbound, path, host).then(
        (r) => count(`${label}${r.status}`),
        (err: Error) => count(`${label}${err.message}`),
      );
    const drive = async () => {
      while (!stopTraffic) {
        await Promise.all([
          ...Array.from({ length: 4 }, (_, i) => call(`/vote/${i}`, 'web.emojivoto.svc.cluster.local', '')),
          call('/ping', 'linkerd-dst.linkerd.svc.cluster.local', 'dst '),
        ]);
        await new Promise((r) => setTimeout(r, 150));
      }
    };
    traffic = drive();
    // Every target up, and several scrapes of the traffic (irate needs two samples in its window).
    await waitFor(
      async () => {
        const up = await queryPrometheus(prometheusUrl, 'sum(up)');
        const samples = await queryPrometheus(
          prometheusUrl,
          'min(count_over_time(request_total{direction="inbound"}[20s]))',
        );
        return up[0]?.value === 6 && (samples[0]?.value ?? 0) >= 5;
      },
      {
        timeoutMs: 30_000,
        intervalMs: 500,
        what: 'six scrape targets up (3 proxies, 2 components, Prometheus) and 5 scrapes of traffic',
      },
    );
  }, 90_000);

  afterAll(async () => {
    stopTraffic = true;
    await traffic;
    await prometheus?.close();
    await lab.close();
    for (const a of apps) a.close();
    await kube?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const variables: Record<string, string> = {
    namespace: 'emojivoto',
    deployment: 'web',
    pod: WEB_POD,
    __rate_interval: '20s',
  };
  function substitute(expr: string): string {
    return expr.replace(/\$(\w+)/g, (_, name: string) => {
      const value = variables[name];
      if (value === undefined) throw new Error(`no value for $${name} in ${expr}`);
      return value;
    });
  }

  it('discovers the proxies and components with the labels the dashboards use', async () => {
    const targets = (await (await fetch(`${prometheusUrl}/api/v1/targets`)).json()) as {
      data: { activeTargets: { labels: Record<string, string>; health: string }[] };
    };
    const proxies = targets.data.activeTargets.filter((t) => t.labels.job === 'linkerd-proxy');
    expect(
      proxies
        .map((t) => [
          t.labels.namespace,
          t.labels.pod,
          t.labels.deployment,
          t.labels.control_plane_ns,
          t.health,
        ])
        .sort(),
    ).toEqual([
      ['emojivoto', 'vote-bot-5b7-q9q9q', 'vote-bot', 'linkerd', 'up'],
      ['emojivoto', WEB_POD, 'web', 'linkerd', 'up'],
      ['linkerd', 'linkerd-destination-7f8-abc', 'linkerd-destination', 'linkerd', 'up'],
    ]);
    const components = targets.data.activeTargets.filter((t) => t.labels.job === 'linkerd-controller');
    expect(components.map((t) => [t.labels.component, t.health]).sort()).toEqual([
      ['destination', 'up'],
      ['identity', 'up'],
    ]);
  });

  const dashboards = grafanaDashboards({ namespace: 'linkerd' });
  for (const [file, dashboard] of Object.entries(dashboards)) {
    it(`${file}: every panel query returns data`, async () => {
      const queries = dashboardQueries(dashboard);
      expect(queries.length).toBeGreaterThan(5);
      const empty: string[] = [];
      for (const q of queries) {
        const samples = await queryPrometheus(prometheusUrl, substitute(q.expr));
        if (!samples.some((s) => Number.isFinite(s.value))) empty.push(`${q.panel}: ${q.expr}`);
      }
      expect(empty).toEqual([]);
    });

    it(`${file}: its template variables list the workloads`, async () => {
      const templating = (
        dashboard as GrafanaDashboard & { templating: { list: { name: string; definition?: string }[] } }
      ).templating.list;
      for (const v of templating.filter((t) => t.definition !== undefined)) {
        // label_values(<selector>, <label>) is answered by Prometheus's label values API.
        const m = /^label_values\((.+), (\w+)\)$/.exec(v.definition!)!;
        const url = new URL(`${prometheusUrl}/api/v1/label/${m[2]}/values`);
        url.searchParams.set('match[]', substitute(m[1]!));
        const values = ((await (await fetch(url)).json()) as { data: string[] }).data;
        expect(values, v.definition).toContain(variables[v.name]);
      }
    });
  }

  it('the success rate panels see the one-in-ten failures of web, and the traffic went through', async () => {
    expect(Object.keys(statuses).sort()).toEqual(['200', '500', 'dst 200']);
    expect(statuses['dst 200']).toBeGreaterThan(10);
    const [sr] = await queryPrometheus(
      prometheusUrl,
      'sum(increase(response_total{classification="success", direction="inbound", deployment="web"}[30s])) / sum(increase(response_total{direction="inbound", deployment="web"}[30s]))',
    );
    expect(sr!.value).toBeGreaterThan(0.85);
    expect(sr!.value).toBeLessThan(0.95);
  });

  it('the heartbeat reports the mesh from the cluster and Prometheus to a local endpoint', async () => {
    const received: URL[] = [];
    const endpoint = await listen('127.0.0.1', (req, res) => {
      received.push(new URL(req.url ?? '/', 'http://x'));
      res.end('{}');
    });
    try {
      const kc = new KubeConfig();
      kc.loadFromString(kube.kubeconfig);
      const report = await collectHeartbeat({
        cluster: kubeClusterReader(kc),
        namespace: 'linkerd',
        prometheusUrl,
        arch: 'amd64',
      });
      const delivery = await sendHeartbeat(
        `http://127.0.0.1:${portOf(endpoint)}/version.json`,
        report.params,
      );
      expect(delivery).toMatchObject({ ok: true, status: 200 });
      const q = received[0]!.searchParams;
      expect(received[0]!.pathname).toBe('/version.json');
      expect(q.get('version')).toBe('0.1.0');
      expect(q.get('source')).toBe('heartbeat');
      expect(q.get('arch')).toBe('amd64');
      expect(q.get('uuid')).toMatch(/^[0-9a-f-]{36}$/);
      expect(q.get('k8s-version')).toBe('v1.33.0-skein-testkit');
      expect(q.get('service-profile-count')).toBeNull(); // no ServiceProfile CRD in this cluster: left out
      expect(q.get('meshed-pods')).toBe('3');
      expect(Number(q.get('total-rps'))).toBeGreaterThan(0);
      expect(Number(q.get('p99-response-latency-ms'))).toBeGreaterThan(0);
      expect(Number(q.get('max-mem-linkerd-proxy'))).toBeGreaterThan(10_000_000);
      expect(Number(q.get('max-mem-destination'))).toBeGreaterThan(10_000_000);
      expect(Number(q.get('max-mem-prometheus'))).toBeGreaterThan(10_000_000);
      expect(q.has('p95-cpu-destination')).toBe(true);
      // The injector does not run here: its figure is missing, and said so.
      expect(q.has('proxy-injector-injections')).toBe(false);
      expect(report.errors.some((e) => e.startsWith('proxy-injector-injections: no data'))).toBe(true);
      expect(report.errors.some((e) => e.startsWith('service profiles:'))).toBe(true);
    } finally {
      endpoint.close();
    }
  });
});

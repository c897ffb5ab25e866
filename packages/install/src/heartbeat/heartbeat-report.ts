import type { ClusterReader } from '../cluster/cluster-reader.js';
import type { KubeObject } from '../render/kube-types.js';
import { ResourceName } from '../render/names.js';
import { queryPrometheus } from './prometheus-query.js';

/** A figure of the report taken from Prometheus: the parameter and its query. */
export interface HeartbeatQuery {
  /** Query-string parameter. */
  readonly param: string;
  /** PromQL returning one value. */
  readonly query: string;
  /** Multiplier applied before rounding (seconds of CPU → millicores). Default: 1. */
  readonly scale?: number;
  /** Decimals kept. Default: 0 (an integer, as Linkerd reports). */
  readonly decimals?: number;
}

/**
 * The Prometheus figures of the daily report. Linkerd's names where Skein has the metric;
 * `p99-response-latency-ms` replaces Linkerd's `p99-handle-us` (Skein proxies export response
 * latency, not proxy handle time), and memory and CPU come from the processes' own metrics
 * (`process_*`), not from cAdvisor.
 */
export const HEARTBEAT_QUERIES: readonly HeartbeatQuery[] = [
  { param: 'total-rps', query: 'sum(rate(request_total{direction="inbound"}[5m]))', decimals: 2 },
  {
    param: 'meshed-pods',
    query: 'count(count by (namespace, pod) (process_start_time_seconds{job="linkerd-proxy"}))',
  },
  {
    param: 'p99-response-latency-ms',
    query:
      'histogram_quantile(0.99, sum(rate(response_latency_ms_bucket{direction="inbound"}[24h])) by (le))',
  },
  { param: 'proxy-injector-injections', query: 'sum(proxy_inject_admission_responses_total{skip="false"})' },
  { param: 'max-mem-linkerd-proxy', query: 'max(process_resident_memory_bytes{job="linkerd-proxy"})' },
  {
    param: 'p95-cpu-linkerd-proxy',
    query: 'quantile(0.95, rate(process_cpu_seconds_total{job="linkerd-proxy"}[5m]))',
    scale: 1000,
  },
  {
    param: 'max-mem-destination',
    query: 'max(process_resident_memory_bytes{job="linkerd-controller", component="destination"})',
  },
  {
    param: 'p95-cpu-destination',
    query:
      'quantile(0.95, rate(process_cpu_seconds_total{job="linkerd-controller", component="destination"}[5m]))',
    scale: 1000,
  },
  { param: 'max-mem-prometheus', query: 'max(process_resident_memory_bytes{job="prometheus"})' },
  {
    param: 'p95-cpu-prometheus',
    query: 'quantile(0.95, rate(process_cpu_seconds_total{job="prometheus"}[5m]))',
    scale: 1000,
  },
];

/** What {@link collectHeartbeat} reads. */
export interface HeartbeatSources {
  /** The cluster. */
  readonly cluster: ClusterReader;
  /** Control-plane namespace. */
  readonly namespace: string;
  /** Prometheus base URL; without it only the cluster's figures are reported. */
  readonly prometheusUrl?: string;
  /** CPU architecture of the reporter (`process.arch` in the app). */
  readonly arch: string;
  /** Timeout of each Prometheus query (ms). Default: 10 000. */
  readonly timeoutMs?: number;
}

/** The report: query-string parameters in send order, and what could not be read. */
export interface HeartbeatReport {
  /** Parameters (`version`, `uuid`, `k8s-version`, `meshed-pods`, …). */
  readonly params: ReadonlyArray<readonly [string, string]>;
  /** One message per figure that could not be read (the report is sent without it). */
  readonly errors: readonly string[];
}

function unixSeconds(timestamp: unknown): string | undefined {
  const ms = typeof timestamp === 'string' ? Date.parse(timestamp) : Number.NaN;
  return Number.isNaN(ms) ? undefined : String(Math.floor(ms / 1000));
}

/**
 * Gathers the daily heartbeat of spec §9: the installation's version, uuid (the uid of
 * `linkerd-config`) and install time, the Kubernetes version, installed extensions, the
 * ServiceProfile count, and the Prometheus figures of {@link HEARTBEAT_QUERIES}. Never throws:
 * what cannot be read is listed in `errors` and left out.
 */
export async function collectHeartbeat(sources: HeartbeatSources): Promise<HeartbeatReport> {
  const params: [string, string][] = [];
  const errors: string[] = [];
  const attempt = async <T>(what: string, read: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await read();
    } catch (err) {
      errors.push(`${what}: ${(err as Error).message}`);
      return undefined;
    }
  };
  const { cluster, namespace } = sources;
  const config: KubeObject | undefined = await attempt('linkerd-config', () =>
    cluster.get({ apiVersion: 'v1', kind: 'ConfigMap', namespace, name: ResourceName.config }),
  );
  const version = /^linkerdVersion: *"?([^"\n]+)"?$/m.exec(
    (config?.data as Record<string, string> | undefined)?.values ?? '',
  )?.[1];
  if (config === undefined && !errors.some((e) => e.startsWith('linkerd-config'))) {
    errors.push(`linkerd-config: configmap ${namespace}/${ResourceName.config} not found`);
  }
  params.push(['arch', sources.arch]);
  if (version !== undefined) params.push(['version', version]);
  params.push(['source', 'heartbeat']);
  const uid = config?.metadata?.uid;
  if (typeof uid === 'string') params.push(['uuid', uid]);
  const installTime = unixSeconds(config?.metadata?.creationTimestamp);
  if (installTime !== undefined) params.push(['install-time', installTime]);
  const k8s = await attempt('kubernetes version', () => cluster.version());
  if (k8s !== undefined) params.push(['k8s-version', k8s.gitVersion]);
  const extensions = await attempt('extensions', () =>
    cluster.list('v1', 'Namespace', { labelSelector: 'linkerd.io/extension' }),
  );
  for (const ns of extensions ?? []) {
    const name = ns.metadata?.labels?.['linkerd.io/extension'];
    if (name !== undefined && name !== '') params.push([`ext-${name}`, '1']);
  }
  const profiles = await attempt('service profiles', () =>
    cluster.list('linkerd.io/v1alpha2', 'ServiceProfile'),
  );
  if (profiles !== undefined) params.push(['service-profile-count', String(profiles.length)]);
  if (sources.prometheusUrl !== undefined && sources.prometheusUrl !== '') {
    const url = sources.prometheusUrl;
    const figures = await Promise.all(
      HEARTBEAT_QUERIES.map((q) =>
        attempt(q.param, async () => {
          const [sample] = await queryPrometheus(url, q.query, { timeoutMs: sources.timeoutMs ?? 10_000 });
          if (sample === undefined || !Number.isFinite(sample.value))
            throw new Error(`no data for ${q.query}`);
          return String(Number((sample.value * (q.scale ?? 1)).toFixed(q.decimals ?? 0)));
        }),
      ),
    );
    HEARTBEAT_QUERIES.forEach((q, i) => {
      const v = figures[i];
      if (v !== undefined) params.push([q.param, v]);
    });
  }
  return { params, errors };
}

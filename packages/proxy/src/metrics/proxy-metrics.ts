import {
  buildInfoFamily,
  type LabelSet,
  LegacyMetrics,
  ProcessMetrics,
  type TcpTargetMetrics,
  tcpServerLabels,
} from '@skein/core';
import { inboundTlsLabels } from '../inbound/http-router.js';
import type { ConnectionInfo } from '../transport/connection-info.js';
import type { ConnectionCloseStats, ConnectionHooks } from '../transport/listener.js';

/** Something that renders Prometheus text (a metric family or a group of them). */
export interface RenderableMetrics {
  /** The text exposition. */
  render(): string;
}

/** Options for {@link ProxyMetrics}. */
export interface ProxyMetricsOptions {
  /** `LINKERD2_PROXY_METRICS_RETAIN_IDLE` in ms. */
  retainIdleMs: number;
  /** The proxy's version for `proxy_build_info`. */
  version: string;
}

/**
 * All of a proxy's metrics: Linkerd's legacy families (rendered first, as linkerd2-proxy does),
 * then `process_*`, `proxy_build_info` and any group added later (identity, tap…). Everything
 * renders itself, so the proxy does not load prom-client. Also provides the listener hooks that
 * keep the server-side `tcp_*` series.
 */
export class ProxyMetrics {
  /** Linkerd's legacy families. */
  readonly legacy: LegacyMetrics;
  readonly #extra: RenderableMetrics[];
  readonly #tcp = new Map<string, TcpTargetMetrics>();

  constructor(options: ProxyMetricsOptions) {
    this.legacy = new LegacyMetrics({ retainIdleMs: options.retainIdleMs });
    this.#extra = [
      new ProcessMetrics(),
      buildInfoFamily({
        version: options.version,
        gitSha: 'unknown',
        profile: 'release',
        vendor: 'skein',
        date: new Date(0).toISOString(),
      }),
    ];
  }

  /** Adds a group of metrics to `/metrics` (e.g. the identity client's). */
  add(metrics: RenderableMetrics): void {
    this.#extra.push(metrics);
  }

  /** The whole `/metrics` text. */
  render(): string {
    let text = this.legacy.render();
    for (const m of this.#extra) text += m.render();
    return text;
  }

  /** Listener hooks recording `tcp_open_total`, `tcp_close_total`, byte counters and open connections. */
  tcpHooks(): ConnectionHooks {
    return {
      onOpen: (info) => this.#tcpTarget(info).opened(),
      onClose: (info, stats: ConnectionCloseStats) => {
        const t = this.#tcpTarget(info);
        t.read(stats.bytesRead);
        t.wrote(stats.bytesWritten);
        t.closed(stats.errno ?? '');
      },
    };
  }

  #tcpTarget(info: ConnectionInfo): TcpTargetMetrics {
    const dst = info.originalDst ?? info.local;
    const tls = info.tls;
    const key = `${info.direction}|${dst.ip}|${dst.port}|${tls.kind}|${'clientId' in tls ? tls.clientId : 'sni' in tls ? tls.sni : tls.kind === 'none' ? tls.reason : ''}`;
    let t = this.#tcp.get(key);
    if (t === undefined) {
      const labels: LabelSet = tcpServerLabels({
        direction: info.direction,
        target: { ip: dst.ip, port: dst.port },
        tls: inboundTlsLabels(tls),
      });
      t = this.legacy.tcpTarget(labels);
      if (this.#tcp.size < 10_000) this.#tcp.set(key, t);
    }
    return t;
  }
}

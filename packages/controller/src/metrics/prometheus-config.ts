import { stringify } from 'yaml';
import type { ScrapeTarget } from './scrape-target.js';

/**
 * A Prometheus configuration that scrapes the given proxies with the target labels the
 * controller's queries use (the same ones the built-in scraper applies), so both metrics
 * sources see identical series.
 */
export function prometheusScrapeConfig(
  targets: readonly ScrapeTarget[],
  options: { intervalMs?: number; jobName?: string } = {},
): string {
  const interval = `${Math.max(1, Math.round((options.intervalMs ?? 10_000) / 1000))}s`;
  return stringify({
    global: { scrape_interval: interval, evaluation_interval: interval },
    scrape_configs: [
      {
        job_name: options.jobName ?? 'skein-proxies',
        metrics_path: '/metrics',
        scrape_interval: interval,
        static_configs: targets.map((t) => ({ targets: [t.address], labels: { ...t.labels } })),
      },
    ],
  });
}

/** A proxy admin endpoint to scrape, with the labels its series get (as Prometheus target labels). */
export interface ScrapeTarget {
  /** `host:port` of the proxy's admin server. */
  readonly address: string;
  /** Target labels (`namespace`, `pod`, `deployment`, …). */
  readonly labels: Readonly<Record<string, string>>;
}

/**
 * Applies target labels the way Prometheus does with `honor_labels: false`: a scraped label
 * that clashes with a target label is kept as `exported_<name>`.
 */
export function withTargetLabels(
  scraped: Readonly<Record<string, string>>,
  target: Readonly<Record<string, string>>,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(scraped)) out[k in target ? `exported_${k}` : k] = v;
  for (const [k, v] of Object.entries(target)) out[k] = v;
  return out;
}

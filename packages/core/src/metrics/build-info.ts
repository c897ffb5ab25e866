import type { MetricsRegistry } from './family.js';
import { GaugeFamily } from './gauge-family.js';
import { assertUnregistered } from './registration.js';

/** The labels of `proxy_build_info`. */
export interface BuildInfo {
  /** Release version, e.g. `0.1.0`. */
  readonly version: string;
  /** Git commit. */
  readonly gitSha: string;
  /** Build profile, e.g. `release`. */
  readonly profile: string;
  /** Who built it. */
  readonly vendor: string;
  /** Build date (ISO 8601). */
  readonly date: string;
}

/** `proxy_build_info{version,git_sha,profile,vendor,date} 1` as a family that renders itself. */
export function buildInfoFamily(info: BuildInfo): GaugeFamily {
  const family = new GaugeFamily({
    name: 'proxy_build_info',
    help: 'Proxy build information; the value is always 1.',
    retainIdleMs: 0,
  });
  family
    .series([
      ['version', info.version],
      ['git_sha', info.gitSha],
      ['profile', info.profile],
      ['vendor', info.vendor],
      ['date', info.date],
    ])
    .set(1);
  return family;
}

/** Registers `proxy_build_info{version,git_sha,profile,vendor,date} 1` in a prom-client registry. */
export function registerBuildInfo(registry: MetricsRegistry, info: BuildInfo): GaugeFamily {
  assertUnregistered(registry, ['proxy_build_info']);
  const family = buildInfoFamily(info);
  family.registerIn(registry);
  return family;
}

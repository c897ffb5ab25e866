import { Gauge } from 'prom-client';
import type { MetricsRegistry } from './family.js';
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

/** Registers `proxy_build_info{version,git_sha,profile,vendor,date} 1`. */
export function registerBuildInfo(registry: MetricsRegistry, info: BuildInfo): void {
  assertUnregistered(registry, ['proxy_build_info']);
  const gauge = new Gauge({
    name: 'proxy_build_info',
    help: 'Proxy build information; the value is always 1.',
    labelNames: ['version', 'git_sha', 'profile', 'vendor', 'date'] as const,
    registers: [registry],
  });
  gauge.set(
    {
      version: info.version,
      git_sha: info.gitSha,
      profile: info.profile,
      vendor: info.vendor,
      date: info.date,
    },
    1,
  );
}

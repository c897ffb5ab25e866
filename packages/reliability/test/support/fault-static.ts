import { writeFileSync } from 'node:fs';

/** One endpoint of a static discovery file. */
export interface StaticEndpoint {
  /** `ip:port`. */
  address: string;
  /** The endpoint's mesh identity (mTLS with the proxy's certificate), when meshed. */
  identity?: string;
}

/**
 * Writes a static discovery file (`SKEIN_PROXY_DISCOVERY_FILE`, or `skein-destination
 * -static-file`) serving `authorities` (`host:port` → endpoints) as written.
 */
export function writeDiscoveryFile(
  path: string,
  authorities: Record<string, readonly StaticEndpoint[]>,
): void {
  const lines = ['authorities:'];
  for (const [authority, endpoints] of Object.entries(authorities)) {
    lines.push(`  ${JSON.stringify(authority)}:`, '    endpoints:');
    if (endpoints.length === 0) lines[lines.length - 1] = '    endpoints: []';
    for (const e of endpoints) {
      lines.push(`      - address: ${JSON.stringify(e.address)}`);
      if (e.identity !== undefined) lines.push(`        identity: ${JSON.stringify(e.identity)}`);
    }
  }
  writeFileSync(path, `${lines.join('\n')}\n`);
}

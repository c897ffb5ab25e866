// Proof that a load run took the path it claims: the proxies' own request counters (read from
// their admin servers over the pod's loopback, which the rules leave alone) must rise by about
// the requests the load tool completed when meshed, and not at all when the rules are off.
import type { Pod } from '@skein/testkit';

/** The requests a pod's proxy counted over mTLS in one direction (`request_total`, tls="true"). */
export async function mtlsRequests(
  pod: Pod,
  adminPort: number,
  direction: 'inbound' | 'outbound',
): Promise<number> {
  const { stdout } = await pod.exec([
    'curl',
    '-sS',
    '--max-time',
    '5',
    `http://127.0.0.1:${adminPort}/metrics`,
  ]);
  let total = 0;
  for (const line of stdout.split('\n')) {
    if (!line.startsWith('request_total{')) continue;
    if (!line.includes(`direction="${direction}"`) || !line.includes('tls="true"')) continue;
    total += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return total;
}

/** Counter readings on both sides of the path. */
export interface PathCounters {
  readonly outbound: number;
  readonly inbound: number;
}

/** Where the counters are read: the client pod's outbound side, the server pod's inbound side. */
export interface MeshPath {
  readonly client: Pod;
  readonly server: Pod;
  readonly adminPort: number;
}

/** Reads both counters. */
export async function readPath(path: MeshPath): Promise<PathCounters> {
  const [outbound, inbound] = await Promise.all([
    mtlsRequests(path.client, path.adminPort, 'outbound'),
    mtlsRequests(path.server, path.adminPort, 'inbound'),
  ]);
  return { outbound, inbound };
}

/**
 * Throws unless the counters moved as `meshed` says for `completed` requests: at least 99% of
 * them seen by both proxies over mTLS when meshed, none when not.
 */
export function checkPath(
  what: string,
  meshed: boolean,
  completed: number,
  before: PathCounters,
  after: PathCounters,
): void {
  const out = after.outbound - before.outbound;
  const inb = after.inbound - before.inbound;
  const ok = meshed ? out >= completed * 0.99 && inb >= completed * 0.99 : out === 0 && inb === 0;
  if (!ok) {
    const expected = meshed ? `≥ ${Math.ceil(completed * 0.99)} on both` : '0 on both';
    throw new Error(
      `${what}: ${completed} requests completed, but the proxies counted ${out} outbound and ${inb} inbound over mTLS (expected ${expected})`,
    );
  }
}

import type { CountingBackend } from './counting-backends.ts';
import { getViaProxy, type ProxiedResponse } from './via-proxy.ts';

/** Where a run of requests went. */
export interface Distribution {
  /** Requests each backend received during the run, by name. */
  readonly hits: Record<string, number>;
  /** Replies still outstanding because a holding backend has the request. */
  readonly held: Promise<ProxiedResponse>[];
}

/**
 * Sends `count` requests one after the other: each is sent once the previous one was answered,
 * or — when it reached a backend that is holding requests — once it arrived there. So every
 * pick sees the previous requests either finished or stuck, and the counts show the strategy.
 */
export async function sendOneByOne(
  proxyPort: number,
  url: string,
  count: number,
  backends: readonly CountingBackend[],
): Promise<Distribution> {
  const before = new Map(backends.map((b) => [b.name, b.hits]));
  const held: Promise<ProxiedResponse>[] = [];
  for (let i = 0; i < count; i++) {
    let stop: () => void = () => {};
    const arrivedAtHolder = new Promise<'held'>((resolve) => {
      const onRequest = () => resolve('held');
      const holders = backends.filter((b) => b.holding);
      for (const b of holders) b.events.on('request', onRequest);
      stop = () => {
        for (const b of holders) b.events.off('request', onRequest);
      };
    });
    const reply = getViaProxy(proxyPort, url);
    const outcome = await Promise.race([reply, arrivedAtHolder]);
    stop();
    if (outcome === 'held') held.push(reply);
    else if (outcome.status !== 200)
      throw new Error(`request ${i}: status ${outcome.status}: ${outcome.body}`);
  }
  const hits = Object.fromEntries(backends.map((b) => [b.name, b.hits - before.get(b.name)!]));
  return { hits, held };
}

/** A static discovery file naming `authority` with the backends as its endpoints. */
export function discoveryFile(authority: string, backends: readonly CountingBackend[]): string {
  const endpoints = backends.map(
    (b) => `      - { address: 127.0.0.1:${b.port}, labels: { pod: ${b.name} } }`,
  );
  return `authorities:\n  ${authority}:\n    endpoints:\n${endpoints.join('\n')}\n`;
}

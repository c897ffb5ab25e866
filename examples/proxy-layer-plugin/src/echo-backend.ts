import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** An HTTP server answering every request with the request headers it received, as JSON. */
export interface EchoBackend {
  readonly port: number;
  /** Requests received so far. */
  readonly hits: number;
  close(): Promise<void>;
}

/** Starts an {@link EchoBackend} on an ephemeral loopback port. */
export async function startEchoBackend(): Promise<EchoBackend> {
  let hits = 0;
  const server = http.createServer((req, res) => {
    hits++;
    req.resume();
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify(req.headers));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    port: (server.address() as AddressInfo).port,
    get hits() {
      return hits;
    },
    async close() {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}

/** A static discovery file sending each of `authorities` to the backend. */
export function discoveryFile(authorities: readonly string[], backend: EchoBackend): string {
  const entries = authorities.map(
    (a) => `  ${a}:\n    endpoints:\n      - { address: 127.0.0.1:${backend.port} }`,
  );
  return `authorities:\n${entries.join('\n')}\n`;
}

import { once } from 'node:events';
import { rename, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** An HTTP server that answers with its name. */
export interface NamedBackend {
  readonly name: string;
  /** `127.0.0.1:<port>`. */
  readonly address: string;
  close(): Promise<void>;
}

/** Starts a {@link NamedBackend} on an ephemeral loopback port. */
export async function startNamedBackend(name: string): Promise<NamedBackend> {
  const server = http.createServer((req, res) => {
    req.resume();
    res.end(name);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    name,
    address: `127.0.0.1:${(server.address() as AddressInfo).port}`,
    async close() {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}

/**
 * Writes the static discovery file: `authority` served by `backends`. Written beside and renamed
 * into place, so the destination service never reads half a file.
 */
export async function writeDiscoveryFile(
  path: string,
  authority: string,
  backends: readonly NamedBackend[],
): Promise<void> {
  const endpoints = backends.map((b) => `      - { address: ${b.address}, labels: { pod: ${b.name} } }`);
  const text = `authorities:\n  ${authority}:\n    endpoints:\n${endpoints.join('\n')}\n`;
  await writeFile(`${path}.tmp`, text);
  await rename(`${path}.tmp`, path);
}

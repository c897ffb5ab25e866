import { createServer } from 'node:net';

/**
 * Finds a free TCP port by binding port 0 and closing it. Prefer handing port 0 to the server
 * under test and reading its address back; use this only when a port must be known before a
 * process starts (another process could take it in between).
 */
export async function allocatePort(host = '127.0.0.1'): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

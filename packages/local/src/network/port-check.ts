import net from 'node:net';
import { AddressUnavailableError, InvalidLocalMeshError, PortTakenError } from '../errors.js';
import { findPortHolder } from './port-holder.js';

/** An address the mesh will listen on, and what for. */
export interface WantedAddress {
  readonly ip: string;
  readonly port: number;
  /** E.g. `the controller API`, `the proxy inbound of web-0`. */
  readonly purpose: string;
}

function tryListen(ip: string, port: number): Promise<NodeJS.ErrnoException | undefined> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', (err: NodeJS.ErrnoException) => resolve(err));
    server.listen({ host: ip, port, exclusive: true }, () => server.close(() => resolve(undefined)));
  });
}

/** What to do about an address this machine does not have. */
export function addressHint(ip: string, platform: NodeJS.Platform): string {
  return platform === 'darwin'
    ? `macOS routes only 127.0.0.1 on lo0: add the address with \`sudo ifconfig lo0 alias ${ip} up\` (one per pod address), or run on Linux.`
    : 'On Linux every 127.x.y.z address is local; check --base-ip.';
}

/**
 * Checks that every address can be listened on, before anything starts.
 * @throws {PortTakenError} naming the address, its purpose and (from /proc) the process holding it.
 * @throws {AddressUnavailableError} when the IP is not this machine's.
 */
export async function checkAddressesFree(
  wanted: readonly WantedAddress[],
  platform: NodeJS.Platform = process.platform,
): Promise<void> {
  for (const w of wanted) {
    const err = await tryListen(w.ip, w.port);
    if (err === undefined) continue;
    if (err.code === 'EADDRINUSE') {
      throw new PortTakenError(`${w.ip}:${w.port}`, w.purpose, await findPortHolder(w.ip, w.port));
    }
    if (err.code === 'EADDRNOTAVAIL')
      throw new AddressUnavailableError(w.ip, w.purpose, addressHint(w.ip, platform));
    throw new InvalidLocalMeshError(
      `listening on ${w.ip}:${w.port} for ${w.purpose}`,
      err.code ?? err.message,
      'an address this process may listen on',
    );
  }
}

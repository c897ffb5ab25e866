import { endianness } from 'node:os';
import { formatIp } from '@skein/core';
import type { SocketAddr } from './connection-info.js';

/** Linux address family numbers as they appear in `sa_family`. */
const AF_INET = 2;
const AF_INET6 = 10;

/** Size of `struct sockaddr_in6`, the larger of the two structures decoded here. */
export const SOCKADDR_MAX_BYTES = 28;

const littleEndian = endianness() === 'LE';

/**
 * Decodes a Linux `struct sockaddr_in` (16 bytes) or `struct sockaddr_in6` (28 bytes) as the
 * kernel fills it: `sa_family` in host byte order, the port and address in network order.
 * Returns undefined for another family or a structure too short for its family.
 */
export function decodeSockaddr(bytes: Uint8Array): SocketAddr | undefined {
  if (bytes.length < 8) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const family = view.getUint16(0, littleEndian);
  const port = view.getUint16(2, false);
  if (family === AF_INET) {
    const words = new Uint32Array(4);
    words[3] = view.getUint32(4, false);
    return { ip: formatIp({ family: 4, words }), port };
  }
  if (family === AF_INET6 && bytes.length >= 24) {
    const words = new Uint32Array(4);
    for (let i = 0; i < 4; i++) words[i] = view.getUint32(8 + 4 * i, false);
    return { ip: formatIp({ family: 6, words }), port };
  }
  return undefined;
}

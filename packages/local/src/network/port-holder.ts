import { readdir, readFile, readlink } from 'node:fs/promises';
import type { PortHolder } from '../errors.js';

const LISTEN = '0A';

/** `0100007F` → `127.0.0.1` (the kernel prints IPv4 in host byte order, little-endian here). */
function ipv4FromProcHex(hex: string): string {
  const n = Number.parseInt(hex, 16);
  return [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff].join('.');
}

/** The IPv4 an IPv6 `/proc` address stands for (`::`→`0.0.0.0`, `::ffff:a.b.c.d`→`a.b.c.d`), else undefined. */
function ipv4FromProcHex6(hex: string): string | undefined {
  if (/^0{32}$/.test(hex)) return '0.0.0.0';
  if (/^0{16}FFFF0000[0-9A-F]{8}$/i.test(hex)) return ipv4FromProcHex(hex.slice(24));
  return undefined;
}

/** A listening socket found in `/proc/net/tcp*`. */
export interface ListeningSocket {
  readonly inode: string;
  /** It listens on the wildcard address (0.0.0.0 or ::), which takes the port on every address. */
  readonly everyAddress: boolean;
}

/**
 * The sockets listening on `ip:port` or on the wildcard address of that port (which also takes
 * it), from `/proc/net/tcp` and `/proc/net/tcp6` text.
 */
export function listeningInodes(tcp: string, tcp6: string, ip: string, port: number): ListeningSocket[] {
  const inodes: ListeningSocket[] = [];
  const scan = (text: string, toIpv4: (hex: string) => string | undefined) => {
    for (const line of text.split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f.length < 10 || f[3] !== LISTEN) continue;
      const [addrHex, portHex] = (f[1] ?? '').split(':');
      if (addrHex === undefined || portHex === undefined || Number.parseInt(portHex, 16) !== port) continue;
      const addr = toIpv4(addrHex);
      if (addr === ip || addr === '0.0.0.0') inodes.push({ inode: f[9]!, everyAddress: addr === '0.0.0.0' });
    }
  };
  scan(tcp, ipv4FromProcHex);
  scan(tcp6, ipv4FromProcHex6);
  return inodes;
}

/**
 * Finds the process listening on `ip:port` through `/proc` (Linux). Undefined when there is no
 * `/proc`, nothing listens, or the holder belongs to another user (its descriptors are hidden).
 */
export async function findPortHolder(
  ip: string,
  port: number,
  proc = '/proc',
): Promise<PortHolder | undefined> {
  const read = (path: string) => readFile(path, 'utf8').catch(() => '');
  const sockets = listeningInodes(await read(`${proc}/net/tcp`), await read(`${proc}/net/tcp6`), ip, port);
  if (sockets.length === 0) return undefined;
  const wanted = new Map(sockets.map((s) => [`socket:[${s.inode}]`, s.everyAddress]));
  let pids: string[];
  try {
    pids = (await readdir(proc)).filter((p) => /^\d+$/.test(p));
  } catch {
    return undefined;
  }
  for (const pid of pids) {
    let fds: string[];
    try {
      fds = await readdir(`${proc}/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      const target = await readlink(`${proc}/${pid}/fd/${fd}`).catch(() => '');
      const everyAddress = wanted.get(target);
      if (everyAddress === undefined) continue;
      const cmdline = (await read(`${proc}/${pid}/cmdline`)).split('\0').filter((a) => a !== '');
      return { pid: Number(pid), command: cmdline.join(' ') || '?', everyAddress };
    }
  }
  return undefined;
}

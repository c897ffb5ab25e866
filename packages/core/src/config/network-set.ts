import { ConfigError } from '../errors/index.js';
import { formatIp, type IpAddress, isIpv4Mapped, parseIpInto } from './ip-address.js';
import { splitList } from './list.js';

/** One IP network: an address with its host bits cleared and a prefix length. */
export interface IpNetwork {
  /** The network address (host bits are zero). */
  readonly address: IpAddress;
  /** Prefix length: 0–32 for IPv4, 0–128 for IPv6. */
  readonly prefix: number;
}

const EXPECTED =
  'a comma-separated list of CIDR networks or addresses, e.g. 10.0.0.0/8,fd00::/8 (a bare address means /32 or /128)';

/**
 * A set of IPv4 and IPv6 networks, as in `LINKERD2_PROXY_DESTINATION_PROFILE_NETWORKS`.
 * `contains` answers for IPv4, IPv6 and IPv4-mapped IPv6 text without allocating.
 */
export class NetworkSet {
  /** IPv4 networks as [network, mask] pairs. */
  readonly #v4: Uint32Array;
  /** IPv6 networks as [w0..w3, m0..m3] groups of eight words. */
  readonly #v6: Uint32Array;
  readonly #networks: readonly IpNetwork[];
  readonly #scratch = new Uint32Array(4);

  /** Builds a set from networks; duplicates are removed and host bits cleared. */
  constructor(networks: Iterable<IpNetwork> = []) {
    const unique = new Map<string, IpNetwork>();
    for (const n of networks) {
      const net = normalize(n);
      unique.set(formatNetwork(net), net);
    }
    const list = [...unique.values()].sort(compareNetworks);
    this.#networks = list;
    const v4 = list.filter((n) => n.address.family === 4);
    const v6 = list.filter((n) => n.address.family === 6);
    this.#v4 = new Uint32Array(v4.length * 2);
    v4.forEach((n, i) => {
      this.#v4[2 * i] = n.address.words[3]!;
      this.#v4[2 * i + 1] = maskWord(n.prefix, 0, 32);
    });
    this.#v6 = new Uint32Array(v6.length * 8);
    v6.forEach((n, i) => {
      for (let k = 0; k < 4; k++) {
        this.#v6[8 * i + k] = n.address.words[k]!;
        this.#v6[8 * i + 4 + k] = maskWord(n.prefix, k, 128);
      }
    });
  }

  /** The networks in canonical order (IPv4 first, then by address and prefix). */
  get networks(): readonly IpNetwork[] {
    return this.#networks;
  }

  /** The number of networks. */
  get size(): number {
    return this.#networks.length;
  }

  /**
   * True when `ip` (text) lies in one of the networks. IPv4-mapped IPv6 addresses also match
   * IPv4 networks; a zone suffix (`%eth0`) is ignored. Text that is not an IP gives false.
   */
  contains(ip: string): boolean {
    const zone = ip.indexOf('%');
    const w = this.#scratch;
    const family = parseIpInto(zone >= 0 ? ip.slice(0, zone) : ip, w);
    if (family === 0) return false;
    if (family === 4 || isIpv4Mapped(w)) {
      const v4 = this.#v4;
      const a = w[3]!;
      for (let i = 0; i < v4.length; i += 2) {
        if (((a ^ v4[i]!) & v4[i + 1]!) === 0) return true;
      }
      if (family === 4) return false;
    }
    const v6 = this.#v6;
    for (let i = 0; i < v6.length; i += 8) {
      if (
        ((w[0]! ^ v6[i]!) & v6[i + 4]!) === 0 &&
        ((w[1]! ^ v6[i + 1]!) & v6[i + 5]!) === 0 &&
        ((w[2]! ^ v6[i + 2]!) & v6[i + 6]!) === 0 &&
        ((w[3]! ^ v6[i + 3]!) & v6[i + 7]!) === 0
      ) {
        return true;
      }
    }
    return false;
  }

  /** The canonical text form, e.g. `10.0.0.0/8,fd00::/8`; parsing it gives an equal set. */
  toString(): string {
    return this.#networks.map(formatNetwork).join(',');
  }
}

/** Formats a network as `address/prefix`. */
export function formatNetwork(net: IpNetwork): string {
  return `${formatIp(net.address)}/${net.prefix}`;
}

/**
 * Parses one network: `a.b.c.d/n`, `v6/n`, or a bare address (a /32 or /128). Host bits
 * are cleared, so `10.1.2.3/8` means `10.0.0.0/8`.
 *
 * @throws {ConfigError} naming `variable` when the text is not a network.
 */
export function parseNetwork(text: string, variable = 'network'): IpNetwork {
  const slash = text.indexOf('/');
  const addrText = slash >= 0 ? text.slice(0, slash) : text;
  const words = new Uint32Array(4);
  const family = parseIpInto(addrText, words);
  if (family === 0) throw new ConfigError(variable, text, EXPECTED);
  const max = family === 4 ? 32 : 128;
  let prefix = max;
  if (slash >= 0) {
    const p = text.slice(slash + 1);
    if (!/^\d{1,3}$/.test(p) || Number(p) > max) {
      throw new ConfigError(variable, text, `${EXPECTED}; the prefix length must be 0–${max}`);
    }
    prefix = Number(p);
  }
  return normalize({ address: { family, words }, prefix });
}

/**
 * Parses a comma-separated list of networks (`10.0.0.0/8,fd00::/8`). Entries are trimmed and
 * empty entries ignored, as linkerd2-proxy does, so an empty string is an empty set.
 *
 * @throws {ConfigError} naming `variable` and the offending entry.
 */
export function parseNetworkSet(text: string, variable = 'networks'): NetworkSet {
  const nets: IpNetwork[] = [];
  for (const entry of splitList(text)) {
    try {
      nets.push(parseNetwork(entry, variable));
    } catch (err) {
      throw new ConfigError(variable, text, `${EXPECTED}; ${JSON.stringify(entry)} is not a network`, {
        cause: err,
      });
    }
  }
  return new NetworkSet(nets);
}

function maskWord(prefix: number, index: number, bits: number): number {
  const wordPrefix = Math.min(32, Math.max(0, prefix - (bits === 32 ? 0 : index * 32)));
  return wordPrefix === 0 ? 0 : (0xffffffff << (32 - wordPrefix)) >>> 0;
}

function normalize(net: IpNetwork): IpNetwork {
  const { family } = net.address;
  const words = new Uint32Array(4);
  if (family === 4) {
    words[3] = (net.address.words[3]! & maskWord(net.prefix, 0, 32)) >>> 0;
  } else {
    for (let k = 0; k < 4; k++) words[k] = (net.address.words[k]! & maskWord(net.prefix, k, 128)) >>> 0;
  }
  return { address: { family, words }, prefix: net.prefix };
}

function compareNetworks(a: IpNetwork, b: IpNetwork): number {
  if (a.address.family !== b.address.family) return a.address.family - b.address.family;
  for (let k = 0; k < 4; k++) {
    const d = a.address.words[k]! - b.address.words[k]!;
    if (d !== 0) return d;
  }
  return a.prefix - b.prefix;
}

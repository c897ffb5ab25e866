import { parseIpBytes, type tap } from '@skein/core/proto';
import type { TapAddr, TapRequest } from '../hub/tap-events.js';
import { TapRequestError } from '../tap-errors.js';

type MatchMessage = tap.ObserveRequest.Match.$Properties;

/**
 * A compiled match tree. `needsEndpoint` is true when the answer depends on facts an outbound
 * request only has once the balancer chose an endpoint (the destination address and labels).
 */
export interface TapMatcher {
  /** Whether the request matches. */
  readonly test: (request: TapRequest) => boolean;
  /** Whether the tree looks at the destination address or destination labels. */
  readonly needsEndpoint: boolean;
}

const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'CONNECT', 'HEAD', 'TRACE'];
const SCHEMES = ['http', 'https'];

const ALWAYS: TapMatcher = { test: () => true, needsEndpoint: false };

/**
 * Compiles an `ObserveRequest.Match` (spec §1.5) into a predicate once per Observe call, so that
 * each request runs plain comparisons. An absent match means "every request"; a present match
 * with nothing set, an empty netmask or a string match without a value is refused.
 * @throws {@link TapRequestError} naming the offending part of the tree.
 */
export function compileTapMatch(match: MatchMessage | null | undefined, at = 'match'): TapMatcher {
  if (match === null || match === undefined) return ALWAYS;
  if (match.all != null) {
    const parts = (match.all.matches ?? []).map((m, i) => compileTapMatch(m, `${at}.all[${i}]`));
    return {
      test: (r) => parts.every((p) => p.test(r)),
      needsEndpoint: parts.some((p) => p.needsEndpoint),
    };
  }
  if (match.any != null) {
    const parts = (match.any.matches ?? []).map((m, i) => compileTapMatch(m, `${at}.any[${i}]`));
    return {
      test: (r) => parts.some((p) => p.test(r)),
      needsEndpoint: parts.some((p) => p.needsEndpoint),
    };
  }
  if (match.not != null) {
    const inner = compileTapMatch(match.not, `${at}.not`);
    return { test: (r) => !inner.test(r), needsEndpoint: inner.needsEndpoint };
  }
  if (match.source != null) {
    const tcp = compileTcp(match.source, `${at}.source`);
    return { test: (r) => tcp(r.source), needsEndpoint: false };
  }
  if (match.destination != null) {
    const tcp = compileTcp(match.destination, `${at}.destination`);
    return { test: (r) => tcp(r.destination), needsEndpoint: true };
  }
  if (match.destinationLabel != null) {
    const { key, value } = label(match.destinationLabel, `${at}.destinationLabel`);
    return { test: (r) => r.destinationLabels[key] === value, needsEndpoint: true };
  }
  if (match.routeLabel != null) {
    const { key, value } = label(match.routeLabel, `${at}.routeLabel`);
    return { test: (r) => r.routeLabels[key] === value, needsEndpoint: true };
  }
  if (match.http != null) return { test: compileHttp(match.http, `${at}.http`), needsEndpoint: false };
  throw new TapRequestError(
    `${at}: a match must set one of all, any, not, source, destination, http, destinationLabel or routeLabel`,
  );
}

function label(l: tap.ObserveRequest.Match.Label.$Properties, at: string): { key: string; value: string } {
  if (!l.key) throw new TapRequestError(`${at}.key: expected a label name, got an empty string`);
  return { key: l.key, value: l.value ?? '' };
}

function compileTcp(tcp: tap.ObserveRequest.Match.Tcp.$Properties, at: string): (addr: TapAddr) => boolean {
  if (tcp.ports != null) {
    const min = tcp.ports.min ?? 0;
    const max = tcp.ports.max || min;
    if (min > 65535 || max > 65535 || min > max) {
      throw new TapRequestError(`${at}.ports: expected 0 <= min <= max <= 65535, got min=${min} max=${max}`);
    }
    return (addr) => addr.port >= min && addr.port <= max;
  }
  if (tcp.netmask != null) return compileNetmask(tcp.netmask, `${at}.netmask`);
  throw new TapRequestError(`${at}: a TCP match must set netmask or ports`);
}

function compileNetmask(
  netmask: tap.ObserveRequest.Match.Tcp.Netmask.$Properties,
  at: string,
): (addr: TapAddr) => boolean {
  if (netmask.ip == null) throw new TapRequestError(`${at}.ip: missing`);
  let network: Uint8Array;
  try {
    network = netmask.ip.ipv4 != null ? u32(netmask.ip.ipv4) : v6(netmask.ip.ipv6);
  } catch (cause) {
    throw new TapRequestError(`${at}.ip: not an IPv4 or IPv6 address`, { cause });
  }
  const bits = netmask.mask ?? 0;
  if (bits > network.length * 8) {
    throw new TapRequestError(`${at}.mask: expected 0..${network.length * 8}, got ${bits}`);
  }
  return (addr) => {
    let ip: Uint8Array;
    try {
      ip = parseIpBytes(addr.ip);
    } catch {
      return false;
    }
    if (ip.length === 16 && network.length === 4 && isV4Mapped(ip)) ip = ip.subarray(12);
    if (ip.length !== network.length) return false;
    return prefixEqual(ip, network, bits);
  };
}

function u32(n: number): Uint8Array {
  return Uint8Array.of((n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255);
}

function v6(ip: { first?: unknown; last?: unknown } | null | undefined): Uint8Array {
  if (ip == null) throw new Error('no address');
  const out = new Uint8Array(16);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(String(ip.first ?? 0)));
  view.setBigUint64(8, BigInt(String(ip.last ?? 0)));
  return out;
}

function isV4Mapped(ip: Uint8Array): boolean {
  for (let i = 0; i < 10; i++) if (ip[i] !== 0) return false;
  return ip[10] === 0xff && ip[11] === 0xff;
}

function prefixEqual(a: Uint8Array, b: Uint8Array, bits: number): boolean {
  const whole = bits >> 3;
  for (let i = 0; i < whole; i++) if (a[i] !== b[i]) return false;
  const rest = bits & 7;
  if (rest === 0) return true;
  const mask = (0xff << (8 - rest)) & 0xff;
  return ((a[whole] ?? 0) & mask) === ((b[whole] ?? 0) & mask);
}

function compileHttp(
  http: tap.ObserveRequest.Match.Http.$Properties,
  at: string,
): (r: TapRequest) => boolean {
  if (http.scheme != null) {
    const s = http.scheme;
    const want = s.unregistered != null ? s.unregistered.toLowerCase() : SCHEMES[s.registered ?? 0];
    if (want === undefined)
      throw new TapRequestError(`${at}.scheme: unknown registered scheme ${s.registered}`);
    return (r) => r.scheme.toLowerCase() === want;
  }
  if (http.method != null) {
    const m = http.method;
    const want = m.unregistered != null ? m.unregistered.toUpperCase() : METHODS[m.registered ?? 0];
    if (want === undefined)
      throw new TapRequestError(`${at}.method: unknown registered method ${m.registered}`);
    return (r) => r.method.toUpperCase() === want;
  }
  if (http.authority != null) {
    const sm = stringMatch(http.authority, `${at}.authority`, true);
    return (r) => sm(r.authority.toLowerCase());
  }
  if (http.path != null) {
    const sm = stringMatch(http.path, `${at}.path`, false);
    return (r) => sm(r.path);
  }
  throw new TapRequestError(`${at}: an HTTP match must set scheme, method, authority or path`);
}

function stringMatch(
  m: tap.ObserveRequest.Match.Http.StringMatch.$Properties,
  at: string,
  lower: boolean,
): (value: string) => boolean {
  if (m.exact != null) {
    const want = lower ? m.exact.toLowerCase() : m.exact;
    return (v) => v === want;
  }
  if (m.prefix != null) {
    const want = lower ? m.prefix.toLowerCase() : m.prefix;
    return (v) => v.startsWith(want);
  }
  throw new TapRequestError(`${at}: a string match must set exact or prefix`);
}

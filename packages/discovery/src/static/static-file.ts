import { ConfigError, isDnsName, tryParseIp } from '@skein/core';
import { parse as parseYaml } from 'yaml';
import { type DiscoveredEndpoint, endpointAddress } from '../endpoint.js';

/** One authority of a static discovery file. */
export interface StaticAuthority {
  /** `host:port`, normalized (default port 80). */
  readonly authority: string;
  /** Labels shared by every endpoint (merged into each endpoint's labels). */
  readonly labels: Readonly<Record<string, string>>;
  /** The endpoints. */
  readonly endpoints: readonly DiscoveredEndpoint[];
}

/** A parsed static discovery file: authority → endpoints. */
export interface StaticDiscovery {
  /** Authorities by normalized `host:port`. */
  readonly authorities: ReadonlyMap<string, StaticAuthority>;
}

/**
 * Normalizes an authority to `host:port`: lowercases the host, strips one trailing dot, adds the
 * default port (80) and brackets IPv6 literals. Returns `undefined` when it is not an authority.
 */
export function normalizeAuthority(authority: string, defaultPort = 80): string | undefined {
  let host = authority;
  let port = defaultPort;
  if (host.startsWith('[')) {
    const close = host.indexOf(']');
    if (close < 0) return undefined;
    const rest = host.slice(close + 1);
    host = host.slice(1, close);
    if (rest !== '') {
      if (!/^:\d{1,5}$/.test(rest)) return undefined;
      port = Number(rest.slice(1));
    }
    if (tryParseIp(host) === undefined) return undefined;
  } else {
    const colon = host.lastIndexOf(':');
    if (colon >= 0) {
      if (host.indexOf(':') !== colon) {
        // A bare IPv6 literal without a port.
        if (tryParseIp(host) === undefined) return undefined;
        return endpointAddress(host.toLowerCase(), port);
      }
      const p = host.slice(colon + 1);
      if (!/^\d{1,5}$/.test(p)) return undefined;
      port = Number(p);
      host = host.slice(0, colon);
    }
    if (host.endsWith('.')) host = host.slice(0, -1);
    host = host.toLowerCase();
    if (tryParseIp(host) === undefined && !isDnsName(host)) return undefined;
  }
  if (port < 1 || port > 65535) return undefined;
  return endpointAddress(host, port);
}

/**
 * Parses a static discovery file (YAML or JSON; JSON is YAML):
 *
 * ```yaml
 * authorities:
 *   web.emojivoto.svc.cluster.local:80:
 *     labels: { namespace: emojivoto, service: web }
 *     endpoints:
 *       - address: 127.0.1.2:8080
 *         weight: 10000                      # optional, default 10000
 *         labels: { pod: web-0 }             # optional
 *         identity: web.emojivoto.serviceaccount.identity.linkerd.cluster.local
 *         protocolHint: h2                   # optional: h2 | opaque
 *         opaqueTransportPort: 4143          # optional
 * ```
 *
 * @param source - where the text came from, named in error messages (e.g. the file path).
 * @throws ConfigError naming the offending field, the value and the expected form.
 */
export function parseStaticDiscovery(text: string, source = 'discovery file'): StaticDiscovery {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (err) {
    throw new ConfigError(source, text.slice(0, 40), `valid YAML or JSON (${(err as Error).message})`);
  }
  if (doc === null || doc === undefined) return { authorities: new Map() };
  const root = asObject(doc, source);
  const out = new Map<string, StaticAuthority>();
  const authorities =
    root.authorities === undefined ? {} : asObject(root.authorities, `${source}: authorities`);
  for (const [key, value] of Object.entries(authorities)) {
    const where = `${source}: authorities[${JSON.stringify(key)}]`;
    const authority = normalizeAuthority(key);
    if (authority === undefined) throw new ConfigError(where, key, 'an authority host[:port]');
    const entry = asObject(value ?? {}, where);
    const setLabels = entry.labels === undefined ? {} : asLabels(entry.labels, `${where}.labels`);
    const list = entry.endpoints === undefined ? [] : entry.endpoints;
    if (!Array.isArray(list))
      throw new ConfigError(`${where}.endpoints`, JSON.stringify(list), 'a list of endpoints');
    const endpoints = list.map((e, i) => parseEndpoint(e, `${where}.endpoints[${i}]`, setLabels));
    out.set(authority, { authority, labels: setLabels, endpoints });
  }
  return { authorities: out };
}

function parseEndpoint(value: unknown, where: string, setLabels: Record<string, string>): DiscoveredEndpoint {
  const e = asObject(value, where);
  if (typeof e.address !== 'string') throw new ConfigError(`${where}.address`, String(e.address), 'ip:port');
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|(\d{1,3}(?:\.\d{1,3}){3})):(\d{1,5})$/.exec(e.address);
  const ip = m?.[1] ?? m?.[2];
  const port = Number(m?.[3]);
  if (ip === undefined || tryParseIp(ip) === undefined || !(port >= 1 && port <= 65535)) {
    throw new ConfigError(
      `${where}.address`,
      e.address,
      'an IP address and port, e.g. 10.0.0.1:8080 or [fd00::1]:8080',
    );
  }
  const weight = e.weight === undefined ? 10_000 : e.weight;
  if (typeof weight !== 'number' || !Number.isInteger(weight) || weight < 0 || weight > 2 ** 32 - 1) {
    throw new ConfigError(`${where}.weight`, String(weight), 'an integer between 0 and 4294967295');
  }
  const labels = { ...setLabels, ...(e.labels === undefined ? {} : asLabels(e.labels, `${where}.labels`)) };
  const endpoint: {
    -readonly [K in keyof DiscoveredEndpoint]: DiscoveredEndpoint[K];
  } = { address: endpointAddress(ip.toLowerCase(), port), ip: ip.toLowerCase(), port, weight, labels };
  if (e.identity !== undefined) {
    if (typeof e.identity !== 'string' || !isDnsName(e.identity)) {
      throw new ConfigError(`${where}.identity`, String(e.identity), 'a DNS-like identity name');
    }
    const serverName = e.serverName === undefined ? e.identity : e.serverName;
    if (typeof serverName !== 'string' || !isDnsName(serverName)) {
      throw new ConfigError(`${where}.serverName`, String(serverName), 'a DNS name');
    }
    endpoint.identity = { name: e.identity, serverName };
  }
  if (e.protocolHint !== undefined) {
    if (e.protocolHint !== 'h2' && e.protocolHint !== 'opaque') {
      throw new ConfigError(`${where}.protocolHint`, String(e.protocolHint), '"h2" or "opaque"');
    }
    endpoint.protocolHint = e.protocolHint;
  }
  if (e.opaqueTransportPort !== undefined) {
    const p = e.opaqueTransportPort;
    if (typeof p !== 'number' || !Number.isInteger(p) || p < 1 || p > 65535) {
      throw new ConfigError(`${where}.opaqueTransportPort`, String(p), 'a port number 1-65535');
    }
    endpoint.opaqueTransportPort = p;
  }
  if (e.authorityOverride !== undefined) {
    if (typeof e.authorityOverride !== 'string' || normalizeAuthority(e.authorityOverride) === undefined) {
      throw new ConfigError(
        `${where}.authorityOverride`,
        String(e.authorityOverride),
        'an authority host:port',
      );
    }
    endpoint.authorityOverride = e.authorityOverride;
  }
  return endpoint;
}

function asObject(value: unknown, where: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ConfigError(where, JSON.stringify(value) ?? String(value), 'a mapping');
  }
  return value as Record<string, unknown>;
}

function asLabels(value: unknown, where: string): Record<string, string> {
  const o = asObject(value, where);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(o)) {
    if (!/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(k))
      throw new ConfigError(`${where}.${k}`, k, 'a label name [a-zA-Z_][a-zA-Z0-9_]*');
    if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') {
      throw new ConfigError(`${where}.${k}`, JSON.stringify(v), 'a string');
    }
    out[k] = String(v);
  }
  return out;
}

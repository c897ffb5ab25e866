import { ConfigError, isDnsName, type ServiceProfile, tryParseIp } from '@skein/core';
import { parse as parseYaml } from 'yaml';
import { type DiscoveredEndpoint, endpointAddress } from '../endpoint.js';
import { parseStaticPolicy, STATIC_POLICY_FIELDS, type StaticPolicy } from '../policy/static-policy.js';
import { parseStaticProfiles } from './static-profiles.js';
import {
  parseStaticServices,
  type StaticMesh,
  type StaticService,
  staticServiceEndpoint,
} from './static-services.js';
import { asDnsName, asLabels, asName, asObject } from './yaml-fields.js';

/** One authority of a static discovery file. */
export interface StaticAuthority {
  /** `host:port`, normalized (default port 80). */
  readonly authority: string;
  /** Labels shared by every endpoint (merged into each endpoint's labels). */
  readonly labels: Readonly<Record<string, string>>;
  /** The endpoints. */
  readonly endpoints: readonly DiscoveredEndpoint[];
}

/** A parsed static discovery file: authority → endpoints, plus the services and profiles it declares. */
export interface StaticDiscovery {
  /**
   * Authorities by normalized `host:port`: those of the `authorities` section and those the
   * `services` section expands to (`<svc>.<ns>.svc.<domain>:<port>` and
   * `<hostname>.<svc>.<ns>.svc.<domain>:<port>`).
   */
  readonly authorities: ReadonlyMap<string, StaticAuthority>;
  /** Services of the `services` section by `namespace/name` (absent in files without one). */
  readonly services?: ReadonlyMap<string, StaticService>;
  /** ServiceProfiles of the `profiles` section (absent in files without one). */
  readonly profiles?: readonly ServiceProfile[];
  /** The mesh facts services were expanded with. */
  readonly mesh?: StaticMesh;
  /** The policy sections (`servers`, `authorizationPolicies`, …), absent in files without them. */
  readonly policy?: StaticPolicy;
}

const ROOT_FIELDS = [
  'authorities',
  'services',
  'profiles',
  'clusterDomain',
  'identityTrustDomain',
  'controlPlaneNamespace',
  ...STATIC_POLICY_FIELDS,
];

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
 * clusterDomain: cluster.local               # optional; with the two below, how services expand
 * identityTrustDomain: cluster.local         # optional
 * controlPlaneNamespace: linkerd             # optional
 * services:                                  # described like Kubernetes services; each port
 *   - name: web                              # becomes an authority in `authorities`
 *     namespace: emojivoto
 *     ports: [80, { port: 8080, targetPort: 8081 }]
 *     opaquePorts: "3306"                    # optional; default: Linkerd's default opaque ports
 *     endpoints:
 *       - { ip: 127.0.1.2, pod: web-0, serviceAccount: web, meshed: true, hostname: web-0 }
 * profiles:                                  # ServiceProfile objects, for GetProfile
 *   - apiVersion: linkerd.io/v1alpha2
 *     kind: ServiceProfile
 *     metadata: { name: web.emojivoto.svc.cluster.local, namespace: emojivoto }
 *     spec: { routes: [{ name: home, condition: { method: GET, pathRegex: / } }] }
 * servers: []                                # optional policy sections (`parseStaticPolicy`):
 * authorizationPolicies: []                  # also serverAuthorizations, meshTLSAuthentications,
 *                                            # networkAuthentications, defaultInboundPolicy
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
  for (const k of Object.keys(root)) {
    if (!ROOT_FIELDS.includes(k))
      throw new ConfigError(`${source}: ${k}`, k, `one of the fields ${ROOT_FIELDS.join(', ')}`);
  }
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
  const policy = parseStaticPolicy(root, source);
  const extended = ['services', 'profiles', 'clusterDomain', 'identityTrustDomain', 'controlPlaneNamespace'];
  if (extended.every((k) => root[k] === undefined)) {
    return policy === undefined ? { authorities: out } : { authorities: out, policy };
  }
  const mesh: StaticMesh = {
    clusterDomain:
      root.clusterDomain === undefined
        ? 'cluster.local'
        : asDnsName(root.clusterDomain, `${source}: clusterDomain`),
    identityTrustDomain:
      root.identityTrustDomain === undefined
        ? 'cluster.local'
        : asDnsName(root.identityTrustDomain, `${source}: identityTrustDomain`),
    controlPlaneNamespace:
      root.controlPlaneNamespace === undefined
        ? 'linkerd'
        : asName(root.controlPlaneNamespace, `${source}: controlPlaneNamespace`),
  };
  const services = new Map<string, StaticService>();
  for (const svc of parseStaticServices(root.services, mesh, `${source}: services`)) {
    services.set(`${svc.namespace}/${svc.name}`, svc);
    const labels = { namespace: svc.namespace, service: svc.name };
    for (const port of svc.ports) {
      const ready = svc.endpoints.filter((e) => e.ready);
      const add = (host: string, eps: typeof ready) => {
        const authority = `${host}:${port.port}`;
        if (out.has(authority)) {
          throw new ConfigError(
            `${source}: services (${svc.namespace}/${svc.name})`,
            authority,
            'an authority not also listed in authorities',
          );
        }
        const endpoints = eps.map((e) => staticServiceEndpoint(svc, port, e, mesh));
        out.set(authority, { authority, labels, endpoints });
      };
      add(svc.fqdn, ready);
      for (const e of ready) if (e.hostname !== undefined) add(`${e.hostname}.${svc.fqdn}`, [e]);
    }
  }
  return {
    authorities: out,
    services,
    profiles: parseStaticProfiles(root.profiles, `${source}: profiles`),
    mesh,
    ...(policy === undefined ? {} : { policy }),
  };
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

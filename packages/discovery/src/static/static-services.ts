import { ConfigError, type PortSet, parsePortSet, tryParseIp } from '@skein/core';
import { type DiscoveredEndpoint, endpointAddress } from '../endpoint.js';
import { DEFAULT_OPAQUE_PORTS } from '../opaque-ports.js';
import { asBool, asLabels, asName, asObject, asPort, checkKeys } from './yaml-fields.js';

/** Mesh facts the `services` section is expanded with (top-level fields of the discovery file). */
export interface StaticMesh {
  /** `clusterDomain` (default `cluster.local`). */
  readonly clusterDomain: string;
  /** `identityTrustDomain` (default `cluster.local`). */
  readonly identityTrustDomain: string;
  /** `controlPlaneNamespace` (default `linkerd`). */
  readonly controlPlaneNamespace: string;
}

/** One port of a static service. */
export interface StaticServicePort {
  /** The service port clients use. */
  readonly port: number;
  /** The port the endpoints listen on (default: `port`). */
  readonly targetPort: number;
  /** Whether the port is opaque (no protocol detection). */
  readonly opaque: boolean;
}

/** One endpoint of a static service, before expansion. */
export interface StaticServiceEndpoint {
  /** IP address. */
  readonly ip: string;
  /** Pod name (the `pod` metric label). */
  readonly pod?: string;
  /** Hostname: also reachable as `<hostname>.<service>.<namespace>.svc.<domain>`. */
  readonly hostname?: string;
  /** Service account (default `default`): the identity's first label. */
  readonly serviceAccount: string;
  /** Whether a Skein/Linkerd proxy fronts it (identity, H2 or opaque transport). */
  readonly meshed: boolean;
  /** The proxy's inbound port for opaque transport (default 4143). */
  readonly inboundPort: number;
  /** Whether it is ready (unready endpoints are not served). */
  readonly ready: boolean;
  /** Extra metric labels. */
  readonly labels: Readonly<Record<string, string>>;
  /** Zone (the `zone` label). */
  readonly zone?: string;
}

/** A service of the `services` section. */
export interface StaticService {
  /** Namespace. */
  readonly namespace: string;
  /** Name. */
  readonly name: string;
  /** `<name>.<namespace>.svc.<clusterDomain>`. */
  readonly fqdn: string;
  /** Ports. */
  readonly ports: readonly StaticServicePort[];
  /** Endpoints as written (unready ones included). */
  readonly endpoints: readonly StaticServiceEndpoint[];
}

const SERVICE_FIELDS = ['name', 'namespace', 'ports', 'opaquePorts', 'endpoints'];
const PORT_FIELDS = ['port', 'targetPort', 'name'];
const ENDPOINT_FIELDS = [
  'ip',
  'pod',
  'hostname',
  'serviceAccount',
  'meshed',
  'inboundPort',
  'ready',
  'labels',
  'zone',
];

function parsePorts(value: unknown, opaque: PortSet, where: string): StaticServicePort[] {
  if (!Array.isArray(value) || value.length === 0) {
    throw new ConfigError(where, JSON.stringify(value) ?? String(value), 'a non-empty list of ports');
  }
  return value.map((p, i) => {
    const at = `${where}[${i}]`;
    if (typeof p === 'number') return { port: asPort(p, at), targetPort: p, opaque: opaque.has(p) };
    const o = asObject(p, at);
    checkKeys(o, PORT_FIELDS, at);
    const port = asPort(o.port, `${at}.port`);
    const targetPort = o.targetPort === undefined ? port : asPort(o.targetPort, `${at}.targetPort`);
    return { port, targetPort, opaque: opaque.has(port) };
  });
}

function parseEndpoint(value: unknown, where: string): StaticServiceEndpoint {
  const o = asObject(value, where);
  checkKeys(o, ENDPOINT_FIELDS, where);
  if (typeof o.ip !== 'string' || tryParseIp(o.ip) === undefined) {
    throw new ConfigError(`${where}.ip`, String(o.ip), 'an IP address');
  }
  const str = (k: string) => {
    const v = o[k];
    if (v === undefined) return undefined;
    if (typeof v !== 'string' || v === '')
      throw new ConfigError(`${where}.${k}`, String(v), 'a non-empty string');
    return v;
  };
  const pod = str('pod');
  const hostname = o.hostname === undefined ? undefined : asName(o.hostname, `${where}.hostname`);
  const zone = str('zone');
  return {
    ip: o.ip.toLowerCase(),
    ...(pod === undefined ? {} : { pod }),
    ...(hostname === undefined ? {} : { hostname }),
    ...(zone === undefined ? {} : { zone }),
    serviceAccount: str('serviceAccount') ?? 'default',
    meshed: o.meshed === undefined ? false : asBool(o.meshed, `${where}.meshed`),
    inboundPort: o.inboundPort === undefined ? 4143 : asPort(o.inboundPort, `${where}.inboundPort`),
    ready: o.ready === undefined ? true : asBool(o.ready, `${where}.ready`),
    labels: o.labels === undefined ? {} : asLabels(o.labels, `${where}.labels`),
  };
}

/** Parses the `services` section. */
export function parseStaticServices(value: unknown, mesh: StaticMesh, where: string): StaticService[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new ConfigError(where, JSON.stringify(value), 'a list of services');
  const seen = new Set<string>();
  return value.map((v, i) => {
    const at = `${where}[${i}]`;
    const o = asObject(v, at);
    checkKeys(o, SERVICE_FIELDS, at);
    const name = asName(o.name, `${at}.name`);
    const namespace = o.namespace === undefined ? 'default' : asName(o.namespace, `${at}.namespace`);
    if (seen.has(`${namespace}/${name}`)) {
      throw new ConfigError(`${at}.name`, name, `a service not already listed in namespace ${namespace}`);
    }
    seen.add(`${namespace}/${name}`);
    let opaque: PortSet;
    const text = o.opaquePorts === undefined ? DEFAULT_OPAQUE_PORTS : String(o.opaquePorts);
    try {
      opaque = parsePortSet(text, `${at}.opaquePorts`);
    } catch (err) {
      throw new ConfigError(`${at}.opaquePorts`, text, 'a port list such as 3306,8000-8100', { cause: err });
    }
    const endpoints = o.endpoints === undefined ? [] : o.endpoints;
    if (!Array.isArray(endpoints)) {
      throw new ConfigError(`${at}.endpoints`, JSON.stringify(endpoints), 'a list of endpoints');
    }
    return {
      namespace,
      name,
      fqdn: `${name}.${namespace}.svc.${mesh.clusterDomain}`,
      ports: parsePorts(o.ports, opaque, `${at}.ports`),
      endpoints: endpoints.map((e, j) => parseEndpoint(e, `${at}.endpoints[${j}]`)),
    };
  });
}

/**
 * The endpoint a static service endpoint becomes on one port, described the way the Kubernetes
 * backend describes a pod: labels, and for meshed endpoints the identity
 * `<sa>.<ns>.serviceaccount.identity.<cpns>.<td>` and the `h2` or `opaque` hint.
 */
export function staticServiceEndpoint(
  svc: StaticService,
  port: StaticServicePort,
  ep: StaticServiceEndpoint,
  mesh: StaticMesh,
): DiscoveredEndpoint {
  const labels: Record<string, string> = { namespace: svc.namespace, service: svc.name };
  if (ep.pod !== undefined) labels.pod = ep.pod;
  labels.serviceaccount = ep.serviceAccount;
  if (ep.meshed) labels.control_plane_ns = mesh.controlPlaneNamespace;
  if (ep.zone !== undefined) labels.zone = ep.zone;
  Object.assign(labels, ep.labels);
  const out: { -readonly [K in keyof DiscoveredEndpoint]: DiscoveredEndpoint[K] } = {
    address: endpointAddress(ep.ip, port.targetPort),
    ip: ep.ip,
    port: port.targetPort,
    weight: 10_000,
    labels,
  };
  if (ep.meshed) {
    const name = `${ep.serviceAccount}.${svc.namespace}.serviceaccount.identity.${mesh.controlPlaneNamespace}.${mesh.identityTrustDomain}`;
    out.identity = { name, serverName: name };
    out.protocolHint = port.opaque ? 'opaque' : 'h2';
    if (port.opaque) out.opaqueTransportPort = ep.inboundPort;
  }
  return out;
}

import { LabelSet } from './label-set.js';

/** Traffic direction, the first label of every Linkerd proxy series. */
export type Direction = 'inbound' | 'outbound';

/** The original destination of a connection. */
export interface TargetAddr {
  /** IP address text (IPv6 without brackets). */
  readonly ip: string;
  /** Port. */
  readonly port: number;
}

/** TLS labels of an outbound (client-side) series. */
export type OutboundTls =
  | { readonly tls: 'true'; readonly serverId: string }
  | { readonly tls: 'no_identity'; readonly reason: string };

/** TLS labels of an inbound (server-side) series. */
export type InboundTls =
  | { readonly tls: 'true'; readonly clientId: string }
  | { readonly tls: 'opaque'; readonly sni: string }
  | {
      readonly tls: 'no_identity';
      readonly reason: 'loopback' | 'no_tls_from_remote' | 'port_skipped' | (string & {});
    }
  | { readonly tls: 'disabled' };

/** A Kubernetes resource reference as the policy labels carry it (`srv_*`, `route_*`, `authz_*`). */
export interface ResourceRef {
  /** API group (`policy.linkerd.io`, or `""` for built-in defaults). */
  readonly group: string;
  /** Kind (`server`, `default`, …). */
  readonly kind: string;
  /** Name. */
  readonly name: string;
}

/** A server reference adds the port it serves. */
export interface ServerRef extends ResourceRef {
  /** The port (`srv_port`). */
  readonly port: number;
}

/** Label name/value pairs, in the order they are written. */
export type LabelPairs = [name: string, value: string][];

/** `target_addr`, `target_ip`, `target_port` (IPv6 addresses are bracketed in `target_addr`). */
export function targetPairs(target: TargetAddr): LabelPairs {
  const addr = target.ip.includes(':') ? `[${target.ip}]:${target.port}` : `${target.ip}:${target.port}`;
  return [
    ['target_addr', addr],
    ['target_ip', target.ip],
    ['target_port', String(target.port)],
  ];
}

/** `tls` followed by `server_id`, `client_id`, `sni` or `no_tls_reason` as the status requires. */
export function tlsPairs(status: OutboundTls | InboundTls): LabelPairs {
  switch (status.tls) {
    case 'true':
      return 'serverId' in status
        ? [
            ['tls', 'true'],
            ['server_id', status.serverId],
          ]
        : [
            ['tls', 'true'],
            ['client_id', status.clientId],
          ];
    case 'opaque':
      return [
        ['tls', 'opaque'],
        ['sni', status.sni],
      ];
    case 'no_identity':
      return [
        ['tls', 'no_identity'],
        ['no_tls_reason', status.reason],
      ];
    case 'disabled':
      return [['tls', 'disabled']];
  }
}

function refPairs(prefix: string, ref: ResourceRef | undefined): LabelPairs {
  if (ref === undefined) return [];
  return [
    [`${prefix}_group`, ref.group],
    [`${prefix}_kind`, ref.kind],
    [`${prefix}_name`, ref.name],
  ];
}

function prefixedPairs(prefix: string, labels: Readonly<Record<string, string>> | undefined): LabelPairs {
  if (labels === undefined) return [];
  return Object.keys(labels)
    .sort()
    .map((k) => [`${prefix}${k}`, labels[k]!]);
}

/** Labels of an outbound HTTP endpoint. */
export interface OutboundEndpointLabels {
  /** The request authority, when known. */
  readonly authority?: string;
  /** The endpoint address. */
  readonly target: TargetAddr;
  /** TLS status towards the endpoint. */
  readonly tls: OutboundTls;
  /** Endpoint metric labels from discovery, rendered as `dst_<key>` sorted by key. */
  readonly dst?: Readonly<Record<string, string>>;
}

/**
 * Outbound endpoint labels in Linkerd's order: `direction="outbound"`, `authority`, target labels,
 * TLS labels, then `dst_*` sorted by key.
 */
export function outboundEndpointLabels(o: OutboundEndpointLabels): LabelSet {
  return LabelSet.of([
    ['direction', 'outbound'],
    ...(o.authority === undefined ? [] : ([['authority', o.authority]] as LabelPairs)),
    ...targetPairs(o.target),
    ...tlsPairs(o.tls),
    ...prefixedPairs('dst_', o.dst),
  ]);
}

/** Labels of an inbound HTTP target. */
export interface InboundEndpointLabels {
  /** The request authority; Linkerd only adds it with `INBOUND_METRICS_AUTHORITY_LABELS=unsafe`. */
  readonly authority?: string;
  /** The local address the connection was made to. */
  readonly target: TargetAddr;
  /** TLS status of the client connection. */
  readonly tls: InboundTls;
  /** The policy server (`srv_*`). */
  readonly server?: ServerRef;
  /** The matched route (`route_*`). */
  readonly route?: ResourceRef;
  /** The authorization that allowed the request (`authz_*`). */
  readonly authz?: ResourceRef;
}

/**
 * Inbound labels in Linkerd's order: `direction="inbound"`, `authority`, target labels, TLS
 * labels, then `srv_{group,kind,name,port}`, `route_{group,kind,name}`, `authz_{group,kind,name}`.
 */
export function inboundEndpointLabels(o: InboundEndpointLabels): LabelSet {
  return LabelSet.of([
    ['direction', 'inbound'],
    ...(o.authority === undefined ? [] : ([['authority', o.authority]] as LabelPairs)),
    ...targetPairs(o.target),
    ...tlsPairs(o.tls),
    ...serverPairs(o.server),
    ...refPairs('route', o.route),
    ...refPairs('authz', o.authz),
  ]);
}

function serverPairs(server: ServerRef | undefined): LabelPairs {
  return server === undefined ? [] : [...refPairs('srv', server), ['srv_port', String(server.port)]];
}

/** Labels of a ServiceProfile route: `direction`, `dst="fqdn:port"`, then `rt_*` sorted by key. */
export function routeLabels(o: {
  readonly direction: Direction;
  readonly dst: string;
  readonly routeLabels?: Readonly<Record<string, string>>;
}): LabelSet {
  return LabelSet.of([['direction', o.direction], ['dst', o.dst], ...prefixedPairs('rt_', o.routeLabels)]);
}

/** Labels of a control-plane client (`control_*` metrics): `addr`. */
export function controlLabels(addr: string): LabelSet {
  return LabelSet.of([['addr', addr]]);
}

/**
 * Server-side TCP labels: `direction`, `peer="src"`, target labels, TLS labels, and `srv_*` on
 * inbound.
 */
export function tcpServerLabels(o: {
  readonly direction: Direction;
  readonly target?: TargetAddr;
  readonly tls: InboundTls;
  readonly server?: ServerRef;
}): LabelSet {
  return LabelSet.of([
    ['direction', o.direction],
    ['peer', 'src'],
    ...(o.target === undefined ? [] : targetPairs(o.target)),
    ...tlsPairs(o.tls),
    ...serverPairs(o.server),
  ]);
}

/** Client-side TCP labels: `direction="outbound"`, `peer="dst"`, target, TLS, then `dst_*`. */
export function tcpClientLabels(o: {
  readonly target?: TargetAddr;
  readonly tls: OutboundTls;
  readonly dst?: Readonly<Record<string, string>>;
}): LabelSet {
  return LabelSet.of([
    ['direction', 'outbound'],
    ['peer', 'dst'],
    ...(o.target === undefined ? [] : targetPairs(o.target)),
    ...tlsPairs(o.tls),
    ...prefixedPairs('dst_', o.dst),
  ]);
}

/** Labels of the inbound authorization counters: target labels, `srv_*`, `route_*`, `authz_*`, TLS. */
export function authzLabels(o: {
  readonly target: TargetAddr;
  readonly server: ServerRef;
  readonly route?: ResourceRef;
  readonly authz?: ResourceRef;
  readonly tls: InboundTls;
}): LabelSet {
  return LabelSet.of([
    ...targetPairs(o.target),
    ...serverPairs(o.server),
    ...refPairs('route', o.route),
    ...refPairs('authz', o.authz),
    ...tlsPairs(o.tls),
  ]);
}

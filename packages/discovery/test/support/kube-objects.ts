import type { V1EndpointSlice, V1Pod, V1Service } from '@kubernetes/client-node';

/** A Service with one or more ports (`{ port, name?, targetPort? }`). */
export function service(
  namespace: string,
  name: string,
  ports: Array<{ port: number; name?: string; targetPort?: number | string }>,
  extra: { clusterIP?: string; annotations?: Record<string, string>; spec?: Record<string, unknown> } = {},
): V1Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace, ...(extra.annotations ? { annotations: extra.annotations } : {}) },
    spec: {
      ...(extra.clusterIP ? { clusterIP: extra.clusterIP, clusterIPs: [extra.clusterIP] } : {}),
      ports: ports.map((p) => ({ protocol: 'TCP', ...p })),
      ...extra.spec,
    },
  };
}

/** One EndpointSlice endpoint. */
export interface SliceEndpoint {
  ip: string;
  pod?: string;
  ready?: boolean;
  nodeName?: string;
  zone?: string;
  hints?: string[];
  hostname?: string;
}

/** An EndpointSlice of a service, as the EndpointSlice controller writes it. */
export function slice(
  namespace: string,
  svc: string,
  name: string,
  ports: Array<{ name?: string; port: number }>,
  endpoints: SliceEndpoint[],
  addressType: 'IPv4' | 'IPv6' = 'IPv4',
): V1EndpointSlice {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name, namespace, labels: { 'kubernetes.io/service-name': svc } },
    addressType,
    ports: ports.map((p) => ({ protocol: 'TCP', name: p.name ?? '', port: p.port })),
    endpoints: endpoints.map((e) => ({
      addresses: [e.ip],
      conditions: { ready: e.ready ?? true },
      ...(e.pod ? { targetRef: { kind: 'Pod', name: e.pod, namespace } } : {}),
      ...(e.nodeName ? { nodeName: e.nodeName } : {}),
      ...(e.zone ? { zone: e.zone } : {}),
      ...(e.hostname ? { hostname: e.hostname } : {}),
      ...(e.hints ? { hints: { forZones: e.hints.map((z) => ({ name: z })) } } : {}),
    })),
  };
}

/** Options of {@link pod}. */
export interface PodOptions {
  ip: string;
  ips?: string[];
  /** Mesh the pod: the injector's label and proxy container. */
  meshed?: string | false;
  serviceAccount?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  owner?: { kind: string; name: string };
  phase?: string;
  nodeName?: string;
  hostname?: string;
  containerPorts?: Array<{ name: string; containerPort: number }>;
  inboundPort?: number;
}

/** A Pod with its status (IP, phase), as the kubelet would report it. */
export function pod(namespace: string, name: string, o: PodOptions): V1Pod {
  const meshed = o.meshed === undefined ? 'linkerd' : o.meshed;
  const containers: NonNullable<V1Pod['spec']>['containers'] = [
    { name: 'app', image: 'app', ports: o.containerPorts ?? [] },
  ];
  if (meshed) {
    containers.push({
      name: 'linkerd-proxy',
      image: 'proxy',
      env: [
        { name: 'LINKERD2_PROXY_INBOUND_LISTEN_ADDR', value: `0.0.0.0:${o.inboundPort ?? 4143}` },
        { name: 'LINKERD2_PROXY_ADMIN_LISTEN_ADDR', value: '0.0.0.0:4191' },
        { name: 'LINKERD2_PROXY_CONTROL_LISTEN_ADDR', value: '0.0.0.0:4190' },
      ],
    });
  }
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace,
      labels: { ...(meshed ? { 'linkerd.io/control-plane-ns': meshed } : {}), ...o.labels },
      ...(o.annotations ? { annotations: o.annotations } : {}),
      ...(o.owner
        ? {
            ownerReferences: [
              {
                apiVersion: 'apps/v1',
                kind: o.owner.kind,
                name: o.owner.name,
                uid: `uid-${o.owner.name}`,
                controller: true,
              },
            ],
          }
        : {}),
    },
    spec: {
      containers,
      ...(o.serviceAccount ? { serviceAccountName: o.serviceAccount } : {}),
      ...(o.nodeName ? { nodeName: o.nodeName } : {}),
      ...(o.hostname ? { hostname: o.hostname } : {}),
    },
    status: {
      phase: o.phase ?? 'Running',
      podIP: o.ip,
      podIPs: (o.ips ?? [o.ip]).map((ip) => ({ ip })),
    },
  };
}

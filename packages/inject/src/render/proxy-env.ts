import type { EnvVar } from '../k8s/types.js';
import type { ProxyParams } from '../values/types.js';
import { type RenderContext, trustDomain } from './render-context.js';

const L = 'LINKERD2_PROXY_';
const POLICY_WORKLOAD = '{"ns":"$(_pod_ns)", "pod":"$(_pod_name)"}\n';
const DESTINATION_CONTEXT = '{"ns":"$(_pod_ns)", "nodeName":"$(_pod_nodeName)", "pod":"$(_pod_name)"}\n';

function field(name: string, fieldPath: string): EnvVar {
  return { name, valueFrom: { fieldRef: { fieldPath } } };
}

/** An env var; an empty value is left out, as Kubernetes serializes it. */
function env(name: string, value: string): EnvVar {
  return value === '' ? { name } : { name, value };
}

/** `keepAliveInterval` → `KEEP_ALIVE_INTERVAL`, `http2` → `HTTP2`. */
function snake(key: string): string {
  return key.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();
}

/** Go templates range over map keys in byte order. */
function byteOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function pushParams(out: EnvVar[], direction: string, params: ProxyParams): void {
  for (const scope of Object.keys(params).sort(byteOrder)) {
    const protos = params[scope]!;
    for (const proto of Object.keys(protos).sort(byteOrder)) {
      const leaves = protos[proto]!;
      for (const param of Object.keys(leaves).sort(byteOrder)) {
        out.push(
          env(`${L}${direction}_${snake(scope)}_${snake(proto)}_${snake(param)}`, String(leaves[param])),
        );
      }
    }
  }
}

function pushTracing(out: EnvVar[], ctx: RenderContext, td: string): void {
  const tracing = ctx.values.proxy.tracing;
  if (!tracing.enabled) return;
  out.push(env(`${L}TRACE_ATTRIBUTES_PATH`, '/var/run/linkerd/podinfo/labels'));
  out.push(env(`${L}TRACE_ANNOTATIONS_PATH`, '/var/run/linkerd/podinfo/annotations'));
  out.push(env(`${L}TRACE_PROTOCOL`, 'opentelemetry'));
  out.push(env(`${L}TRACE_SERVICE_NAME`, tracing.traceServiceName));
  out.push(env(`${L}TRACE_COLLECTOR_SVC_ADDR`, tracing.collector.endpoint));
  const mesh = tracing.collector.meshIdentity;
  if (mesh.serviceAccountName !== '') {
    const ns = ctx.controlPlaneNamespace;
    out.push(
      env(
        `${L}TRACE_COLLECTOR_SVC_NAME`,
        `${mesh.serviceAccountName}.${mesh.namespace}.serviceaccount.identity.${ns}.${td}`,
      ),
    );
  }
  const attributes = { ...tracing.labels, ...ctx.traceAttributes };
  const lines = Object.keys(attributes)
    .sort(byteOrder)
    .map((k) => `${k}=${attributes[k]}\n`)
    .join('');
  out.push(env(`${L}TRACE_EXTRA_ATTRIBUTES`, lines));
}

/**
 * The environment of the proxy container, in the order of Linkerd's `_proxy.tpl`: pod helpers,
 * runtime and logging, destination and policy, timeouts, listeners, modes, tracing, generated
 * parameters, opaque ports and context, identity, then the tail (access log, shutdown grace,
 * additional env).
 */
export function renderProxyEnv(ctx: RenderContext): EnvVar[] {
  const v = ctx.values;
  const p = v.proxy;
  const ns = ctx.controlPlaneNamespace;
  const dom = v.clusterDomain;
  const td = trustDomain(v);
  const any = v.disableIPv6 ? '0.0.0.0' : '[::]';
  const workers = p.runtime.workers;
  const out: EnvVar[] = [
    field('_pod_name', 'metadata.name'),
    field('_pod_ns', 'metadata.namespace'),
    field('_pod_uid', 'metadata.uid'),
    field('_pod_ip', 'status.podIP'),
    field('_pod_nodeName', 'spec.nodeName'),
    env('_pod_containerName', 'linkerd-proxy'),
  ];
  const cores = p.cores ?? workers.minimum;
  if (cores) out.push(env(`${L}CORES`, String(cores)));
  if (workers.minimum) out.push(env(`${L}CORES_MIN`, String(workers.minimum)));
  if (workers.maximum !== null) out.push(env(`${L}CORES_MAX`, String(workers.maximum)));
  if (workers.maximumCPURatio !== null) out.push(env(`${L}CORES_MAX_RATIO`, String(workers.maximumCPURatio)));
  if (p.requireIdentityOnInboundPorts !== '') {
    out.push(env(`${L}INBOUND_PORTS_REQUIRE_IDENTITY`, p.requireIdentityOnInboundPorts));
    out.push(env(`${L}INBOUND_PORTS_REQUIRE_TLS`, p.requireIdentityOnInboundPorts));
  }
  const headers = p.logHTTPHeaders === 'insecure' ? '' : ',[{headers}]=off,[{request}]=off';
  out.push(
    env(`${L}SHUTDOWN_ENDPOINT_ENABLED`, String(p.enableShutdownEndpoint)),
    env(`${L}LOG`, `${p.logLevel}${headers}`),
    env(`${L}LOG_FORMAT`, p.logFormat),
    env(`${L}DESTINATION_SVC_ADDR`, `linkerd-dst-headless.${ns}.svc.${dom}.:8086`),
    env(`${L}DESTINATION_PROFILE_NETWORKS`, v.clusterNetworks),
    env(`${L}POLICY_SVC_ADDR`, `linkerd-policy.${ns}.svc.${dom}.:8090`),
    env(`${L}POLICY_WORKLOAD`, POLICY_WORKLOAD),
    env(`${L}INBOUND_DEFAULT_POLICY`, p.defaultInboundPolicy),
    env(`${L}POLICY_CLUSTER_NETWORKS`, v.clusterNetworks),
    env(`${L}CONTROL_STREAM_INITIAL_TIMEOUT`, p.control.streams.initialTimeout),
    env(`${L}CONTROL_STREAM_IDLE_TIMEOUT`, p.control.streams.idleTimeout),
    env(`${L}CONTROL_STREAM_LIFETIME`, p.control.streams.lifetime),
    env(`${L}INBOUND_CONNECT_TIMEOUT`, p.inboundConnectTimeout),
    env(`${L}OUTBOUND_CONNECT_TIMEOUT`, p.outboundConnectTimeout),
    env(`${L}OUTBOUND_DISCOVERY_IDLE_TIMEOUT`, p.outboundDiscoveryCacheUnusedTimeout),
    env(`${L}INBOUND_DISCOVERY_IDLE_TIMEOUT`, p.inboundDiscoveryCacheUnusedTimeout),
  );
  if (p.disableOutboundProtocolDetectTimeout) out.push(env(`${L}OUTBOUND_DETECT_TIMEOUT`, '365d'));
  if (p.disableInboundProtocolDetectTimeout) out.push(env(`${L}INBOUND_DETECT_TIMEOUT`, '365d'));
  const outbound = `127.0.0.1:${p.ports.outbound}`;
  out.push(
    env(`${L}CONTROL_LISTEN_ADDR`, `${any}:${p.ports.control}`),
    env(`${L}ADMIN_LISTEN_ADDR`, `${any}:${p.ports.admin}`),
    env(`${L}OUTBOUND_LISTEN_ADDR`, outbound),
    env(`${L}OUTBOUND_LISTEN_ADDRS`, v.disableIPv6 ? outbound : `${outbound},[::1]:${p.ports.outbound}`),
    env(`${L}INBOUND_LISTEN_ADDR`, `${any}:${p.ports.inbound}`),
    field(`${L}INBOUND_IPS`, 'status.podIPs'),
    env(`${L}INBOUND_PORTS`, ctx.podInboundPorts),
  );
  if (p.isGateway) out.push(env(`${L}INBOUND_GATEWAY_SUFFIXES`, `svc.${dom}.`));
  if (p.isIngress) out.push(env(`${L}INGRESS_MODE`, 'true'));
  out.push(
    env(`${L}DESTINATION_PROFILE_SUFFIXES`, p.enableExternalProfiles ? '.' : `svc.${dom}.`),
    env(`${L}INBOUND_ACCEPT_KEEPALIVE`, '10000ms'),
    env(`${L}OUTBOUND_CONNECT_KEEPALIVE`, '10000ms'),
    env(`${L}INBOUND_ACCEPT_USER_TIMEOUT`, '30s'),
    env(`${L}OUTBOUND_CONNECT_USER_TIMEOUT`, '30s'),
    env(`${L}OUTBOUND_METRICS_HOSTNAME_LABELS`, String(p.metrics.hostnameLabels)),
  );
  pushTracing(out, ctx, td);
  pushParams(out, 'INBOUND', p.inbound);
  pushParams(out, 'OUTBOUND', p.outbound);
  if (p.opaquePorts !== '') out.push(env(`${L}INBOUND_PORTS_DISABLE_PROTOCOL_DETECTION`, p.opaquePorts));
  const projected = v.identity.serviceAccountTokenProjection;
  const destinationName = `linkerd-destination.${ns}.serviceaccount.identity.${ns}.${td}`;
  out.push(
    env(`${L}DESTINATION_CONTEXT`, DESTINATION_CONTEXT),
    field('_pod_sa', 'spec.serviceAccountName'),
    env('_l5d_ns', ns),
    env('_l5d_trustdomain', td),
    env(`${L}IDENTITY_DIR`, '/var/run/linkerd/identity/end-entity'),
    env(`${L}IDENTITY_TRUST_ANCHORS`, v.identityTrustAnchorsPEM),
    env(
      `${L}IDENTITY_TOKEN_FILE`,
      projected
        ? '/var/run/secrets/tokens/linkerd-identity-token'
        : '/var/run/secrets/kubernetes.io/serviceaccount/token',
    ),
    env(`${L}IDENTITY_SVC_ADDR`, `linkerd-identity-headless.${ns}.svc.${dom}.:8080`),
    env(`${L}IDENTITY_LOCAL_NAME`, `$(_pod_sa).$(_pod_ns).serviceaccount.identity.${ns}.${td}`),
    env(`${L}IDENTITY_SVC_NAME`, `linkerd-identity.${ns}.serviceaccount.identity.${ns}.${td}`),
    env(`${L}DESTINATION_SVC_NAME`, destinationName),
    env(`${L}POLICY_SVC_NAME`, destinationName),
  );
  if (p.accessLog !== '') out.push(env(`${L}ACCESS_LOG`, p.accessLog));
  if (p.shutdownGracePeriod !== '') out.push(env(`${L}SHUTDOWN_GRACE_PERIOD`, p.shutdownGracePeriod));
  for (const extra of p.additionalEnv) out.push(structuredClone(extra));
  return out;
}

import { stringify } from 'yaml';
import { type MeshPlan, serviceFqdn } from '../plan/mesh-plan.js';

/**
 * The static discovery file the destination service serves (`skein-destination -static-file`):
 * one authority per Service (`<svc>.<ns>.svc.cluster.local:<port>`) whose endpoint is its pod,
 * with the pod's identity and the `h2` hint, and a ServiceProfile per Service with routes.
 *
 * In loopback mode each endpoint also names its proxy's inbound port as the opaque transport
 * port: with no iptables to redirect it, a peer proxy must dial the inbound listener itself and
 * carry the app's port in the transport header. With network namespaces the peer dials the
 * app's port and the pod's iptables send it to the proxy, as in Kubernetes.
 */
export function discoveryFile(plan: MeshPlan): string {
  const authorities: Record<string, unknown> = {};
  const profiles: unknown[] = [];
  for (const pod of plan.pods) {
    const { workload } = pod;
    if (workload.service === undefined || pod.appPort === undefined) continue;
    const fqdn = serviceFqdn(plan, workload.service.name);
    authorities[`${fqdn}:${workload.service.port}`] = {
      labels: { namespace: plan.namespace, service: workload.service.name },
      endpoints: [
        {
          address: `${pod.ip}:${pod.appPort}`,
          identity: pod.identity,
          protocolHint: 'h2',
          ...(plan.mode === 'loopback' ? { opaqueTransportPort: plan.proxyPorts.inbound } : {}),
          labels: {
            // The namespace is repeated on the endpoint: lookups by pod IP (netns mode) see only these.
            namespace: plan.namespace,
            pod: pod.name,
            deployment: workload.name,
            serviceaccount: pod.serviceAccount,
            control_plane_ns: plan.controlPlaneNamespace,
          },
        },
      ],
    };
    if (workload.routes !== undefined && workload.routes.length > 0) {
      profiles.push({
        apiVersion: 'linkerd.io/v1alpha2',
        kind: 'ServiceProfile',
        metadata: { name: fqdn, namespace: plan.namespace },
        spec: {
          routes: workload.routes.map((r) => ({
            name: r.name,
            condition: { ...(r.method === undefined ? {} : { method: r.method }), pathRegex: r.pathRegex },
          })),
        },
      });
    }
  }
  if (plan.mode === 'netns') {
    // The controller taps each proxy's control port through its own (meshed) proxy, which needs
    // the pod's identity for that address to open mTLS — as Linkerd's destination gives it for
    // any port of a meshed pod. No protocol hint: the port is not behind the peer's iptables.
    for (const pod of plan.pods) {
      const address = `${pod.ip}:${plan.proxyPorts.control}`;
      authorities[address] = {
        labels: { namespace: plan.namespace },
        endpoints: [{ address, identity: pod.identity, labels: { pod: pod.name } }],
      };
    }
  }
  return `# Written by @skein/local for one run of the local mesh; do not edit.\n${stringify({ authorities, profiles })}`;
}

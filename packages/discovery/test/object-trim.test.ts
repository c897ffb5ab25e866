import { describe, expect, it } from 'vitest';
import { realisticPod } from '../bench/realistic-pod.ts';
import { trimNode, trimPod, trimService } from '../src/server/index.js';

describe('object trimming', () => {
  it('keeps exactly what discovery reads of a real pod', () => {
    const pod = realisticPod('ns', 'web-0', '10.0.0.7');
    (pod.metadata.annotations as Record<string, string>)['config.linkerd.io/opaque-ports'] = '3306';
    const before = JSON.stringify(pod).length;
    trimPod(pod as never);
    expect(pod).toEqual({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: 'web-0',
        namespace: 'ns',
        labels: {
          app: 'web',
          'linkerd.io/control-plane-ns': 'linkerd',
          'linkerd.io/proxy-deployment': 'web',
          'pod-template-hash': '5d8f7c9b6',
        },
        annotations: { 'config.linkerd.io/opaque-ports': '3306' },
        ownerReferences: pod.metadata.ownerReferences,
      },
      spec: {
        serviceAccountName: 'app',
        nodeName: 'node-1',
        containers: [
          { name: 'app', ports: [{ name: 'http', containerPort: 8080 }] },
          {
            name: 'linkerd-proxy',
            ports: [
              { name: 'linkerd-proxy', containerPort: 4143 },
              { name: 'linkerd-admin', containerPort: 4191 },
            ],
            env: [
              { name: 'LINKERD2_PROXY_INBOUND_LISTEN_ADDR', value: '0.0.0.0:4143' },
              { name: 'LINKERD2_PROXY_ADMIN_LISTEN_ADDR', value: '0.0.0.0:4191' },
              { name: 'LINKERD2_PROXY_CONTROL_LISTEN_ADDR', value: '0.0.0.0:4190' },
            ],
          },
        ],
        initContainers: [],
      },
      status: { phase: 'Running', hostIP: '192.168.0.10', podIP: '10.0.0.7', podIPs: [{ ip: '10.0.0.7' }] },
    });
    expect(JSON.stringify(pod).length).toBeLessThan(before / 5);
  });

  it('keeps a service’s ports and opaque ports, and a node’s zone', () => {
    const svc = {
      metadata: {
        name: 's',
        namespace: 'n',
        managedFields: [{}],
        labels: { a: 'b' },
        annotations: { 'config.linkerd.io/opaque-ports': '1', other: 'x' },
      },
      spec: {
        type: 'ClusterIP',
        clusterIP: '10.96.0.1',
        ports: [{ port: 80 }],
        selector: { a: 'b' },
        sessionAffinity: 'None',
      },
      status: { loadBalancer: {} },
    };
    trimService(svc as never);
    expect(svc).toEqual({
      metadata: { name: 's', namespace: 'n', annotations: { 'config.linkerd.io/opaque-ports': '1' } },
      spec: { type: 'ClusterIP', clusterIP: '10.96.0.1', ports: [{ port: 80 }] },
    });
    const node = {
      metadata: { name: 'n1', labels: { 'topology.kubernetes.io/zone': 'z', 'kubernetes.io/os': 'linux' } },
      spec: {},
      status: { capacity: {} },
    };
    trimNode(node as never);
    expect(node).toEqual({ metadata: { name: 'n1', labels: { 'topology.kubernetes.io/zone': 'z' } } });
  });
});

import type { TapRequest } from '../../src/index.js';

let next = 1;

/** A request head as a proxy's tap layer would publish it. */
export function tapRequest(overrides: Partial<TapRequest> = {}): TapRequest {
  return {
    id: { base: 7, stream: next++ },
    direction: 'inbound',
    source: { ip: '10.1.2.3', port: 40000 },
    destination: { ip: '10.1.9.9', port: 8080 },
    method: 'GET',
    scheme: 'http',
    authority: 'web.demo.svc.cluster.local:80',
    path: '/api/list',
    headers: ['user-agent', 'curl/8', 'x-token', 'abc'],
    tls: 'true',
    sourceLabels: { client_id: 'client.demo.serviceaccount.identity.linkerd.cluster.local' },
    destinationLabels: {},
    routeLabels: {},
    startedAt: performance.now(),
    ...overrides,
  };
}

import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { defaultInboundPolicy } from '@skein/discovery/model';
import { BehaviorSubject } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SkeinProxy } from '../src/index.js';
import {
  getVia,
  identityName,
  serverPolicyWithProbes,
  startIdentityService,
  startMeshedProxy,
  type TestIdentityService,
} from './support/mesh.js';

// The policy service adds a probe route to HTTP servers: a GET of one of the pod's probe paths
// is allowed (unauthenticated, from the probe networks) even where the server's own
// authorizations refuse the caller, so the kubelet's probes keep passing under a strict policy.
const APP_IP = '127.0.2.21';
const CLIENT_IP = '127.0.2.22';

describe('inbound probe route', () => {
  let identity: TestIdentityService;
  let app: http.Server;
  let server: SkeinProxy;
  let client: SkeinProxy;

  beforeAll(async () => {
    identity = await startIdentityService();
    app = http.createServer((req, res) => res.end(`app saw ${req.method} ${req.url}`));
    app.listen(0, APP_IP);
    await once(app, 'listening');
    const appPort = (app.address() as AddressInfo).port;
    // A Server that admits one identity nobody has, plus the probe route for /healthz.
    const policy = serverPolicyWithProbes({
      server: 'app-http',
      authorization: 'nobody-only',
      identity: identityName('demo', 'nobody'),
      probePaths: ['/healthz'],
    });
    server = await startMeshedProxy({
      ip: APP_IP,
      namespace: 'demo',
      serviceAccount: 'app',
      identity,
      env: { LINKERD2_PROXY_INBOUND_DEFAULT_POLICY: 'deny' },
      // The app's port has the strict Server; the proxy's own admin port is open to all.
      policySource: {
        watch: (port) =>
          new BehaviorSubject(port === appPort ? policy : defaultInboundPolicy('all-unauthenticated')),
      },
    });
    client = await startMeshedProxy({
      ip: CLIENT_IP,
      namespace: 'demo',
      serviceAccount: 'client',
      identity,
      discovery: `authorities:
  app.demo.svc.cluster.local:80:
    endpoints: [ { address: "${APP_IP}:${appPort}", identity: ${identityName('demo', 'app')}, opaqueTransportPort: ${server.addresses.inbound.port}, protocolHint: h2 } ]
`,
    });
  });

  afterAll(async () => {
    await client?.shutdown(200);
    await server?.shutdown(200);
    app?.close();
    await identity?.close();
  });

  it('allows a GET of a probe path and refuses everything else the server does not authorize', async () => {
    const port = client.addresses.outbound[0]!.port;
    const probe = await getVia(port, CLIENT_IP, 'http://app.demo.svc.cluster.local/healthz');
    expect(probe.status).toBe(200);
    expect(probe.body).toBe('app saw GET /healthz');
    // The probe route matches the exact path, without its query.
    const withQuery = await getVia(port, CLIENT_IP, 'http://app.demo.svc.cluster.local/healthz?full=1');
    expect(withQuery.status).toBe(200);
    expect((await getVia(port, CLIENT_IP, 'http://app.demo.svc.cluster.local/')).status).toBe(403);
    expect((await getVia(port, CLIENT_IP, 'http://app.demo.svc.cluster.local/healthz/x')).status).toBe(403);

    const metrics = await getVia(server.addresses.admin.port, APP_IP, 'http://admin/metrics');
    expect(metrics.body).toMatch(
      /inbound_http_authz_allow_total\{[^}]*srv_name="app-http"[^}]*authz_kind="default",authz_name="probe"[^}]*\} 2/,
    );
    expect(metrics.body).toMatch(/inbound_http_authz_deny_total\{[^}]*srv_name="app-http"[^}]*\} 2/);
  });
});

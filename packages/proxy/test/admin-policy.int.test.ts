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

// Spec §4: the admin server detects TLS (mesh TLS to the proxy's identity is terminated) and the
// admin port's inbound policy applies to its requests. Here the admin port's Server admits one
// client identity (a Prometheus, say) and carries the probe route for /live and /ready.
const POD_IP = '127.0.2.31';
const SCRAPER_IP = '127.0.2.32';
const OTHER_IP = '127.0.2.33';

describe('admin port under an inbound policy', () => {
  let identity: TestIdentityService;
  let pod: SkeinProxy;
  let scraper: SkeinProxy;
  let other: SkeinProxy;

  beforeAll(async () => {
    identity = await startIdentityService();
    const adminPolicy = serverPolicyWithProbes({
      server: 'linkerd-admin',
      authorization: 'scraper-only',
      identity: identityName('demo', 'scraper'),
      probePaths: ['/live', '/ready'],
    });
    const watched: number[] = [];
    pod = await startMeshedProxy({
      ip: POD_IP,
      namespace: 'demo',
      serviceAccount: 'pod',
      identity,
      // This proxy fronts no app, so the only port it asks about is its admin port (watched from
      // the start), bound to an ephemeral port here.
      policySource: {
        watch: (port) => {
          watched.push(port);
          return new BehaviorSubject(adminPolicy);
        },
      },
    });
    expect(watched).toEqual([pod.addresses.admin.port]);
    // The scrapers reach the admin port as a meshed endpoint: mesh TLS with the pod's identity.
    const discovery = `authorities:
  pod-admin.demo.svc.cluster.local:4191:
    endpoints: [ { address: "${POD_IP}:${pod.addresses.admin.port}", identity: ${identityName('demo', 'pod')}, protocolHint: h2 } ]
`;
    scraper = await startMeshedProxy({
      ip: SCRAPER_IP,
      namespace: 'demo',
      serviceAccount: 'scraper',
      identity,
      discovery,
    });
    other = await startMeshedProxy({
      ip: OTHER_IP,
      namespace: 'demo',
      serviceAccount: 'other',
      identity,
      discovery,
    });
  });

  afterAll(async () => {
    await other?.shutdown(200);
    await scraper?.shutdown(200);
    await pod?.shutdown(200);
    await identity?.close();
  });

  it('serves the authorized identity over mesh TLS and refuses others with 403', async () => {
    const url = 'http://pod-admin.demo.svc.cluster.local:4191/metrics';
    const allowed = await getVia(scraper.addresses.outbound[0]!.port, SCRAPER_IP, url);
    expect(allowed.status).toBe(200);
    expect(allowed.body).toContain('# TYPE request_total counter');
    const refused = await getVia(other.addresses.outbound[0]!.port, OTHER_IP, url);
    expect(refused.status).toBe(403);
  });

  it('lets plaintext probes reach /live and /ready through the probe route, and nothing else', async () => {
    const admin = pod.addresses.admin.port;
    expect((await getVia(admin, POD_IP, 'http://admin/ready')).status).toBe(200);
    expect((await getVia(admin, POD_IP, 'http://admin/live')).body).toBe('live\n');
    expect((await getVia(admin, POD_IP, 'http://admin/metrics')).status).toBe(403);
    expect((await getVia(admin, POD_IP, 'http://admin/env.json')).status).toBe(403);
  });

  it('counts the decisions with the admin Server and the client identity', async () => {
    const url = 'http://pod-admin.demo.svc.cluster.local:4191/metrics';
    const { body } = await getVia(scraper.addresses.outbound[0]!.port, SCRAPER_IP, url);
    expect(body).toMatch(
      /inbound_http_authz_allow_total\{[^}]*srv_name="linkerd-admin"[^}]*authz_name="scraper-only"[^}]*tls="true",client_id="scraper\.demo\.serviceaccount/,
    );
    expect(body).toMatch(
      /inbound_http_authz_allow_total\{[^}]*srv_name="linkerd-admin"[^}]*authz_name="probe"[^}]*tls="no_identity"/,
    );
    expect(body).toMatch(
      /inbound_http_authz_deny_total\{[^}]*srv_name="linkerd-admin"[^}]*client_id="other\./,
    );
  });
});

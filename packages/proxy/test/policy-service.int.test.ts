import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunningPolicyServer } from '@skein/discovery/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SkeinProxy } from '../src/index.js';
import {
  getVia,
  identityName,
  startIdentityService,
  startMeshedProxy,
  startPolicyGovernedProxy,
  type TestIdentityService,
} from './support/mesh.js';

// A proxy configured only through its environment (LINKERD2_PROXY_POLICY_SVC_ADDR and
// LINKERD2_PROXY_POLICY_WORKLOAD) takes its inbound policy from a real policy server: a Server
// for the app's port with an AuthorizationPolicy that admits one service account only.
const APP_IP = '127.0.2.1';
const VOTE_IP = '127.0.2.2';
const WEB_IP = '127.0.2.3';

describe('inbound policy from the policy service', () => {
  let identity: TestIdentityService;
  let dir: string;
  let policyServer: RunningPolicyServer;
  let app: http.Server;
  let emoji: SkeinProxy;
  let vote: SkeinProxy;
  let web: SkeinProxy;

  beforeAll(async () => {
    identity = await startIdentityService();
    dir = mkdtempSync(join(tmpdir(), 'skein-policy-svc-'));
    app = http.createServer((req, res) => res.end(`emoji saw ${req.headers['l5d-client-id']}`));
    app.listen(0, APP_IP);
    await once(app, 'listening');
    const appPort = (app.address() as AddressInfo).port;
    const policyFile = join(dir, 'policy.yaml');
    writeFileSync(
      policyFile,
      `identityTrustDomain: cluster.local
controlPlaneNamespace: linkerd
services:
  - name: emoji
    namespace: demo
    ports: [{ port: 80, targetPort: ${appPort} }]
    endpoints: [{ ip: ${APP_IP}, pod: emoji-0, labels: { app: emoji } }]
servers:
  - metadata: { name: emoji-http, namespace: demo }
    spec: { podSelector: { matchLabels: { app: emoji } }, port: ${appPort}, proxyProtocol: HTTP/1 }
authorizationPolicies:
  - metadata: { name: vote-only, namespace: demo }
    spec:
      targetRef: { group: policy.linkerd.io, kind: Server, name: emoji-http }
      requiredAuthenticationRefs: [{ kind: ServiceAccount, name: vote }]
`,
    );
    ({ policyServer, proxy: emoji } = await startPolicyGovernedProxy({
      ip: APP_IP,
      serviceAccount: 'emoji',
      pod: 'emoji-0',
      appPort,
      policyFile,
      identity,
    }));
    const discovery = `authorities:
  emoji.demo.svc.cluster.local:80:
    endpoints: [ { address: "${APP_IP}:${appPort}", identity: ${identityName('demo', 'emoji')}, opaqueTransportPort: ${emoji.addresses.inbound.port}, protocolHint: h2 } ]
`;
    vote = await startMeshedProxy({
      ip: VOTE_IP,
      namespace: 'demo',
      serviceAccount: 'vote',
      identity,
      discovery,
    });
    web = await startMeshedProxy({
      ip: WEB_IP,
      namespace: 'demo',
      serviceAccount: 'web',
      identity,
      discovery,
    });
  });

  afterAll(async () => {
    await web?.shutdown(200);
    await vote?.shutdown(200);
    await emoji?.shutdown(200);
    await policyServer?.close(200);
    app?.close();
    await identity?.close();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  it('admits the authorized service account and answers 403 to any other', async () => {
    const url = 'http://emoji.demo.svc.cluster.local/';
    // The first request may race the policy's first answer; the Server's name shows it arrived.
    let allowed = await getVia(vote.addresses.outbound[0]!.port, VOTE_IP, url);
    for (let i = 0; i < 50; i++) {
      const m = await getVia(emoji.addresses.admin.port, APP_IP, 'http://admin/metrics');
      if (m.body.includes('srv_name="emoji-http"')) break;
      await new Promise((r) => setTimeout(r, 50));
      allowed = await getVia(vote.addresses.outbound[0]!.port, VOTE_IP, url);
    }
    expect(allowed.status).toBe(200);
    expect(allowed.body).toBe(`emoji saw ${identityName('demo', 'vote')}`);

    const denied = await getVia(web.addresses.outbound[0]!.port, WEB_IP, url);
    expect(denied.status).toBe(403);

    const metrics = await getVia(emoji.addresses.admin.port, APP_IP, 'http://admin/metrics');
    expect(metrics.body).toMatch(
      /inbound_http_authz_allow_total\{[^}]*srv_kind="server",srv_name="emoji-http"[^}]*authz_name="vote-only"[^}]*client_id="vote\.demo\.serviceaccount/,
    );
    expect(metrics.body).toMatch(
      /inbound_http_authz_deny_total\{[^}]*srv_kind="server",srv_name="emoji-http"[^}]*\} 1/,
    );
  });
});

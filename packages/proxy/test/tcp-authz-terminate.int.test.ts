import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net, { type AddressInfo } from 'node:net';
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

// A long-lived meshed TCP connection is authorized when it opens; when the policy service later
// revokes that authorization, the inbound proxy closes the connection and counts it in
// inbound_tcp_authz_terminate_total (spec §5.3), as linkerd2-proxy does.
const APP_IP = '127.0.3.1';
const VOTE_IP = '127.0.3.2';

function policyYaml(appPort: number, allowed: string): string {
  return `identityTrustDomain: cluster.local
controlPlaneNamespace: linkerd
services:
  - name: emoji
    namespace: demo
    ports: [{ port: 80, targetPort: ${appPort} }]
    endpoints: [{ ip: ${APP_IP}, pod: emoji-0, labels: { app: emoji } }]
servers:
  - metadata: { name: emoji-tcp, namespace: demo }
    spec: { podSelector: { matchLabels: { app: emoji } }, port: ${appPort}, proxyProtocol: opaque }
authorizationPolicies:
  - metadata: { name: only-${allowed}, namespace: demo }
    spec:
      targetRef: { group: policy.linkerd.io, kind: Server, name: emoji-tcp }
      requiredAuthenticationRefs: [{ kind: ServiceAccount, name: ${allowed} }]
`;
}

describe('a policy change closes TCP connections it no longer allows', () => {
  let identity: TestIdentityService;
  let dir: string;
  let policyFile: string;
  let appPort: number;
  let policyServer: RunningPolicyServer;
  let app: net.Server;
  let emoji: SkeinProxy;
  let vote: SkeinProxy;

  beforeAll(async () => {
    identity = await startIdentityService();
    dir = mkdtempSync(join(tmpdir(), 'skein-tcp-authz-'));
    app = net.createServer((s) => {
      // The proxy resets the app's side of a revoked connection.
      s.on('error', () => {});
      s.pipe(s);
    });
    app.listen(0, APP_IP);
    await once(app, 'listening');
    appPort = (app.address() as AddressInfo).port;
    policyFile = join(dir, 'policy.yaml');
    writeFileSync(policyFile, policyYaml(appPort, 'vote'));
    ({ policyServer, proxy: emoji } = await startPolicyGovernedProxy({
      ip: APP_IP,
      serviceAccount: 'emoji',
      pod: 'emoji-0',
      appPort,
      policyFile,
      identity,
    }));
    vote = await startMeshedProxy({
      ip: VOTE_IP,
      namespace: 'demo',
      serviceAccount: 'vote',
      identity,
      discovery: `authorities:
  emoji.demo.svc.cluster.local:80:
    endpoints: [ { address: "${APP_IP}:${appPort}", identity: ${identityName('demo', 'emoji')}, opaqueTransportPort: ${emoji.addresses.inbound.port}, protocolHint: opaque } ]
`,
    });
  });

  afterAll(async () => {
    await vote?.shutdown(200);
    await emoji?.shutdown(200);
    await policyServer?.close(200);
    app?.close();
    await identity?.close();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  /** Opens a tunnel through vote's proxy to emoji's app and waits for an echo. */
  async function openTunnel(): Promise<{ socket: net.Socket; received: () => string }> {
    const socket = net.connect(vote.addresses.outbound[0]!.port, VOTE_IP);
    socket.on('error', () => {});
    await once(socket, 'connect');
    let received = '';
    socket.on('data', (c: Buffer) => {
      received += c.toString();
    });
    socket.write(
      'CONNECT emoji.demo.svc.cluster.local:80 HTTP/1.1\r\nHost: emoji.demo.svc.cluster.local:80\r\n\r\n',
    );
    socket.write('ping');
    for (let i = 0; i < 200 && !received.endsWith('ping'); i++) await new Promise((r) => setTimeout(r, 10));
    return { socket, received: () => received };
  }

  const emojiMetrics = async () =>
    (await getVia(emoji.addresses.admin.port, APP_IP, 'http://admin/metrics')).body;

  it('keeps an allowed connection open, then resets it once the policy revokes its client', async () => {
    // The first connection may race the policy's first answer: open tunnels until one was
    // admitted by the Server's own authorization (not the default policy).
    let tunnel = await openTunnel();
    for (
      let i = 0;
      i < 50 && !/inbound_tcp_authz_allow_total\{[^}]*authz_name="only-vote"/.test(await emojiMetrics());
      i++
    ) {
      tunnel.socket.destroy();
      await new Promise((r) => setTimeout(r, 50));
      tunnel = await openTunnel();
    }
    expect(tunnel.received()).toMatch(/^HTTP\/1.1 200 Connection Established\r\n(?:[^\r]*\r\n)*\r\nping$/);
    expect(await emojiMetrics()).not.toMatch(/inbound_tcp_authz_terminate_total\{/);

    // Another change that still allows vote leaves the connection alone.
    writeFileSync(policyFile, `${policyYaml(appPort, 'vote')}# touched\n`);
    await new Promise((r) => setTimeout(r, 300));
    tunnel.socket.write('pong');
    for (let i = 0; i < 100 && !tunnel.received().endsWith('pong'); i++)
      await new Promise((r) => setTimeout(r, 10));
    expect(tunnel.received().endsWith('pingpong')).toBe(true);

    // Now only web may connect: vote's open connection is closed.
    const closed = once(tunnel.socket, 'close');
    writeFileSync(policyFile, policyYaml(appPort, 'web'));
    await closed;
    const metrics = await emojiMetrics();
    expect(metrics).toMatch(
      /inbound_tcp_authz_terminate_total\{[^}]*srv_kind="server",srv_name="emoji-tcp"[^}]*client_id="vote\.demo\.serviceaccount[^}]*\} 1/,
    );
    // And a new connection from vote is refused at once.
    const again = await openTunnel();
    expect(again.received()).not.toMatch(/ping$/);
    again.socket.destroy();
  });
});

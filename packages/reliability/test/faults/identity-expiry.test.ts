import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import tls from 'node:tls';
import { decodeCertificatesPem, readCertificate } from '@skein/identity';
import { allocatePort, closeAllProcesses, recordReliability, waitFor } from '@skein/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createMeshTrust,
  type IdentityProcess,
  type MeshPeer,
  type MeshTrust,
  meshHandshake,
  meshName,
  startIdentityProcess,
  startMeshPeer,
} from '../support/fault-identity.js';
import { probe } from '../support/fault-load.js';
import { type ProxyProcess, startProxyProcess } from '../support/fault-proxy.js';
import { writeDiscoveryFile } from '../support/fault-static.js';

// skein-proxy whose certificate expires because the identity service stays down: it must stop
// reporting ready, and no new mTLS session may be made with the expired certificate, inbound or
// outbound (no plaintext fallback either).
const LIFETIME_S = 5;
const WEB = meshName('web', 'faults');
const PEER = meshName('peer', 'faults');
const PEER_AUTHORITY = 'peer.faults.test';

let dir: string;
let trust: MeshTrust;
let identity: IdentityProcess;
let peer: MeshPeer;
let proxy: ProxyProcess;

/**
 * A TLS handshake with the proxy's inbound port by a client that presents a valid mesh certificate
 * but does not check the server's: does the proxy itself still complete handshakes?
 */
function lenientHandshake(port: number, client: { certificatePem: string; keyPem: string }): Promise<string> {
  return new Promise((resolve) => {
    const socket = tls.connect({
      host: '127.0.0.1',
      port,
      servername: WEB,
      cert: client.certificatePem,
      key: client.keyPem,
      minVersion: 'TLSv1.3',
      rejectUnauthorized: false,
    });
    socket.once('secureConnect', () => {
      socket.destroy();
      resolve('completed');
    });
    socket.once('error', (err) => resolve(err.message));
    socket.once('close', () => resolve('closed before the handshake completed'));
  });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'skein-fault-expiry-'));
  trust = createMeshTrust(dir, { 'tok-web': 'faults/web' });
  writeFileSync(join(dir, 'token'), 'tok-web');
  const identityPort = await allocatePort();
  identity = await startIdentityProcess(trust, identityPort, `${LIFETIME_S}s`);
  peer = await startMeshPeer(trust.issue(PEER));
  const file = join(dir, 'discovery.yaml');
  writeDiscoveryFile(file, {
    [`${PEER_AUTHORITY}:80`]: [{ address: `127.0.0.1:${peer.port}`, identity: PEER }],
  });
  proxy = await startProxyProcess({
    LINKERD2_PROXY_IDENTITY_SVC_ADDR: `127.0.0.1:${identityPort}`,
    LINKERD2_PROXY_IDENTITY_DIR: join(dir, 'proxy-identity'),
    LINKERD2_PROXY_IDENTITY_TOKEN_FILE: join(dir, 'token'),
    LINKERD2_PROXY_IDENTITY_TRUST_ANCHORS: trust.anchorsPem,
    LINKERD2_PROXY_IDENTITY_LOCAL_NAME: WEB,
    LINKERD2_PROXY_IDENTITY_MIN_REFRESH: '500ms',
    SKEIN_PROXY_DISCOVERY_FILE: file,
  });
});

afterAll(async () => {
  await proxy?.close();
  await identity?.close();
  await closeAllProcesses();
  await peer?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('an expired proxy certificate', () => {
  it('makes /ready fail and new mTLS handshakes fail closed', async () => {
    await waitFor(async () => (await proxy.admin('/ready')).status === 200, {
      timeoutMs: 20_000,
      what: 'the proxy to be certified and ready',
    });
    const { body } = await proxy.admin('/identity/certificate');
    const notAfter = readCertificate(decodeCertificatesPem(body)[0]!).notAfter.getTime();
    const client = trust.issue(meshName('client', 'faults'));
    const inbound = proxy.addresses.inbound.port;
    // Before expiry, everything works (so what fails later fails because of the expiry).
    expect(await meshHandshake(client, inbound, WEB)).toBe('ok');
    const okBefore = await probe(proxy.outboundUrl, PEER_AUTHORITY);
    expect(okBefore.status).toBe(200);

    await identity.kill();
    await sleep(Math.max(0, notAfter - Date.now()) + 1000);
    const servedBefore = peer.clients.length;

    // Every property is observed before asserting, so a run reports each one that does not hold.
    const ready = await waitFor(
      async () => {
        const r = await proxy.admin('/ready');
        return r.status !== 200 ? r.status : undefined;
      },
      { timeoutMs: 5000, intervalMs: 100, what: '/ready to fail' },
    ).catch(() => 200);
    const meshed = await meshHandshake(client, inbound, WEB);
    const lenient = await lenientHandshake(inbound, client);
    const outbound = await probe(proxy.outboundUrl, PEER_AUTHORITY);
    const observed = {
      ready,
      inboundMeshHandshake: meshed === 'ok' ? 'completed' : 'failed',
      inboundLenientHandshake: lenient === 'completed' ? 'completed' : 'failed',
      outboundStatus: outbound.status,
      requestsReachingPeer: peer.clients.length - servedBefore,
    };
    expect(Date.now()).toBeGreaterThan(notAfter);
    expect(
      observed,
      `after expiry: mesh client said "${meshed}", lenient client "${lenient}", outbound ${JSON.stringify(outbound)}`,
    ).toEqual({
      ready: 503,
      inboundMeshHandshake: 'failed',
      inboundLenientHandshake: 'failed',
      outboundStatus: 502,
      requestsReachingPeer: 0,
    });

    recordReliability({
      suite: 'fault',
      id: 'identity-certificate-expired',
      scenario: `skein-proxy's certificate (valid ${LIFETIME_S} s) expires while skein-identity stays down`,
      expected:
        '/ready fails; new inbound mTLS handshakes fail (also for clients that do not check); outbound requests to meshed peers fail with 502 and nothing reaches the peer',
      measured: `/ready ${ready}; mesh client: ${meshed}; lenient client: ${lenient}; outbound ${outbound.status} (${outbound.proxyError ?? ''}); peer served ${peer.clients.length - servedBefore} requests after expiry`,
      passed: true,
    });
  });
});
